import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTRPC } from '../../trpc/trpc.ts';
import { httpStatusOf } from './query-client.ts';
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
  const { refetch } = health;
  // Any request that cannot reach the server is news: check now rather than at the next poll.
  useEffect(
    () =>
      queryClient.getQueryCache().subscribe((event) => {
        if (event.type !== 'updated' || event.action.type !== 'error') return;
        // Not for health itself (or other connection-level queries, marked not to persist).
        if (event.query.meta?.persist === false) return;
        if (describeConnectionProblem(event.action.error, serverUrl).kind === 'unreachable')
          void refetch({ cancelRefetch: false });
        // Signed out meanwhile (session expired or revoked): asking who we are leads to the sign-in page.
        else if (httpStatusOf(event.action.error) === 401)
          void queryClient.invalidateQueries({ queryKey: ['apo', 'auth.session'] });
      }),
    [queryClient, refetch, serverUrl],
  );
  const problem = health.isError
    ? describeConnectionProblem(health.error, serverUrl, window.location.origin)
    : null;
  // A server that answers with an error is reachable; only "cannot reach" means offline. A check in flight
  // (a refetch without data goes back to "pending") changes nothing: the last answer stands, so the banner
  // does not flicker and coming back is one transition.
  const answer: boolean | null = health.isError
    ? problem?.kind === 'unreachable'
    : health.isSuccess
      ? false
      : null;
  const [offline, setOffline] = useState(false);
  const [offlineSince, setOfflineSince] = useState<number | null>(null);
  useEffect(() => {
    if (answer === null || answer === offline) return;
    setOffline(answer);
    setOfflineSince(answer ? Date.now() : null);
    // Back online: everything on screen may be stale, ask again now rather than at the next tick.
    if (!answer) void queryClient.refetchQueries({ type: 'active' });
  }, [answer, offline, queryClient]);
  const status: ConnectionStatus = offline
    ? 'offline'
    : answer === null && !health.isSuccess
      ? 'connecting'
      : 'online';

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
