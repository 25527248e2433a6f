import { describe, expect, it } from 'vitest';
import { describeConnectionProblem } from './connection-error.ts';

describe('describeConnectionProblem', () => {
  it('calls a failed fetch unreachable and says how to start the server', () => {
    const problem = describeConnectionProblem(
      new TypeError('Failed to fetch'),
      'http://127.0.0.1:3300',
      'http://127.0.0.1:3300',
    );
    expect(problem).toEqual({
      kind: 'unreachable',
      summary: 'Cannot reach the APO server at http://127.0.0.1:3300',
      remedy: { text: 'start it with', command: 'pnpm start' },
      detail: 'Failed to fetch',
    });
  });

  it('mentions cross-origin refusal as a possible cause only when the server is on another origin', () => {
    const problem = describeConnectionProblem(
      new TypeError('Failed to fetch'),
      'http://127.0.0.1:3300',
      'http://127.0.0.1:5173',
    );
    expect(problem.hint).toContain("this page's origin (http://127.0.0.1:5173)");
  });

  it('reports an error the server itself returned as a server error, with its code', () => {
    const error = Object.assign(new Error('storage is not ready'), {
      data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 },
    });
    const problem = describeConnectionProblem(error, 'http://apo:3300');
    expect(problem.kind).toBe('server-error');
    expect(problem.summary).toBe(
      'The APO server at http://apo:3300 answered with an error (SERVICE_UNAVAILABLE): storage is not ready',
    );
    expect(problem.remedy).toBeUndefined();
  });
});
