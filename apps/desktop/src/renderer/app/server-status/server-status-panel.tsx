import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc/trpc.ts';
import { describeConnectionProblem, type ConnectionProblem } from './connection-error.ts';
import { formatUptime } from './format-uptime.ts';

// While healthy, refresh so uptime and a restart (version change) show without a reload.
const REFRESH_MS = 10_000;

export function ServerStatusPanel({ serverUrl }: { serverUrl: string }) {
  const trpc = useTRPC();
  const health = useQuery({
    ...trpc.health.queryOptions(),
    // One quick retry rides out a blip; a down server should be reported in about a second, not after backoff.
    retry: 1,
    retryDelay: 300,
    // Shares its query with the connection check, which is never written to the offline cache.
    meta: { persist: false },
    refetchInterval: (query) => (query.state.status === 'success' ? REFRESH_MS : false),
  });

  return (
    <section className="panel" aria-labelledby="server-status-title">
      <h2 id="server-status-title">Server status</h2>
      <p className="muted">
        Server: <code>{serverUrl}</code>
      </p>
      {health.isPending && <p role="status">Connecting…</p>}
      {health.isError && (
        <ProblemView
          problem={describeConnectionProblem(health.error, serverUrl, window.location.origin)}
          retrying={health.isFetching}
          onRetry={() => void health.refetch()}
        />
      )}
      {health.isSuccess && (
        <dl className="facts">
          <dt>Status</dt>
          <dd>
            <span className={health.data.status === 'ok' ? 'badge ok' : 'badge starting'}>
              {health.data.status}
            </span>
            {health.data.status === 'starting' && (
              <span className="muted"> — storage is still opening; this refreshes by itself</span>
            )}
          </dd>
          <dt>Version</dt>
          <dd>{health.data.version}</dd>
          <dt>Storage</dt>
          <dd>
            {health.data.storage.engine} <span className="muted">({health.data.storage.version})</span>
          </dd>
          <dt>Uptime</dt>
          <dd>{formatUptime(health.data.uptimeSeconds)}</dd>
          <dt>Sign-in</dt>
          <dd>{health.data.authRequired ? 'required' : 'not required'}</dd>
        </dl>
      )}
    </section>
  );
}

function ProblemView({
  problem,
  retrying,
  onRetry,
}: {
  problem: ConnectionProblem;
  retrying: boolean;
  onRetry: () => void;
}) {
  return (
    <div role="alert" className="problem">
      <p className="problem-title">
        {problem.summary}
        {problem.remedy && (
          <>
            {' — '}
            {problem.remedy.text} <code>{problem.remedy.command}</code>
          </>
        )}
      </p>
      {problem.hint !== undefined && <p>{problem.hint}</p>}
      <p className="muted">Details: {problem.detail}</p>
      <button type="button" disabled={retrying} onClick={onRetry}>
        {retrying ? 'Retrying…' : 'Retry'}
      </button>
    </div>
  );
}
