/**
 * Duration over time, one dot per matching trace (failed ones red, drawn on top): a click opens the trace,
 * a drag selects a rectangle of traces (start × duration) for the analytics below; the selection lives in
 * the URL (`sel`). By keyboard: the plot takes focus, the arrow keys move between traces (scatter-keys.ts)
 * and Enter opens the one focused, which the chart rings and labels.
 */
import { useMemo, useState, type KeyboardEvent, type ReactNode } from 'react';
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
import { describePoint, movedTo, scatterOrders, type ScatterPoint } from './scatter-keys.ts';
import {
  formatSelection,
  parseSelection,
  searchInput,
  type TraceSelection,
  type TracesSearch,
} from './trace-search-state.ts';

const HEIGHT = 220;

type Point = ScatterPoint;

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
  const openTrace = (traceId: string) =>
    void navigate({
      to: '/traces/$traceId',
      params: { traceId },
      search: filters.cluster === undefined ? {} : { cluster: filters.cluster },
    });
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
          click a dot to open its trace · drag a rectangle to analyse those traces · or arrow keys, Enter
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
                <ScatterKeys points={result.points} onOpen={openTrace}>
                  {(focusKey) => (
                    <Chart
                      focusKey={focusKey}
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
                      onPointClick={openTrace}
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
                  )}
                </ScatterKeys>
              </>
            );
          }}
        </QueryState>
      </PanelBoundary>
    </section>
  );
}

/**
 * The plot as one focusable stop: the arrow keys move a focused trace (ringed, its tooltip shown, read
 * out through the label and a live region), Enter opens it. `children` draws the chart with that focus.
 */
function ScatterKeys({
  points,
  onOpen,
  children,
}: {
  points: readonly Point[];
  onOpen: (traceId: string) => void;
  children: (focusKey: string | undefined) => ReactNode;
}) {
  const orders = useMemo(() => scatterOrders(points), [points]);
  const [current, setCurrent] = useState<string | null>(null);
  const [focused, setFocused] = useState(false);
  const point = current === null ? undefined : points.find((p) => p.traceId === current);
  const position = point === undefined ? -1 : orders.time.indexOf(point);
  const said =
    point === undefined ? '' : `Trace ${position + 1} of ${points.length} by time: ${describePoint(point)}.`;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && point !== undefined) {
      e.preventDefault();
      onOpen(point.traceId);
      return;
    }
    const next = movedTo(orders, point === undefined ? null : point.traceId, e.key);
    if (next === undefined) return;
    e.preventDefault();
    setCurrent(next);
  };
  return (
    <div
      className="scatter-keys"
      data-testid="scatter-keys"
      tabIndex={0}
      role="group"
      aria-roledescription="scatter plot"
      aria-label={
        said === ''
          ? 'Trace durations over time: arrow keys move between traces, Enter opens one'
          : `${said} Enter opens it.`
      }
      onKeyDown={onKeyDown}
      onFocus={() => {
        setFocused(true);
        if (point === undefined) setCurrent(orders.time[0]?.traceId ?? null);
      }}
      onBlur={() => setFocused(false)}
    >
      {children(focused && point !== undefined ? point.traceId : undefined)}
      <p className="visually-hidden" aria-live="polite" data-testid="scatter-focus">
        {focused ? said : ''}
      </p>
    </div>
  );
}
