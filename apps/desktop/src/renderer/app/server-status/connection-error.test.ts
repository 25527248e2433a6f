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

describe('describeConnectionProblem, when something else answers', () => {
  const notJson = Object.assign(new Error('Unexpected token \'<\', "<html><bod"... is not valid JSON'), {
    cause: new SyntaxError('Unexpected token \'<\', "<html><bod"... is not valid JSON'),
  });

  it('says a non-JSON answer (a proxy error page) is not an APO answer, not that the server is down', () => {
    const problem = describeConnectionProblem(notJson, 'http://apo:3300');
    expect(problem.kind).toBe('not-apo');
    expect(problem.summary).toBe('The server at http://apo:3300 answered, but not as an APO server does');
    expect(problem.remedy).toBeUndefined();
    expect(problem.detail).toContain('is not valid JSON');
  });

  it('keeps a failed fetch wrapped by tRPC, and a timeout, as unreachable', () => {
    const wrapped = Object.assign(new Error('Failed to fetch'), { cause: new TypeError('Failed to fetch') });
    expect(describeConnectionProblem(wrapped, 'http://apo:3300').kind).toBe('unreachable');
    const timeout = new DOMException('signal timed out', 'TimeoutError');
    expect(
      describeConnectionProblem(Object.assign(new Error('x'), { cause: timeout }), 'http://apo:3300').kind,
    ).toBe('unreachable');
  });

  it('calls a TypeError that is not a network failure (JSON that is not tRPC) not-apo', () => {
    const odd = Object.assign(new Error('bad'), {
      cause: new TypeError("Cannot read properties of undefined (reading 'result')"),
    });
    expect(describeConnectionProblem(odd, 'http://apo:3300').kind).toBe('not-apo');
  });
});
