export interface ConnectionProblem {
  kind: 'unreachable' | 'server-error';
  message: string;
  /** The underlying error text, for the curious and for bug reports. */
  detail: string;
}

/**
 * A tRPC error that carries `data.code` came from the APO server itself; anything else (a failed fetch, a
 * proxy error page, a non-tRPC answer) means the console could not talk to an APO server at that address.
 */
export function describeConnectionProblem(error: unknown, serverUrl: string): ConnectionProblem {
  const detail = error instanceof Error ? error.message : String(error);
  const data: unknown = typeof error === 'object' && error !== null && 'data' in error ? error.data : undefined;
  const code: unknown = typeof data === 'object' && data !== null && 'code' in data ? data.code : undefined;
  if (typeof code === 'string') {
    return { kind: 'server-error', message: `The APO server at ${serverUrl} answered with an error (${code}): ${detail}`, detail };
  }
  return { kind: 'unreachable', message: `Cannot reach the APO server at ${serverUrl} — start it with \`pnpm start\``, detail };
}
