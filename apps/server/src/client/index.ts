/**
 * `@apo/server/client`: the typed API client for Node scripts and automation. Every procedure of the
 * server's router, with its input checked by TypeScript and its output typed, over the same tRPC + superjson
 * wire the console uses (nanosecond timestamps stay exact bigints). docs/api.md lists the procedures.
 *
 *   import { createApoClient } from '@apo/server/client';
 *   const apo = createApoClient({ url: 'http://127.0.0.1:3300', apiKey: '…' });
 *   const services = await apo.services.list.query({ from: Date.now() - 3_600_000, to: Date.now() });
 */
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../trpc/root.ts';

export type { AppRouter };
export { TRPCClientError };

export interface ApoClientOptions {
  /** The server's URL, as for the console: `http://127.0.0.1:3300` (a path prefix behind a proxy is kept). */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`: an API key, or the admin token. Not needed on a loopback server without auth. */
  apiKey?: string | undefined;
  /** Another fetch (a proxy agent, a test double); the global one by default. */
  fetch?: typeof fetch;
}

/**
 * Calls made together (`Promise.all`) travel in one HTTP request. GET batches are split before their URL
 * outgrows what servers and proxies accept (Node's default header limit is 16 KiB).
 */
const MAX_URL_LENGTH = 8_000;

export function createApoClient(options: ApoClientOptions) {
  const parsed = URL.parse(options.url);
  if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new TypeError(
      `createApoClient: url must be an http:// or https:// URL (got ${JSON.stringify(options.url)})`,
    );
  }
  const base = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  const headers: Record<string, string> =
    options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` };
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${base}/trpc`,
        transformer: superjson,
        maxURLLength: MAX_URL_LENGTH,
        headers,
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      }),
    ],
  });
}

export type ApoClient = ReturnType<typeof createApoClient>;

/** The tRPC error code of a failed call (`UNAUTHORIZED`, `BAD_REQUEST`, `NOT_FOUND`…), if it came from the server. */
export function apoErrorCode(err: unknown): string | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data: unknown = err.data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return undefined;
  return typeof data.code === 'string' ? data.code : undefined;
}
