import { QueryState, useNow } from '../../app/data/query-state.tsx';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatAgo, formatExactTime } from '../../ui/format/time.ts';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import type { Admin } from './use-admin.ts';

/** Signed-in sessions across users; revoking one signs that browser or app out at its next request. */
export function SessionsPanel({
  sessions,
  revoke,
  offlineReason,
}: {
  sessions: Admin['sessions'];
  revoke: Admin['revokeSession'];
  offlineReason: string | undefined;
}) {
  const now = useNow();
  return (
    <section className="panel" aria-label="Active sessions">
      <h3>Active sessions</h3>
      {revoke.isError && (
        <p role="alert" className="field-error">
          Could not revoke: {revoke.error.message}
        </p>
      )}
      <QueryState
        query={sessions}
        what="the sessions"
        skeleton={<TableSkeleton columns={5} rows={3} label="Loading sessions" />}
      >
        {(rows) =>
          rows.length === 0 ? (
            <p className="muted">Nobody is signed in (local mode has no sessions).</p>
          ) : (
            <DataTable
              label="Active sessions"
              rows={rows}
              rowKey={(s) => s.id}
              columns={[
                {
                  id: 'user',
                  header: 'User',
                  cell: (s) => s.username,
                },
                { id: 'client', header: 'Client', cell: (s) => s.client },
                { id: 'address', header: 'From', cell: (s) => <span title={s.userAgent}>{s.address}</span> },
                {
                  id: 'created',
                  header: 'Signed in',
                  cell: (s) => (
                    <span title={formatExactTime(s.createdAt)}>{formatAgo(s.createdAt, now)}</span>
                  ),
                },
                {
                  id: 'seen',
                  header: 'Last seen',
                  cell: (s) => formatAgo(s.lastSeenAt, now),
                },
                {
                  id: 'actions',
                  header: 'Actions',
                  cell: (s) => (
                    <button
                      type="button"
                      className="button small danger"
                      disabled={offlineReason !== undefined || revoke.isPending}
                      title={offlineReason}
                      onClick={() => revoke.mutate({ id: s.id })}
                    >
                      Revoke
                    </button>
                  ),
                },
              ]}
            />
          )
        }
      </QueryState>
    </section>
  );
}
