/** Test support: the points of RED metrics flattened into plain, comparable records. */
import type { AnyValue, HistogramDataPoint, MetricsData } from '../../model/telemetry.ts';

export interface FlatPoint {
  metric: string;
  unit: string;
  resource: Record<string, AnyValue>;
  labels: Record<string, AnyValue>;
  count: number;
  sum: number | undefined;
  buckets: number[];
  min: number | undefined;
  max: number | undefined;
  point: HistogramDataPoint;
}

export function flatPoints(data: MetricsData | null, metric?: string): FlatPoint[] {
  const out: FlatPoint[] = [];
  for (const rm of data?.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) {
        if (metric !== undefined && m.name !== metric) continue;
        if (m.data.type !== 'histogram') throw new Error(`${m.name} is a ${m.data.type}, not a histogram`);
        for (const p of m.data.points)
          out.push({
            metric: m.name,
            unit: m.unit,
            resource: { ...rm.resource.attributes },
            labels: { ...p.attributes },
            count: Number(p.count),
            sum: p.sum,
            buckets: p.bucketCounts.map(Number),
            min: p.min,
            max: p.max,
            point: p,
          });
      }
  return out;
}

/** Bucket counts with `n` observations in bucket `i` for each [i, n] given. */
export function buckets(...entries: [number, number][]): number[] {
  const out = new Array<number>(16).fill(0);
  for (const [i, n] of entries) out[i] = (out[i] ?? 0) + n;
  return out;
}
