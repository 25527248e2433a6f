/**
 * Analytics of the search's traces, or of the scatter selection: where the errors start, where the time
 * goes, and which attribute values set the selected (or failed) traces apart. One tab at a time (`tab` in
 * the URL), each with its own query and states; a row narrows the search to what it names.
 */
import { useQuery } from '@tanstack/react-query';
import { useSearch } from '@tanstack/react-router';
import type { TraceSample } from '@apo/shared/console';
import type { ReactNode } from 'react';
import { QueryState } from '../../app/data/query-state.tsx';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import { useGlobalSearch, useSetSearch } from '../../app/use-view-search.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import { useTRPCClient } from '../../trpc/trpc.ts';
import { AttributeTable, ErrorOriginTable, LatencyTable } from './analytics-tables.tsx';
import {
  parseSelection,
  searchInput,
  selectionInput,
  type AnalyticsTab,
  type TracesSearch,
} from './trace-search-state.ts';

const TABS: readonly [AnalyticsTab, string][] = [
  ['errors', 'Error origins'],
  ['latency', 'Latency breakdown'],
  ['attributes', 'Attribute comparison'],
];

/** "12 traces (the selection)", with the bound when it cut the set. */
function SampleNote({ sample, of }: { sample: TraceSample; of: string }) {
  return (
    <span>
      <b>{sample.traces.toLocaleString('en-US')}</b> {sample.traces === 1 ? 'trace' : 'traces'} {of}
      {sample.capped && (
        <span className="warn-text">
          {' '}
          — the newest {sample.maxTraces.toLocaleString('en-US')} only; narrow the search
        </span>
      )}
    </span>
  );
}

export function TraceAnalytics() {
  const filters: TracesSearch = useSearch({ from: '/shell/traces' });
  const setSearch = useSetSearch();
  const tab = filters.tab ?? 'errors';
  const selected = parseSelection(filters.sel) !== undefined;
  return (
    <section className="panel" aria-label="Trace analytics">
      <div className="panel-title">
        <h3>Analytics</h3>
        <span className="muted small">
          {selected ? 'of the traces selected on the scatter' : 'of every trace the search matches'}
        </span>
      </div>
      <div role="tablist" aria-label="Analyses" className="tabs">
        {TABS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            className="tab"
            aria-selected={tab === id}
            onClick={() => setSearch({ tab: id }, { replace: true })}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={TABS.find(([id]) => id === tab)?.[1]} className="analytics-panel">
        <PanelBoundary name="The analysis">
          {tab === 'errors' && <ErrorOrigins filters={filters} />}
          {tab === 'latency' && <Latency filters={filters} />}
          {tab === 'attributes' && <Attributes filters={filters} />}
        </PanelBoundary>
      </div>
    </section>
  );
}

/** The analytics' input: the search, and the selection when there is one. */
const analyticsInput = (filters: TracesSearch) => ({ ...searchInput(filters), ...selectionInput(filters) });

const skeleton = (label: string) => <TableSkeleton columns={5} rows={3} label={`Loading ${label}`} />;

function ErrorOrigins({ filters }: { filters: TracesSearch }) {
  const client = useTRPCClient();
  const query = useQuery(
    rangeQueryOptions({
      procedure: 'traces.analytics.errorOrigins',
      input: analyticsInput(filters),
      view: useGlobalSearch(),
      fetch: (i, signal) => client.traces.analytics.errorOrigins.query(i, { signal }),
    }),
  );
  return (
    <QueryState query={query} what="the error origins" skeleton={skeleton('the error origins')}>
      {({ result }) => (
        <Analysis
          note={<SampleNote sample={result} of={filters.sel ? 'in the selection' : 'searched'} />}
          figure={`${result.errorTraces.toLocaleString('en-US')} with errors`}
          empty={
            result.traces === 0
              ? 'No trace to analyse: nothing matches in this range'
              : result.errorTraces === 0
                ? `No errors: none of these ${result.traces.toLocaleString('en-US')} traces failed`
                : undefined
          }
        >
          <ErrorOriginTable rows={result.origins} />
        </Analysis>
      )}
    </QueryState>
  );
}

function Latency({ filters }: { filters: TracesSearch }) {
  const client = useTRPCClient();
  const query = useQuery(
    rangeQueryOptions({
      procedure: 'traces.analytics.latencyBreakdown',
      input: analyticsInput(filters),
      view: useGlobalSearch(),
      fetch: (i, signal) => client.traces.analytics.latencyBreakdown.query(i, { signal }),
    }),
  );
  return (
    <QueryState query={query} what="the latency breakdown" skeleton={skeleton('the latency breakdown')}>
      {({ result }) => (
        <Analysis
          note={<SampleNote sample={result} of={filters.sel ? 'in the selection' : 'searched'} />}
          figure="self time: a span's own time, not waiting on its children"
          empty={
            result.operations.length === 0 ? 'No trace to analyse: nothing matches in this range' : undefined
          }
        >
          <LatencyTable rows={result.operations} traces={result.traces} />
        </Analysis>
      )}
    </QueryState>
  );
}

function Attributes({ filters }: { filters: TracesSearch }) {
  const client = useTRPCClient();
  const query = useQuery(
    rangeQueryOptions({
      procedure: 'traces.analytics.attributeComparison',
      input: analyticsInput(filters),
      view: useGlobalSearch(),
      fetch: (i, signal) => client.traces.analytics.attributeComparison.query(i, { signal }),
    }),
  );
  return (
    <QueryState query={query} what="the attribute comparison" skeleton={skeleton('the attribute comparison')}>
      {({ result }) => {
        const bySelection = result.group === 'selection';
        const groupName = bySelection ? 'selected' : 'with errors';
        return (
          <Analysis
            note={
              <>
                <SampleNote sample={result.groupSample} of={groupName} /> against{' '}
                <SampleNote
                  sample={result.baselineSample}
                  of={bySelection ? 'outside the selection' : 'without errors'}
                />
              </>
            }
            figure={bySelection ? undefined : 'select traces on the scatter to compare those instead'}
            empty={
              result.groupSample.traces === 0
                ? bySelection
                  ? 'No trace in the selection: draw it around some dots'
                  : 'No trace with errors to compare: select slow traces on the scatter instead'
                : result.attributes.length === 0
                  ? `No attribute value is more common in the traces ${groupName} than in the others`
                  : undefined
            }
          >
            <AttributeTable rows={result.attributes} groupName={groupName} />
          </Analysis>
        );
      }}
    </QueryState>
  );
}

/** An analysis' frame: what it read, and its table — or, when it has nothing to say, why. */
function Analysis({
  note,
  figure,
  empty,
  children,
}: {
  note: ReactNode;
  figure?: string | undefined;
  empty: string | undefined;
  children: ReactNode;
}) {
  return (
    <>
      <p className="analysis-note" data-testid="analysis-note">
        {note}
        {figure !== undefined && <span className="muted"> · {figure}</span>}
      </p>
      {empty === undefined ? children : <EmptyState title={empty} />}
    </>
  );
}
