import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import superjson from 'superjson';
import type { AppRouter } from '@apo/server/router';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * The server's tRPC endpoint lives at `<server>/trpc`; superjson matches the server's transformer. Requests
 * made in the same tick are batched; each query passes TanStack Query's AbortSignal, so a view that unmounts
 * cancels what it asked for (a batch is cancelled once all its queries are). `bearerToken` is the desktop
 * app's session token (browsers use the server's httpOnly cookie instead).
 */
export type ApoTrpcClient = ReturnType<typeof createApoTrpcClient>;

export function createApoTrpcClient(serverUrl: string, bearerToken?: () => Promise<string | null>) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${serverUrl}/trpc`,
        transformer: superjson,
        maxURLLength: 4_000,
        headers: async () => {
          const token = bearerToken === undefined ? null : await bearerToken();
          return token === null ? {} : { authorization: `Bearer ${token}` };
        },
      }),
    ],
  });
}
