import type { ErrorGroup, InstanceLogErrors } from '@apo/shared/console';
import type { ReactNode } from 'react';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatExactTime } from '../../ui/format/time.ts';
import { formatValue } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { ViewLink } from './view-links.tsx';

/**
 * Error spans grouped by exception, each opening its latest trace (`more`: the list's paging, after it),
 * and error logs per instance.
 */
export function ErrorsPanel({
  service,
  groups,
  logErrors,
  more,
}: {
  service: string;
  groups: readonly ErrorGroup[];
  logErrors: readonly InstanceLogErrors[];
  more?: ReactNode;
}) {
  return (
    <div className="errors-panel">
      {groups.length === 0 ? (
        <EmptyState title="No error span in this range" />
      ) : (
        <DataTable
          label="Error groups"
          rows={groups}
          rowKey={(g) => `${g.exceptionType}\u0000${g.message}`}
          columns={[
            {
              id: 'error',
              header: 'Exception',
              cell: (g) => (
                <span className="error-cell">
                  <strong>{g.exceptionType || 'status ERROR'}</strong>
                  <span className="error-message" title={g.message}>
                    {g.message || '—'}
                  </span>
                </span>
              ),
            },
            { id: 'count', header: 'Count', numeric: true, cell: (g) => formatValue(g.count, 'count', true) },
            { id: 'endpoint', header: 'Endpoint', cell: (g) => g.endpoint },
            { id: 'instances', header: 'Instances', cell: (g) => g.instances.join(', ') },
            { id: 'last', header: 'Last seen', cell: (g) => formatExactTime(g.lastSeenMs) },
            {
              id: 'trace',
              header: 'Latest trace',
              cell: (g) => (
                <ViewLink
                  routePath="/traces/$traceId"
                  href={`/traces/${g.traceId}?span=${g.spanId}`}
                  missing={`The trace view is not in this console yet; trace id ${g.traceId}`}
                  label={`open trace ${g.traceId}`}
                >
                  <code>{g.traceId.slice(0, 12)}…</code>
                </ViewLink>
              ),
            },
          ]}
        />
      )}
      {groups.length > 0 && more}
      <div className="log-errors" aria-label="Error logs per instance" role="group">
        <span className="muted small">Error logs</span>
        {logErrors.length === 0 ? (
          <span className="muted small">none in this range</span>
        ) : (
          logErrors.map((l) => (
            <ViewLink
              key={l.instance}
              routePath="/logs"
              href={`/logs?service=${encodeURIComponent(service)}&instance=${encodeURIComponent(l.instance)}&severity=error`}
              missing="The log view is not in this console yet"
              label={`error logs of ${l.instance}`}
            >
              <span className="pill">
                {l.instance} <strong className="bad-text">{formatValue(l.count, 'count', true)}</strong>
              </span>
            </ViewLink>
          ))
        )}
      </div>
    </div>
  );
}
