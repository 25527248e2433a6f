/**
 * The analytics' tables. Each row opens the search narrowed to what it names (Enter or a click): an error
 * origin's failed spans, an operation's traces, the traces carrying an attribute value.
 */
import { Link, useSearch } from '@tanstack/react-router';
import type { AttributeShare, ErrorOrigin, LatencyShare } from '@apo/shared/console';
import { useSetSearch } from '../../app/use-view-search.ts';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatValue } from '../../ui/format/units.ts';
import { withAttribute, type TracesSearch } from './trace-search-state.ts';
import { formatNs } from './view/format-ns.ts';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (share: number) => formatValue(share, 'ratio');

/** A share as a bar and its figure. */
function ShareBar({ share, tone }: { share: number; tone?: 'bad' }) {
  return (
    <span className="share">
      <span className="share-bar" aria-hidden="true">
        <span
          className={tone === 'bad' ? 'share-fill bad-fill' : 'share-fill'}
          style={{ width: `${Math.min(100, share * 100)}%` }}
        />
      </span>
      {percent(share)}
    </span>
  );
}

/** Narrows the search; the scatter selection is dropped, since it was drawn over other traces. */
function useNarrow() {
  const setSearch = useSetSearch();
  return (patch: Partial<TracesSearch>) => setSearch({ ...patch, sel: undefined });
}

export function ErrorOriginTable({ rows }: { rows: readonly ErrorOrigin[] }) {
  const narrow = useNarrow();
  return (
    <DataTable
      label="Error origins"
      rows={rows}
      rowKey={(r) => `${r.service}\u0000${r.operation}\u0000${r.exceptionType}`}
      onOpen={(r) => narrow({ service: r.service, operation: r.operation, status: 'error' })}
      columns={[
        { id: 'service', header: 'Service', cell: (r) => r.service },
        { id: 'operation', header: 'Operation', cell: (r) => r.operation },
        {
          id: 'exception',
          header: 'Exception',
          cell: (r) =>
            r.exceptionType === '' ? (
              <span className="muted" title={r.message}>
                {r.message === '' ? '(no exception recorded)' : r.message}
              </span>
            ) : (
              <span className="bad" title={r.message}>
                {r.exceptionType}
              </span>
            ),
        },
        { id: 'traces', header: 'Traces', numeric: true, cell: (r) => count(r.traces) },
        { id: 'spans', header: 'Spans', numeric: true, cell: (r) => count(r.spans) },
        {
          id: 'example',
          header: 'Example',
          cell: (r) => (
            <Link
              to="/traces/$traceId"
              params={{ traceId: r.exampleTraceId }}
              onClick={(e) => e.stopPropagation()}
              aria-label={`Open an example trace of ${r.service} ${r.operation}`}
            >
              <code>{r.exampleTraceId.slice(0, 12)}…</code>
            </Link>
          ),
        },
      ]}
    />
  );
}

export function LatencyTable({ rows, traces }: { rows: readonly LatencyShare[]; traces: number }) {
  const narrow = useNarrow();
  return (
    <DataTable
      label="Latency breakdown"
      rows={rows}
      rowKey={(r) => `${r.service}\u0000${r.operation}`}
      onOpen={(r) => narrow({ service: r.service, operation: r.operation })}
      columns={[
        { id: 'service', header: 'Service', cell: (r) => r.service },
        { id: 'operation', header: 'Operation', cell: (r) => r.operation },
        { id: 'share', header: 'Share of self time', cell: (r) => <ShareBar share={r.share} /> },
        {
          id: 'perTrace',
          header: 'Self per trace',
          numeric: true,
          cell: (r) => formatNs(traces > 0 ? r.selfNs / traces : 0),
        },
        { id: 'self', header: 'Self total', numeric: true, cell: (r) => formatNs(r.selfNs) },
        { id: 'spans', header: 'Spans', numeric: true, cell: (r) => count(r.spans) },
      ]}
    />
  );
}

export function AttributeTable({ rows, groupName }: { rows: readonly AttributeShare[]; groupName: string }) {
  const filters: TracesSearch = useSearch({ from: '/shell/traces' });
  const narrow = useNarrow();
  return (
    <DataTable
      label="Attribute comparison"
      rows={rows}
      rowKey={(r) => `${r.key}\u0000${r.value}`}
      onOpen={(r) => narrow({ attr: withAttribute(filters.attr, { key: r.key, op: 'eq', value: r.value }) })}
      columns={[
        {
          id: 'attribute',
          header: 'Attribute',
          cell: (r) => (
            <code title={`${r.key}=${r.value}`}>
              {r.key}=<b>{r.value}</b>
            </code>
          ),
        },
        {
          id: 'group',
          header: `Traces ${groupName}`,
          cell: (r) => (
            <span title={`${count(r.groupTraces)} traces`}>
              <ShareBar share={r.groupShare} tone="bad" />
            </span>
          ),
        },
        {
          id: 'baseline',
          header: 'Other traces',
          cell: (r) => (
            <span title={`${count(r.baselineTraces)} traces`}>
              <ShareBar share={r.baselineShare} />
            </span>
          ),
        },
        {
          id: 'difference',
          header: 'Difference',
          numeric: true,
          cell: (r) => `+${formatValue(r.difference * 100, 'percent')}`.replace(' %', ' pts'),
        },
      ]}
    />
  );
}
