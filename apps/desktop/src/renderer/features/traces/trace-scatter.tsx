/**
 * Duration over time, one dot per matching trace (failed ones red, drawn on top): a click opens the trace,
 * a drag selects a rectangle of traces (start × duration) for the analytics below; the selection lives in
 * the URL (`sel`).
 */
import { useQuery } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { QueryState } from '../../app/data/query-state.tsx';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import { useGlobalSearch, useSetSearch } from '../../app/use-view-search.ts';
import { Chart } from '../../ui/chart/chart.tsx';
import type { ChartSeries } from '../../ui/chart/chart-options.ts';
import { formatClock } from '../../ui/format/time.ts';
import { formatValue } from '../../ui/format/units.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { ChartSkeleton } from '../../ui/states/skeleton.tsx';
import { useTRPCClient } from '../../trpc/trpc.ts';
import {
  formatSelection,
  parseSelection,
  searchInput,
  type TraceSelection,
  type TracesSearch,
} from './trace-search-state.ts';

const HEIGHT = 220;

interface Point {
  traceId: string;
  startMs: number;
  durationMs: number;
  errors: number;
  root: string;
}

function seriesOf(points: readonly Point[]): ChartSeries[] {
  const ok = points.filter((p) => p.errors === 0);
  const failed = points.filter((p) => p.errors > 0);
  const series = (name: string, list: Point[], tone?: 'bad'): ChartSeries => ({
    name,
    kind: 'scatter',
    points: list.map((p) => [p.startMs, p.durationMs]),
    keys: list.map((p) => p.traceId),
    labels: list.map((p) => p.root),
    ...(tone === undefined ? {} : { tone }),
  });
  return [series('traces', ok), series('with errors', failed, 'bad')];
}

const inside = (s: TraceSelection, p: Point) =>
  p.startMs >= s.fromMs &&
  p.startMs <= s.toMs &&
  p.durationMs >= s.minDurationMs &&
  p.durationMs <= s.maxDurationMs;

export function TraceScatter() {
  const filters: TracesSearch = useSearch({ from: '/shell/traces' });
  const view = useGlobalSearch();
  const setSearch = useSetSearch();
  const navigate = useNavigate();
  const client = useTRPCClient();
  const selection = parseSelection(filters.sel);
  const points = useQuery(
    rangeQueryOptions({
      procedure: 'traces.scatter',
      input: searchInput(filters),
      view,
      fetch: (i, signal) => client.traces.scatter.query(i, { signal }),
    }),
  );
  return (
    <section className="panel" aria-label="Duration over time">
      <div className="panel-title">
        <h3>Duration over time</h3>
        <span className="muted small">
          click a dot to open its trace · drag a rectangle to analyse those traces
        </span>
      </div>
      <PanelBoundary name="The scatter">
        <QueryState
          query={points}
          what="the traces' durations"
          skeleton={<ChartSkeleton label="Loading the scatter" height={HEIGHT} />}
        >
          {({ result, fromMs, toMs }) => {
            if (result.points.length === 0)
              return (
                <EmptyState title="No trace to plot in this time range">
                  <p className="muted">Widen the time range, or remove a filter.</p>
                </EmptyState>
              );
            const failed = result.points.filter((p) => p.errors > 0).length;
            const selected = selection ? result.points.filter((p) => inside(selection, p)).length : 0;
            return (
              <>
                <p className="scatter-summary" data-testid="scatter-summary">
                  <span>
                    <b>{result.points.length.toLocaleString('en-US')}</b>{' '}
                    {result.points.length === 1 ? 'trace' : 'traces'}
                    {result.capped && (
                      <>
                        {' '}
                        (the newest {result.maxPoints.toLocaleString('en-US')}; narrow the search to see all)
                      </>
                    )}
                  </span>
                  <span className={failed > 0 ? 'bad' : 'muted'}>
                    {failed > 0 ? '⚠ ' : ''}
                    {failed.toLocaleString('en-US')} with errors
                  </span>
                  {selection && (
                    <span className="scatter-selection" data-testid="scatter-selection">
                      {/* One text run: the flex gap would split "Selected 10: …" into spaced pieces. */}
                      <span>
                        Selected <b>{selected.toLocaleString('en-US')}</b>{' '}
                        {selected === 1 ? 'trace' : 'traces'}: {formatClock(selection.fromMs)}–
                        {formatClock(selection.toMs)}, {formatValue(selection.minDurationMs, 'ms')}–
                        {formatValue(selection.maxDurationMs, 'ms')}
                      </span>
                      <button
                        type="button"
                        className="button small"
                        onClick={() => setSearch({ sel: undefined })}
                      >
                        Clear selection
                      </button>
                    </span>
                  )}
                </p>
                <Chart
                  label="Trace durations over time"
                  height={HEIGHT}
                  spec={{
                    unit: 'ms',
                    fromMs,
                    toMs,
                    series: seriesOf(result.points),
                    ...(selection === undefined
                      ? {}
                      : {
                          area: {
                            fromMs: selection.fromMs,
                            toMs: selection.toMs,
                            min: selection.minDurationMs,
                            max: selection.maxDurationMs,
                          },
                        }),
                  }}
                  onPointClick={(traceId) =>
                    void navigate({
                      to: '/traces/$traceId',
                      params: { traceId },
                      search: filters.cluster === undefined ? {} : { cluster: filters.cluster },
                    })
                  }
                  onSelectArea={(area) =>
                    setSearch({
                      sel: formatSelection({
                        fromMs: area.fromMs,
                        toMs: area.toMs,
                        minDurationMs: area.min,
                        maxDurationMs: area.max,
                      }),
                    })
                  }
                />
              </>
            );
          }}
        </QueryState>
      </PanelBoundary>
    </section>
  );
}
