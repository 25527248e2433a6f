import type { UseQueryResult } from '@tanstack/react-query';
import { QueryState } from '../../app/data/query-state.tsx';
import type { RangeResult } from '../../app/data/range-query.ts';
import { Chart } from '../../ui/chart/chart.tsx';
import type { ChartMarker, ChartSeries } from '../../ui/chart/chart-options.ts';
import type { Unit } from '../../ui/format/units.ts';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { ChartSkeleton } from '../../ui/states/skeleton.tsx';
import type { RedCharts as Series } from './red-series.ts';

const CHART_HEIGHT = 170;

/** Throughput, error rate and latency of what the page is narrowed to, with markers and the overlay. */
export function RedCharts<T, E extends { message: string }>({
  red,
  charts,
  markers,
  subject,
  onBrush,
}: {
  red: UseQueryResult<RangeResult<T>, E>;
  charts: Series | null;
  markers: ChartMarker[];
  /** "checkout", "checkout POST /pay on checkout-1": for labels and messages. */
  subject: string;
  onBrush: (fromMs: number, toMs: number) => void;
}) {
  const chart = (title: string, series: ChartSeries[] | undefined, unit: Unit) => (
    <section className="panel chart-panel" aria-label={title}>
      <h3>{title}</h3>
      <PanelBoundary name={title}>
        <QueryState
          query={red}
          what={`the ${title.toLowerCase()} of ${subject}`}
          skeleton={<ChartSkeleton label={`Loading ${title}`} height={CHART_HEIGHT} />}
        >
          {(data) =>
            series === undefined ? null : (
              <Chart
                label={`${title} of ${subject}`}
                spec={{ series, unit, fromMs: data.fromMs, toMs: data.toMs, markers }}
                height={CHART_HEIGHT}
                onBrush={onBrush}
              />
            )
          }
        </QueryState>
      </PanelBoundary>
    </section>
  );
  return (
    <div className="chart-grid">
      {chart('Throughput', charts?.throughput, 'reqPerSec')}
      {chart('Error rate', charts?.errorRate, 'percent')}
      {chart('Latency', charts?.latency, 'ms')}
    </div>
  );
}
