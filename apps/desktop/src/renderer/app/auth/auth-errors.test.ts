import { describe, expect, it } from 'vitest';
import { describeAuthProblem } from './auth-errors.ts';

const trpcError = (message: string, code: string, httpStatus: number, extra: object = {}) =>
  Object.assign(new Error(message), { data: { code, httpStatus, ...extra } });

describe('sign-in problems', () => {
  it('says wrong credentials plainly', () => {
    expect(describeAuthProblem(trpcError('invalid credentials', 'UNAUTHORIZED', 401), 'http://apo')).toEqual({
      kind: 'credentials',
      message: 'Wrong username or password.',
    });
  });

  it('gives the wait time when throttled, from data or from the message', () => {
    expect(
      describeAuthProblem(trpcError('slow down', 'TOO_MANY_REQUESTS', 429, { retryAfterSeconds: 29.2 }), 'x'),
    ).toMatchObject({ kind: 'throttled', waitSeconds: 30, message: 'Too many attempts. Try again in 30 s.' });
    expect(
      describeAuthProblem(trpcError('try again in 12 seconds', 'TOO_MANY_REQUESTS', 429), 'x').waitSeconds,
    ).toBe(12);
  });

  it('names the server when it cannot be reached', () => {
    expect(describeAuthProblem(new TypeError('Failed to fetch'), 'http://127.0.0.1:3300').message).toBe(
      'Cannot reach the APO server at http://127.0.0.1:3300. Check that it is running and try again.',
    );
  });

  it('says when what answered at that address is not an APO server', () => {
    const html = Object.assign(new Error('not valid JSON'), { cause: new SyntaxError('not valid JSON') });
    const problem = describeAuthProblem(html, 'http://apo:3300');
    expect(problem.kind).toBe('server');
    expect(problem.message).toMatch(
      /^The server at http:\/\/apo:3300 answered, but not as an APO server does\. Check the address\./,
    );
  });
});
