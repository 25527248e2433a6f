import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTRPC } from '../../trpc/trpc.ts';
import { describeConnectionProblem, type ConnectionProblem } from '../server-status/connection-error.ts';

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface Connection {
  serverUrl: string;
  status: ConnectionStatus;
  /** When the server stopped answering (ms), while offline. */
  offlineSince: number | null;
  problem: ConnectionProblem | null;
  /** Whether the server asks for sign-in; null until it answered once. */
  authRequired: boolean | null;
  serverVersion: string | null;
  checking: boolean;
  retry: () => void;
}

const ConnectionContext = createContext<Connection | null>(null);

// Polling `health` is how the console notices the server leaving and coming back: quickly while offline
// (the banner should clear within seconds), gently while online.
const ONLINE_POLL_MS = 10_000;
const OFFLINE_POLL_MS = 2_000;

export function ConnectionProvider({ serverUrl, children }: { serverUrl: string; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const health = useQuery({
    ...trpc.health.queryOptions(undefined, { trpc: { abortOnUnmount: true } }),
    retry: 1,
    retryDelay: 300,
    meta: { persist: false },
    refetchInterval: (query) => (query.state.status === 'error' ? OFFLINE_POLL_MS : ONLINE_POLL_MS),
  });
  const problem = health.isError
    ? describeConnectionProblem(health.error, serverUrl, window.location.origin)
    : null;
  // A server that answers with an error is reachable; only "cannot reach" means offline.
  const offline = problem?.kind === 'unreachable';
  const status: ConnectionStatus = offline
    ? 'offline'
    : health.isSuccess || health.isError
      ? 'online'
      : 'connecting';
  const [offlineSince, setOfflineSince] = useState<number | null>(null);
  const wasOffline = useRef(false);

  useEffect(() => {
    if (offline && !wasOffline.current) setOfflineSince(health.errorUpdatedAt || Date.now());
    if (!offline && wasOffline.current) {
      setOfflineSince(null);
      // Back online: everything on screen may be stale, ask again now rather than at the next tick.
      void queryClient.refetchQueries({ type: 'active' });
    }
    wasOffline.current = offline;
  }, [offline, health.errorUpdatedAt, queryClient]);

  const value: Connection = {
    serverUrl,
    status,
    offlineSince: offline ? (offlineSince ?? health.errorUpdatedAt) : null,
    problem,
    authRequired: health.data?.authRequired ?? null,
    serverVersion: health.data?.version ?? null,
    checking: health.isFetching,
    retry: () => {
      void health.refetch();
      void queryClient.refetchQueries({ type: 'active' });
    },
  };
  return <ConnectionContext value={value}>{children}</ConnectionContext>;
}

export function useConnection(): Connection {
  const connection = useContext(ConnectionContext);
  if (connection === null) throw new Error('useConnection outside ConnectionProvider');
  return connection;
}
