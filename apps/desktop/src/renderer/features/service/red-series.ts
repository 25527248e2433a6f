import type { ChartMarker, ChartPoint, ChartSeries } from '../../ui/chart/chart-options.ts';

/** One step of `services.red`: count and errors, latencies in ms (null without requests). */
export interface RedStep {
  t: number;
  count: number;
  errors: number;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** The step in seconds, from the spacing of the points (the server picks it); a minute when unknown. */
export function stepSecondsOf(steps: readonly RedStep[]): number {
  const a = steps[0];
  const b = steps[1];
  return a !== undefined && b !== undefined && b.t > a.t ? (b.t - a.t) / 1000 : 60;
}

export interface RedCharts {
  throughput: ChartSeries[];
  errorRate: ChartSeries[];
  latency: ChartSeries[];
}

/**
 * The three RED charts of a service from its series and, when given, the comparison series shifted forward
 * by `shiftMs` so yesterday's 10:00 lies under today's 10:00.
 */
export function redCharts(
  steps: readonly RedStep[],
  comparison: { steps: readonly RedStep[]; shiftMs: number; label: string } | null,
): RedCharts {
  const step = stepSecondsOf(steps);
  const map = (list: readonly RedStep[], shift: number, pick: (s: RedStep) => number | null): ChartPoint[] =>
    list.map((s) => [s.t + shift, pick(s)]);
  const rps = (s: RedStep) => s.count / step;
  // An error rate over no requests is unknown, not 0 %.
  const errorRate = (s: RedStep) => (s.count === 0 ? null : (s.errors / s.count) * 100);
  const overlay = (name: string, pick: (s: RedStep) => number | null): ChartSeries[] =>
    comparison === null
      ? []
      : [
          {
            name: `${name} ${comparison.label}`,
            points: map(comparison.steps, comparison.shiftMs, pick),
            comparison: true,
          },
        ];
  return {
    throughput: [{ name: 'requests/s', points: map(steps, 0, rps) }, ...overlay('requests/s', rps)],
    errorRate: [
      { name: 'error rate', points: map(steps, 0, errorRate) },
      ...overlay('error rate', errorRate),
    ],
    latency: [
      { name: 'p50', points: map(steps, 0, (s) => s.p50) },
      { name: 'p95', points: map(steps, 0, (s) => s.p95) },
      { name: 'p99', points: map(steps, 0, (s) => s.p99) },
      ...overlay('p95', (s) => s.p95),
    ],
  };
}

/**
 * Change events as chart markers: restarts, new versions / deploys, anything else (Kubernetes events) as an
 * alert-like mark labelled with its reason when it has one.
 */
export function eventMarkers(
  events: readonly { atMs: number; name: string; reason?: string | undefined }[],
): ChartMarker[] {
  return events.map((e) => ({
    atMs: e.atMs,
    label: e.reason ? `${e.name}: ${e.reason}` : e.name,
    kind: /restart/i.test(e.name) ? 'restart' : /version|deploy/i.test(e.name) ? 'deploy' : 'alert',
  }));
}
