import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import superjson from 'superjson';
import type { AppRouter } from '@apo/server/router';

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** The server's tRPC endpoint lives at `<server>/trpc`; superjson matches the server's transformer. */
export function createApoTrpcClient(serverUrl: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${serverUrl}/trpc`, transformer: superjson })],
  });
}
