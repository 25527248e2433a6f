export interface ConnectionProblem {
  /**
   * `unreachable`: no answer at all (refused, DNS, TLS, CORS, timeout); `server-error`: the APO server
   * answered with an error of its own; `not-apo`: something answered, but not as an APO server does (a
   * proxy's error page, another program on that port, a wrong path).
   */
  kind: 'unreachable' | 'server-error' | 'not-apo';
  /** One sentence saying what is wrong. */
  summary: string;
  /** What to do about it, when there is a command for it. */
  remedy?: { text: string; command: string };
  /** A likelier explanation the browser cannot tell us about directly. */
  hint?: string;
  /** The underlying error text, for the curious and for bug reports. */
  detail: string;
}

// What fetch throws (a TypeError) when no answer came: Chromium, Firefox, Safari, Node / Electron main.
const NO_ANSWER = /failed to fetch|networkerror|load failed|fetch failed|network request failed/i;

/**
 * A tRPC error that carries `data.code` came from the APO server itself; a failed fetch means the console
 * could not talk to anything at that address; anything else (an answer that is not JSON, JSON that is not
 * tRPC's) came from something else answering there.
 */
export function describeConnectionProblem(
  error: unknown,
  serverUrl: string,
  pageOrigin?: string,
): ConnectionProblem {
  const detail = error instanceof Error ? error.message : String(error);
  const data: unknown =
    typeof error === 'object' && error !== null && 'data' in error ? error.data : undefined;
  const code: unknown = typeof data === 'object' && data !== null && 'code' in data ? data.code : undefined;
  if (typeof code === 'string') {
    return {
      kind: 'server-error',
      summary: `The APO server at ${serverUrl} answered with an error (${code}): ${detail}`,
      detail,
    };
  }
  // tRPC wraps what fetch or the JSON parser threw as the cause.
  const cause: unknown = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const noAnswer =
    (cause instanceof TypeError && NO_ANSWER.test(cause.message)) ||
    (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError'));
  if (!noAnswer && cause instanceof Error) {
    return {
      kind: 'not-apo',
      summary: `The server at ${serverUrl} answered, but not as an APO server does`,
      hint: `Check the address. A proxy in front of APO (its error page while APO restarts) or another program listening there answers like this.`,
      detail,
    };
  }
  const problem: ConnectionProblem = {
    kind: 'unreachable',
    summary: `Cannot reach the APO server at ${serverUrl}`,
    remedy: { text: 'start it with', command: 'pnpm start' },
    detail,
  };
  // Browsers report a CORS refusal exactly like a refused connection, so say so when it is possible.
  const crossOrigin = pageOrigin !== undefined && URL.parse(serverUrl)?.origin !== pageOrigin;
  if (crossOrigin) {
    problem.hint = `If the server is running, it may not allow requests from this page's origin (${pageOrigin}): open the console from the server itself, or allow that origin on the server.`;
  }
  return problem;
}
