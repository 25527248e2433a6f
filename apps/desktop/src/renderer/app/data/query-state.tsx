import type { UseQueryResult } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { DataAge } from '../../ui/states/data-age.tsx';
import { ProblemState } from '../../ui/states/problem-state.tsx';
import { describeConnectionProblem } from '../server-status/connection-error.ts';
import { useConnection } from './connection.tsx';
import { httpStatusOf } from './query-client.ts';

/** The clock for "4 min ago" labels: ticks every 15 s, enough for minute-granular ages. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/**
 * The loading / error / data states of one panel's query. With data in hand (fresh, or from the offline
 * cache) the panel shows it, labelled with its age when the last refresh failed; without data, a failure is
 * explained in words with a Retry, and the loading state is the panel's own skeleton.
 */
export function QueryState<T, E extends { message: string }>({
  query,
  what,
  skeleton,
  children,
}: {
  query: UseQueryResult<T, E>;
  /** What the panel shows, for messages: "the services overview". */
  what: string;
  skeleton: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const connection = useConnection();
  const now = useNow();
  if (query.data !== undefined) {
    // Offline, the banner says it for every panel: each panel only notes the age of what it shows.
    const offline = connection.status === 'offline';
    return (
      <>
        {offline && (
          <p className="panel-age">
            saved copy <DataAge updatedAt={query.dataUpdatedAt} now={now} />
          </p>
        )}
        {query.isError && !offline && (
          <p className="stale-note">
            Showing saved data <DataAge updatedAt={query.dataUpdatedAt} now={now} /> — refreshing failed:{' '}
            {query.error.message}{' '}
            <button type="button" className="button small" onClick={() => void query.refetch()}>
              Retry
            </button>
          </p>
        )}
        {children(query.data)}
      </>
    );
  }
  if (query.isError && httpStatusOf(query.error) === 404) {
    // Console and server versions can differ (the desktop app updates separately): say so, not "error".
    return (
      <ProblemState
        title={`This server does not offer ${what} yet: it is older than this console`}
        detail={query.error.message}
        hint={<p>Update the APO server at {connection.serverUrl} to use this view.</p>}
      />
    );
  }
  if (query.isError) {
    const problem = describeConnectionProblem(query.error, connection.serverUrl, window.location.origin);
    return (
      <ProblemState
        title={
          problem.kind === 'unreachable'
            ? `${problem.summary}, and there is no saved copy of ${what} to show`
            : problem.kind === 'not-apo'
              ? `Could not load ${what}: ${problem.summary}`
              : `Could not load ${what}: ${query.error.message}`
        }
        hint={
          problem.remedy ? (
            <p>
              {problem.remedy.text} <code>{problem.remedy.command}</code>
            </p>
          ) : (
            problem.kind === 'not-apo' && <p>{problem.hint}</p>
          )
        }
        detail={problem.kind === 'server-error' ? undefined : problem.detail}
        retrying={query.isFetching}
        onRetry={() => {
          connection.retry();
          void query.refetch();
        }}
      />
    );
  }
  return <>{skeleton}</>;
}
