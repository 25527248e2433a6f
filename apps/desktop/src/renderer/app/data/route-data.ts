import type { QueryClient } from '@tanstack/react-query';
import type { ApoTrpcClient } from '../../trpc/trpc.ts';

/**
 * What route loaders get from the server scope (app.tsx passes it to RouterProvider): the active server's
 * query cache and tRPC client. A view's loader starts its first request with them, so the request runs
 * while the view's lazy chunk downloads and the offline cache is restored, instead of after both.
 * Undefined outside a server scope (the router exists before the connection list is known).
 */
export interface RouteData {
  queryClient: QueryClient;
  api: ApoTrpcClient;
}

export interface ConsoleRouterContext {
  data?: RouteData | undefined;
}
