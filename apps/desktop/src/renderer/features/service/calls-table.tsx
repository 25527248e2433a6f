import { changePercent, type ServiceCall } from '@apo/shared/console';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatChangePercent, formatValue } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';

/** What a call key reads as: "sqlite shop · SELECT payments", "http bank.example:443 · POST /charge". */
function callName(c: ServiceCall): { what: string; detail: string } {
  const where = c.callType === 'db' ? [c.system, c.dbNamespace] : [c.system || c.callType, c.peer];
  return {
    what: where.filter((s) => s !== '').join(' '),
    detail: [c.operation, c.target].filter((s) => s !== '').join(' ') || '—',
  };
}

/** A latency change worse than this (percent) is marked. */
const WORSE_PERCENT = 20;

function LatencyChange({ call, period }: { call: ServiceCall; period: string }) {
  const change = changePercent(call.now.avgMs, call.before?.avgMs ?? null);
  if (change === null)
    return (
      <span className="muted" title={`Not called ${period}`}>
        new
      </span>
    );
  const tone = change > WORSE_PERCENT ? 'worse' : change < -WORSE_PERCENT ? 'better' : 'neutral';
  return (
    <span
      className={`change ${tone}`}
      title={`avg ${formatValue(call.before?.avgMs ?? null, 'ms')} ${period}`}
      aria-label={`latency ${formatChangePercent(change)} vs ${period}`}
    >
      {change > 0.05 ? '▲' : change < -0.05 ? '▼' : '▶'}
      {formatChangePercent(change).replace(' %', '%')}
    </span>
  );
}

/** Database and external calls, busiest first, with the latency change against the comparison period. */
export function CallsTable({
  rows,
  compareWith,
}: {
  rows: readonly ServiceCall[];
  compareWith: 'day' | 'week';
}) {
  const period = compareWith === 'day' ? 'yesterday' : 'last week';
  if (rows.length === 0)
    return (
      <EmptyState title="No database or external call in this range">
        Calls are counted from the client spans of the service's instrumentation (databases, HTTP, RPC,
        queues).
      </EmptyState>
    );
  return (
    <DataTable
      label="Database and external calls"
      rows={rows}
      rowKey={(r) => [r.callType, r.system, r.dbNamespace, r.peer, r.operation, r.target, r.role].join('|')}
      columns={[
        { id: 'type', header: 'Type', cell: (r) => <span className="pill">{r.callType}</span> },
        { id: 'what', header: 'System / peer', cell: (r) => callName(r).what },
        { id: 'statement', header: 'Operation · table / target', cell: (r) => callName(r).detail },
        { id: 'rate', header: 'Rate', numeric: true, cell: (r) => `${formatValue(r.now.rate, 'count')}/s` },
        {
          id: 'errors',
          header: 'Errors',
          numeric: true,
          cell: (r) =>
            r.now.errors === 0
              ? '0'
              : `${formatValue(r.now.errors, 'count')} (${formatValue(r.now.errors / r.now.calls, 'ratio')})`,
        },
        { id: 'avg', header: 'Avg', numeric: true, cell: (r) => formatValue(r.now.avgMs, 'ms') },
        { id: 'p95', header: 'p95', numeric: true, cell: (r) => formatValue(r.now.p95Ms, 'ms') },
        {
          id: 'change',
          header: `Avg vs ${period}`,
          numeric: true,
          cell: (r) => <LatencyChange call={r} period={period} />,
        },
      ]}
    />
  );
}
