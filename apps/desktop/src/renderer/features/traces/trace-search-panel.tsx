/**
 * Search over stored spans (`traces.search`): filters in the URL (service, operation, status, duration
 * range, attribute key=value, cluster; the global time range), results newest first, paged by cursor;
 * a row opens its trace.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState, type SyntheticEvent } from 'react';
import { QueryState } from '../../app/data/query-state.tsx';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import { useGlobalSearch, useSetSearch } from '../../app/use-view-search.ts';
import { DataTable } from '../../ui/data-table/data-table.tsx';
import { formatExactTime } from '../../ui/format/time.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import { useTRPCClient } from '../../trpc/trpc.ts';
import { attributeFilter, type TracesSearch } from './trace-route-search.ts';
import { formatNs } from './view/format-ns.ts';

const PAGE = 50;

export function TraceSearchPanel() {
  const filters: TracesSearch = useSearch({ from: '/shell/traces' });
  const view = useGlobalSearch();
  const setSearch = useSetSearch();
  const navigate = useNavigate();
  const client = useTRPCClient();
  // Cursors of the pages before this one (Back), and this page's.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const input = {
    service: filters.service,
    operation: filters.operation,
    status: filters.status,
    minDurationMs: filters.minMs,
    maxDurationMs: filters.maxMs,
    attributes: attributeFilter(filters.attr),
    cluster: filters.cluster,
    limit: PAGE,
    cursor,
  };
  const results = useQuery({
    ...rangeQueryOptions({
      procedure: 'traces.search',
      input,
      view,
      fetch: (i, signal) => client.traces.search.query(i, { signal }),
    }),
    placeholderData: keepPreviousData,
  });

  const submit = (e: SyntheticEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const value = (k: string) => {
      const v = f.get(k);
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    };
    setCursors([]);
    setSearch({
      service: value('service'),
      operation: value('operation'),
      status: value('status'),
      minMs: value('minMs'),
      maxMs: value('maxMs'),
      attr: value('attr'),
      cluster: value('cluster'),
    });
  };

  return (
    <section className="panel" aria-label="Search spans">
      <h3>Search spans</h3>
      <form className="trace-filters" onSubmit={submit} key={JSON.stringify(filters)}>
        <input name="service" aria-label="Service" placeholder="Service" defaultValue={filters.service} />
        <input
          name="operation"
          aria-label="Operation"
          placeholder="Operation"
          defaultValue={filters.operation}
        />
        <select name="status" aria-label="Status" defaultValue={filters.status ?? ''}>
          <option value="">any status</option>
          <option value="error">error</option>
          <option value="ok">ok</option>
          <option value="unset">unset</option>
        </select>
        <input
          name="minMs"
          aria-label="Min duration (ms)"
          placeholder="min ms"
          type="number"
          min={0}
          defaultValue={filters.minMs}
        />
        <input
          name="maxMs"
          aria-label="Max duration (ms)"
          placeholder="max ms"
          type="number"
          min={0}
          defaultValue={filters.maxMs}
        />
        <input
          name="attr"
          aria-label="Attribute"
          placeholder="attribute key=value"
          defaultValue={filters.attr}
        />
        <input name="cluster" aria-label="Cluster" placeholder="Cluster" defaultValue={filters.cluster} />
        <button type="submit" className="button primary">
          Search
        </button>
      </form>
      <QueryState
        query={results}
        what="the matching spans"
        skeleton={<TableSkeleton columns={6} rows={5} label="Searching" />}
      >
        {(data) =>
          data.result.items.length === 0 ? (
            <EmptyState title="No span matches these filters in this time range">
              <p className="muted">Widen the time range, or remove a filter.</p>
            </EmptyState>
          ) : (
            <>
              <DataTable
                label="Matching spans"
                rows={data.result.items}
                rowKey={(r) => `${r.traceId}-${r.spanId}`}
                onOpen={(r) =>
                  void navigate({
                    to: '/traces/$traceId',
                    params: { traceId: r.traceId },
                    search: r.cluster === '' ? {} : { cluster: r.cluster },
                  })
                }
                columns={[
                  {
                    id: 'start',
                    header: 'Start',
                    cell: (r) => formatExactTime(Number(r.startTimeUnixNano / 1_000_000n)),
                  },
                  { id: 'service', header: 'Service', cell: (r) => r.service },
                  { id: 'operation', header: 'Operation', cell: (r) => r.name },
                  {
                    id: 'duration',
                    header: 'Duration',
                    numeric: true,
                    cell: (r) => formatNs(Number(r.durationNs)),
                  },
                  {
                    id: 'status',
                    header: 'Status',
                    cell: (r) =>
                      r.status.code === 2 ? (
                        <span className="bad">⚠ error</span>
                      ) : r.status.code === 1 ? (
                        'ok'
                      ) : (
                        'unset'
                      ),
                  },
                  { id: 'trace', header: 'Trace', cell: (r) => <code>{r.traceId}</code> },
                ]}
              />
              <div className="pager">
                <button
                  type="button"
                  className="button small"
                  disabled={cursors.length === 0}
                  onClick={() => setCursors((c) => c.slice(0, -1))}
                >
                  ← Newer
                </button>
                <button
                  type="button"
                  className="button small"
                  disabled={data.result.nextCursor === null}
                  onClick={() => {
                    const next = data.result.nextCursor;
                    if (next !== null) setCursors((c) => [...c, next]);
                  }}
                >
                  Older →
                </button>
              </div>
            </>
          )
        }
      </QueryState>
    </section>
  );
}
