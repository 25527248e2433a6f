/**
 * The trace search: filters in the URL (service, operation, status, the whole trace's duration range,
 * attribute filters `key=value; key!=value; key exists`, cluster; the global time range), and the matching
 * traces one row each (root service and operation, spans, services, errors, duration, start), newest first,
 * paged by cursor; a row opens its trace.
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
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import { useTRPCClient } from '../../trpc/trpc.ts';
import {
  parseAttributeFilters,
  searchInput,
  selectionInput,
  type TracesSearch,
} from './trace-search-state.ts';
import { formatNs } from './view/format-ns.ts';

const PAGE = 50;

/** The filter form; submitting replaces the filters in the URL (and drops a scatter selection made under others). */
export function TraceSearchForm() {
  const filters: TracesSearch = useSearch({ from: '/shell/traces' });
  const setSearch = useSetSearch();
  const [problem, setProblem] = useState<string | null>(null);

  const submit = (e: SyntheticEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const value = (k: string) => {
      const v = f.get(k);
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    };
    const attr = value('attr');
    const parsed = attr === undefined ? undefined : parseAttributeFilters(attr);
    if (parsed !== undefined && 'problem' in parsed) {
      setProblem(`Attribute filter: ${parsed.problem}`);
      return;
    }
    setProblem(null);
    setSearch({
      service: value('service'),
      operation: value('operation'),
      status: value('status'),
      minMs: value('minMs'),
      maxMs: value('maxMs'),
      attr,
      cluster: value('cluster'),
      sel: undefined,
    });
  };

  return (
    <form
      className="trace-filters"
      aria-label="Trace search filters"
      onSubmit={submit}
      key={JSON.stringify(filters)}
    >
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
        aria-label="Min trace duration (ms)"
        placeholder="min ms"
        type="number"
        min={0}
        defaultValue={filters.minMs}
      />
      <input
        name="maxMs"
        aria-label="Max trace duration (ms)"
        placeholder="max ms"
        type="number"
        min={0}
        defaultValue={filters.maxMs}
      />
      <input
        name="attr"
        className="trace-attr-filter"
        aria-label="Attribute"
        placeholder="key=value; key!=value; key exists"
        defaultValue={filters.attr}
      />
      <input name="cluster" aria-label="Cluster" placeholder="Cluster" defaultValue={filters.cluster} />
      <button type="submit" className="button primary">
        Search
      </button>
      {problem !== null && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

/** The matching traces, one row each. */
export function TraceResults() {
  const filters: TracesSearch = useSearch({ from: '/shell/traces' });
  // A new search (or selection) starts at its first page; a tab change is not a new search.
  const { tab: _tab, ...searchKey } = filters;
  return (
    <section className="panel" aria-label="Matching traces">
      <div className="panel-title">
        <h3>Traces</h3>
        <span className="muted small">
          {filters.sel === undefined
            ? 'newest first; a trace matches when one span meets every filter'
            : 'the ones selected on the scatter, newest first'}
        </span>
      </div>
      <PanelBoundary name="The trace list">
        <TraceResultPages key={JSON.stringify(searchKey)} filters={filters} />
      </PanelBoundary>
    </section>
  );
}

function TraceResultPages({ filters }: { filters: TracesSearch }) {
  const view = useGlobalSearch();
  const navigate = useNavigate();
  const client = useTRPCClient();
  // Cursors of the pages before this one (Newer), and this page's.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const results = useQuery({
    ...rangeQueryOptions({
      procedure: 'traces.searchTraces',
      input: { ...searchInput(filters), ...selectionInput(filters), limit: PAGE, cursor },
      view,
      fetch: (i, signal) => client.traces.searchTraces.query(i, { signal }),
    }),
    placeholderData: keepPreviousData,
  });
  return (
    <QueryState
      query={results}
      what="the matching traces"
      skeleton={<TableSkeleton columns={7} rows={5} label="Searching" />}
    >
      {(data) =>
        data.result.items.length === 0 ? (
          <EmptyState title="No trace matches these filters in this time range">
            <p className="muted">Widen the time range, or remove a filter.</p>
          </EmptyState>
        ) : (
          <>
            <DataTable
              label="Matching traces"
              rows={data.result.items}
              rowKey={(r) => r.traceId}
              onOpen={(r) =>
                void navigate({
                  to: '/traces/$traceId',
                  params: { traceId: r.traceId },
                  search: filters.cluster === undefined ? {} : { cluster: filters.cluster },
                })
              }
              columns={[
                {
                  id: 'start',
                  header: 'Start',
                  cell: (r) => formatExactTime(Number(r.startTimeUnixNano / 1_000_000n)),
                },
                {
                  id: 'root',
                  header: 'Root',
                  cell: (r) => (
                    <>
                      <span className="muted">{r.rootService}</span> {r.rootOperation}
                    </>
                  ),
                },
                {
                  id: 'spans',
                  header: 'Spans',
                  numeric: true,
                  cell: (r) => r.spanCount.toLocaleString('en-US'),
                },
                {
                  id: 'services',
                  header: 'Services',
                  className: 'trace-services-cell',
                  cell: (r) => (
                    <span title={r.services.join(', ')}>
                      <b>{r.serviceCount}</b> <span className="muted">{r.services.join(', ')}</span>
                    </span>
                  ),
                },
                {
                  id: 'errors',
                  header: 'Errors',
                  numeric: true,
                  cell: (r) => (r.errorCount > 0 ? <span className="bad">⚠ {r.errorCount}</span> : '0'),
                },
                {
                  id: 'duration',
                  header: 'Duration',
                  numeric: true,
                  cell: (r) => formatNs(Number(r.durationNs)),
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
  );
}
