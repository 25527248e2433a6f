import { useQuery, type QueryClient } from '@tanstack/react-query';
import { PersistQueryClientProvider } from '@tanstack/react-query-persist-client';
import { RouterProvider } from '@tanstack/react-router';
import { useMemo, useState } from 'react';
import type { ApoBridge } from '../../preload/bridge.ts';
import { createApoTrpcClient, TRPCProvider } from '../trpc/trpc.ts';
import { ProblemState } from '../ui/states/problem-state.tsx';
import { TooltipProvider } from '../ui/primitives/tooltip.tsx';
import { ConnectionProvider } from './data/connection.tsx';
import { createIdbPersister } from './data/idb-persister.ts';
import { CACHE_MAX_AGE_MS, type QueryMeta } from './data/persisted-cache.ts';
import { createQueryClient } from './data/query-client.ts';
import { BridgeContext } from './bridge-context.ts';
import { createAppRouter } from './router.tsx';
import { ThemeProvider } from '../ui/theme/theme.tsx';

// Bump when the shape of cached results changes: an old cache is then dropped, not misread.
const CACHE_BUSTER = 'console-1';

export function App({ bridge }: { bridge: ApoBridge }) {
  const [router] = useState(createAppRouter);
  // The server URL comes from the bridge before anything can be fetched; its own tiny client.
  const [bootClient] = useState(createQueryClient);
  return (
    <ThemeProvider>
      <TooltipProvider>
        <BridgeContext value={bridge}>
          <ServerUrlGate bridge={bridge} bootClient={bootClient}>
            {(serverUrl) => <ServerScope key={serverUrl} serverUrl={serverUrl} router={router} />}
          </ServerUrlGate>
        </BridgeContext>
      </TooltipProvider>
    </ThemeProvider>
  );
}

function ServerUrlGate({
  bridge,
  bootClient,
  children,
}: {
  bridge: ApoBridge;
  bootClient: QueryClient;
  children: (serverUrl: string) => React.ReactNode;
}) {
  const serverUrl = useQuery(
    {
      queryKey: ['apo', 'server-url'],
      queryFn: () => bridge.getServerUrl(),
      staleTime: Infinity,
      retry: false,
    },
    bootClient,
  );
  if (serverUrl.isPending)
    return (
      <p role="status" className="boot">
        Finding the APO server…
      </p>
    );
  if (serverUrl.isError) {
    return (
      <main className="boot">
        <ProblemState
          title="The console does not know which server to use"
          detail={serverUrl.error.message}
          onRetry={() => void serverUrl.refetch()}
        />
      </main>
    );
  }
  return children(serverUrl.data);
}

/**
 * Everything that belongs to one server: its query cache (memory and IndexedDB, keyed by its URL so two
 * servers never mix), its tRPC client and its connection state. Switching servers remounts this.
 */
function ServerScope({
  serverUrl,
  router,
}: {
  serverUrl: string;
  router: ReturnType<typeof createAppRouter>;
}) {
  const [queryClient] = useState(createQueryClient);
  const persister = useMemo(() => createIdbPersister(serverUrl), [serverUrl]);
  const trpcClient = useMemo(() => createApoTrpcClient(serverUrl), [serverUrl]);
  return (
    <PersistQueryClientProvider
      client={queryClient}
      persistOptions={{
        persister,
        maxAge: CACHE_MAX_AGE_MS,
        buster: CACHE_BUSTER,
        dehydrateOptions: {
          shouldDehydrateQuery: (query) =>
            query.state.status === 'success' && (query.meta as QueryMeta | undefined)?.persist !== false,
        },
      }}
    >
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ConnectionProvider serverUrl={serverUrl}>
          <RouterProvider router={router} />
        </ConnectionProvider>
      </TRPCProvider>
    </PersistQueryClientProvider>
  );
}
