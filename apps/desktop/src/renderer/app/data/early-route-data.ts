import { createApoTrpcClient } from '../../trpc/trpc.ts';
import { createQueryClient } from './query-client.ts';
import type { RouteData } from './route-data.ts';

/**
 * A server scope's query cache made before React exists, so the first view's request can leave while the
 * app's code is still loading (boot/early-data.ts). The scope for the same server adopts the cache, with the
 * request in flight or answered; the loader and the page then find it there under the same key, as if they
 * had asked themselves. Only the cache is handed over: the scope makes its own client (with its token).
 */
let early: { serverUrl: string; data: RouteData } | undefined;

export function earlyRouteData(serverUrl: string): RouteData {
  if (early?.serverUrl !== serverUrl) {
    early = { serverUrl, data: { queryClient: createQueryClient(), api: createApoTrpcClient(serverUrl) } };
  }
  return early.data;
}

/** The early cache for this server, once: a scope made later (a server switch and back) starts empty. */
export function adoptEarlyQueryClient(serverUrl: string) {
  const found = early?.serverUrl === serverUrl ? early.data.queryClient : undefined;
  early = undefined;
  return found;
}
