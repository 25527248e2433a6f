import { describe, expect, it } from 'vitest';
import { describeConnectionProblem } from './connection-error.ts';

describe('describeConnectionProblem', () => {
  it('calls a failed fetch unreachable and says how to start the server', () => {
    const problem = describeConnectionProblem(new TypeError('Failed to fetch'), 'http://127.0.0.1:3300');
    expect(problem).toEqual({
      kind: 'unreachable',
      message: 'Cannot reach the APO server at http://127.0.0.1:3300 — start it with `pnpm start`',
      detail: 'Failed to fetch',
    });
  });

  it('reports an error the server itself returned as a server error, with its code', () => {
    const error = Object.assign(new Error('storage is not ready'), { data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 } });
    const problem = describeConnectionProblem(error, 'http://apo:3300');
    expect(problem.kind).toBe('server-error');
    expect(problem.message).toBe('The APO server at http://apo:3300 answered with an error (SERVICE_UNAVAILABLE): storage is not ready');
  });
});
