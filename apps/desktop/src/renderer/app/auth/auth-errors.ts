import { describeConnectionProblem } from '../server-status/connection-error.ts';
import { httpStatusOf } from '../data/query-client.ts';

export interface AuthProblem {
  kind: 'credentials' | 'throttled' | 'unreachable' | 'forbidden' | 'server';
  message: string;
  /** Throttled: seconds until another attempt is allowed, when the server said. */
  waitSeconds?: number;
}

function codeOf(error: unknown): string | undefined {
  const data: unknown =
    typeof error === 'object' && error !== null && 'data' in error ? error.data : undefined;
  const code: unknown = typeof data === 'object' && data !== null && 'code' in data ? data.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** Seconds to wait, from the error's data (`retryAfterSeconds`) or its message ("… in 30 s"). */
function waitOf(error: unknown): number | undefined {
  const data: unknown =
    typeof error === 'object' && error !== null && 'data' in error ? error.data : undefined;
  const field: unknown =
    typeof data === 'object' && data !== null && 'retryAfterSeconds' in data
      ? data.retryAfterSeconds
      : undefined;
  if (typeof field === 'number' && field > 0) return Math.ceil(field);
  const message = error instanceof Error ? error.message : '';
  const match = /(\d+)\s*(?:s\b|sec|second)/i.exec(message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** What went wrong with a sign-in or setup, in words: never just "error". */
export function describeAuthProblem(error: unknown, serverUrl: string): AuthProblem {
  const status = httpStatusOf(error);
  const code = codeOf(error);
  if (code === 'TOO_MANY_REQUESTS' || status === 429) {
    const wait = waitOf(error);
    return {
      kind: 'throttled',
      message:
        wait === undefined
          ? 'Too many attempts. Wait a moment before trying again.'
          : `Too many attempts. Try again in ${wait} s.`,
      ...(wait === undefined ? {} : { waitSeconds: wait }),
    };
  }
  if (code === 'UNAUTHORIZED' || status === 401) {
    return { kind: 'credentials', message: 'Wrong username or password.' };
  }
  if (code === 'FORBIDDEN' || status === 403) {
    return { kind: 'forbidden', message: error instanceof Error ? error.message : 'Not allowed.' };
  }
  const problem = describeConnectionProblem(error, serverUrl);
  if (problem.kind === 'unreachable') {
    return {
      kind: 'unreachable',
      message: `${problem.summary}. Check that it is running and try again.`,
    };
  }
  if (problem.kind === 'not-apo') return { kind: 'server', message: `${problem.summary}. ${problem.hint}` };
  return { kind: 'server', message: `The server could not complete this: ${problem.detail}` };
}
