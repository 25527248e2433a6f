import type { ServiceInstance } from '@apo/shared/console';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatExactTime } from '../../ui/format/time.ts';
import { formatValue } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { ViewLink } from './view-links.tsx';

const dash = <span className="muted">—</span>;
const text = (v: string | null) => (v === null ? dash : v);
const figure = (v: string) => (v === '—' ? dash : v);

/** Where each instance runs and how its process is doing; Enter or a click narrows the charts to it. */
export function InstancesTable({
  service,
  rows,
  selected,
  onSelect,
}: {
  service: string;
  rows: readonly ServiceInstance[];
  selected: string | undefined;
  onSelect: (instance: string) => void;
}) {
  if (rows.length === 0)
    return (
      <EmptyState title="No instance reported in this range">
        Instances appear when the APO agent on their host sees the service's telemetry (process metrics, logs,
        restarts).
      </EmptyState>
    );
  return (
    <DataTable
      label="Instances"
      rows={rows}
      rowKey={(r) => r.instance}
      onOpen={(r) => onSelect(r.instance)}
      rowClassName={(r) => (r.instance === selected ? 'selected' : undefined)}
      columns={[
        {
          id: 'instance',
          header: 'Instance',
          cell: (r) => (
            <span className="instance-cell">
              <span>{r.instance}</span>
              <span className="muted small">
                {[r.pid === null ? null : `pid ${r.pid}`, r.pod, r.container?.slice(0, 12) ?? null]
                  .filter((v) => v !== null)
                  .join(' · ')}
              </span>
            </span>
          ),
        },
        { id: 'host', header: 'Host', cell: (r) => text(r.host) },
        { id: 'version', header: 'Version', cell: (r) => text(r.version) },
        {
          id: 'start',
          header: 'Started',
          cell: (r) => (r.startMs === null ? dash : formatExactTime(r.startMs)),
        },
        {
          id: 'cpu',
          header: 'CPU',
          headerNote: <span className="muted"> cores</span>,
          numeric: true,
          cell: (r) => figure(r.cpuCores === null ? '—' : r.cpuCores.toFixed(r.cpuCores < 0.1 ? 3 : 2)),
        },
        {
          id: 'runQueue',
          header: 'Run queue',
          headerNote: <span className="muted"> ms/s</span>,
          numeric: true,
          cell: (r) => figure(formatValue(r.runQueueMsPerS, 'count')),
        },
        {
          id: 'loop',
          header: 'Loop p99',
          numeric: true,
          cell: (r) => figure(formatValue(r.eventLoopDelayP99Ms, 'ms')),
        },
        {
          id: 'gc',
          header: 'GC',
          headerNote: <span className="muted"> ms/s</span>,
          numeric: true,
          cell: (r) => figure(formatValue(r.gcMsPerS, 'count')),
        },
        { id: 'rss', header: 'RSS', numeric: true, cell: (r) => figure(formatValue(r.rssBytes, 'bytes')) },
        { id: 'fds', header: 'FDs', numeric: true, cell: (r) => figure(formatValue(r.openFds, 'count')) },
        {
          id: 'restarts',
          header: 'Restarts',
          numeric: true,
          cell: (r) => <span className={r.restarts > 0 ? 'warn-text' : undefined}>{r.restarts}</span>,
        },
        {
          id: 'errorLogs',
          header: 'Error logs',
          numeric: true,
          cell: (r) =>
            r.errorLogs === 0 ? (
              '0'
            ) : (
              <ViewLink
                routePath="/logs"
                href={`/logs?service=${encodeURIComponent(service)}&instance=${encodeURIComponent(r.instance)}&severity=error`}
                missing="The log view is not in this console yet"
                label={`error logs of ${r.instance}`}
              >
                <span className="bad-text">{formatValue(r.errorLogs, 'count')}</span>
              </ViewLink>
            ),
        },
      ]}
    />
  );
}
