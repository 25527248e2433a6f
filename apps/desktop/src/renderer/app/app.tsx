import { useQuery, type QueryClient } from '@tanstack/react-query';
import { PersistQueryClientProvider } from '@tanstack/react-query-persist-client';
import { RouterProvider } from '@tanstack/react-router';
import { useMemo, useRef, useState } from 'react';
import type { ApoBridge } from '../../preload/bridge.ts';
import { createApoTrpcClient, TRPCProvider } from '../trpc/trpc.ts';
import { ProblemState } from '../ui/states/problem-state.tsx';
import { TooltipProvider } from '../ui/primitives/tooltip.tsx';
import { ConnectionProvider } from './data/connection.tsx';
import { adoptEarlyQueryClient } from './data/early-route-data.ts';
import { createIdbPersister } from './data/idb-persister.ts';
import { CACHE_MAX_AGE_MS } from './data/persisted-cache.ts';
import { createQueryClient } from './data/query-client.ts';
import { ActiveConnectionContext, type ActiveConnection } from './active-connection.ts';
import { BridgeContext } from './bridge-context.ts';
import { createAppRouter } from './router.tsx';
import { ThemeProvider } from '../ui/theme/theme.tsx';

// Bump when the shape of cached results changes: an old cache is then dropped, not misread.
const CACHE_BUSTER = 'console-1';

export function App({ bridge }: { bridge: ApoBridge }) {
  const [router] = useState(createAppRouter);
  // The connection list comes from the bridge before anything can be fetched; its own tiny client.
  const [bootClient] = useState(createQueryClient);
  return (
    <ThemeProvider>
      <TooltipProvider>
        <BridgeContext value={bridge}>
          <ConnectionGate bridge={bridge} bootClient={bootClient}>
            {(active) => (
              <ServerScope
                key={active.connection.id + active.connection.url}
                active={active}
                router={router}
              />
            )}
          </ConnectionGate>
        </BridgeContext>
      </TooltipProvider>
    </ThemeProvider>
  );
}

const CONNECTIONS_KEY = ['apo', 'connections'] as const;

function ConnectionGate({
  bridge,
  bootClient,
  children,
}: {
  bridge: ApoBridge;
  bootClient: QueryClient;
  children: (active: ActiveConnection) => React.ReactNode;
}) {
  const list = useQuery(
    { queryKey: CONNECTIONS_KEY, queryFn: () => bridge.listConnections(), staleTime: Infinity, retry: false },
    bootClient,
  );
  // The token of a desktop connection, read once from the OS key store and replaced after a sign-in.
  const tokens = useRef(new Map<string, Promise<string | null>>());
  if (list.isPending)
    return (
      <p role="status" className="boot">
        Finding the APO server…
      </p>
    );
  if (list.isError) {
    return (
      <main className="boot">
        <ProblemState
          title="The console does not know which server to use"
          detail={list.error.message}
          onRetry={() => void list.refetch()}
        />
      </main>
    );
  }
  const connection = list.data.connections.find((c) => c.id === list.data.activeId);
  if (connection === undefined) {
    return (
      <main className="boot">
        <ProblemState
          title="No APO server is configured yet"
          hint={<p>Add one in the application menu (Connections), then come back here.</p>}
          onRetry={() => void list.refetch()}
        />
      </main>
    );
  }
  const tokenOf = (id: string) => {
    let token = tokens.current.get(id);
    if (token === undefined) {
      token = bridge.getCredential(id).catch(() => null);
      tokens.current.set(id, token);
    }
    return token;
  };
  return children({
    connection,
    connections: list.data.connections,
    token: () => (connection.credentialKind === 'token' ? tokenOf(connection.id) : Promise.resolve(null)),
    setToken: async (token) => {
      tokens.current.set(connection.id, Promise.resolve(token));
      if (token === null) {
        await bridge.removeCredential(connection.id);
        return null;
      }
      const saved = await bridge.saveCredential(connection.id, token);
      return saved.persisted ? null : saved.reason;
    },
    select: async (id) => {
      const next = await bridge.selectConnection(id);
      bootClient.setQueryData(CONNECTIONS_KEY, next);
    },
  });
}

/**
 * Everything that belongs to one server: its query cache (memory and IndexedDB, keyed by its URL so two
 * servers never mix), its tRPC client and its connection state. Switching servers remounts this.
 */
function ServerScope({
  active,
  router,
}: {
  active: ActiveConnection;
  router: ReturnType<typeof createAppRouter>;
}) {
  const serverUrl = active.connection.url;
  const [queryClient] = useState(() => adoptEarlyQueryClient(serverUrl) ?? createQueryClient());
  const persister = useMemo(() => createIdbPersister(serverUrl), [serverUrl]);
  // The client lives as long as the server scope; the token is read per request, from the latest props.
  const tokenRef = useRef(active.token);
  tokenRef.current = active.token;
  const trpcClient = useMemo(() => createApoTrpcClient(serverUrl, () => tokenRef.current()), [serverUrl]);
  const routeData = useMemo(() => ({ data: { queryClient, api: trpcClient } }), [queryClient, trpcClient]);
  return (
    <ActiveConnectionContext value={active}>
      <PersistQueryClientProvider
        client={queryClient}
        persistOptions={{
          persister,
          maxAge: CACHE_MAX_AGE_MS,
          buster: CACHE_BUSTER,
          dehydrateOptions: {
            shouldDehydrateQuery: (query) =>
              query.state.status === 'success' && query.meta?.persist !== false,
          },
        }}
      >
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <ConnectionProvider serverUrl={serverUrl}>
            <RouterProvider router={router} context={routeData} />
          </ConnectionProvider>
        </TRPCProvider>
      </PersistQueryClientProvider>
    </ActiveConnectionContext>
  );
}
