import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { ApoBridge } from '../preload/bridge.ts';
import { ServerStatusPanel } from './features/server-status/server-status-panel.tsx';
import { createApoTrpcClient, TRPCProvider } from './trpc/trpc.ts';

export function App({ bridge }: { bridge: ApoBridge }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <header className="app-header">
        <h1>APO</h1>
        <span className="muted">observability console · {bridge.platform}</span>
      </header>
      <main>
        <ServerConnection bridge={bridge} queryClient={queryClient} />
      </main>
    </QueryClientProvider>
  );
}

function ServerConnection({ bridge, queryClient }: { bridge: ApoBridge; queryClient: QueryClient }) {
  const serverUrl = useQuery({
    queryKey: ['apo', 'server-url'],
    queryFn: () => bridge.getServerUrl(),
    staleTime: Infinity,
    retry: false,
  });
  if (serverUrl.isPending) return <p role="status">Finding the APO server…</p>;
  if (serverUrl.isError) {
    return (
      <div role="alert" className="problem">
        <p className="problem-title">
          The console does not know which server to use: {serverUrl.error.message}
        </p>
      </div>
    );
  }
  return <ConnectedConsole serverUrl={serverUrl.data} queryClient={queryClient} />;
}

function ConnectedConsole({ serverUrl, queryClient }: { serverUrl: string; queryClient: QueryClient }) {
  const trpcClient = useMemo(() => createApoTrpcClient(serverUrl), [serverUrl]);
  return (
    <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
      <ServerStatusPanel serverUrl={serverUrl} />
    </TRPCProvider>
  );
}
