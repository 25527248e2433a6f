export interface ConnectionProblem {
  kind: 'unreachable' | 'server-error';
  /** One sentence saying what is wrong. */
  summary: string;
  /** What to do about it, when there is a command for it. */
  remedy?: { text: string; command: string };
  /** A likelier explanation the browser cannot tell us about directly. */
  hint?: string;
  /** The underlying error text, for the curious and for bug reports. */
  detail: string;
}

/**
 * A tRPC error that carries `data.code` came from the APO server itself; anything else (a failed fetch, a
 * proxy error page, a non-tRPC answer) means the console could not talk to an APO server at that address.
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
