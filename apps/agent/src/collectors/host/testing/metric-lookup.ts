/** Test helpers: find a metric and one of its points by attributes, failing with what was there instead. */
import type { AnyValue, Metric, NumberDataPoint } from '@apo/shared/model';

export function metricNamed(metrics: readonly Metric[], name: string): Metric {
  const found = metrics.find((m) => m.name === name);
  if (found === undefined) {
    throw new Error(`no metric ${name}; have: ${metrics.map((m) => m.name).join(', ')}`);
  }
  return found;
}

export function numberPoints(metric: Metric): NumberDataPoint[] {
  if (metric.data.type === 'gauge' || metric.data.type === 'sum') return metric.data.points;
  throw new Error(`${metric.name} is a ${metric.data.type}, not a gauge or sum`);
}

function matches(point: { attributes: Record<string, AnyValue> }, want: Record<string, AnyValue>): boolean {
  return Object.entries(want).every(([k, v]) => point.attributes[k] === v);
}

export function pointWith(metric: Metric, want: Record<string, AnyValue> = {}): NumberDataPoint {
  const points = numberPoints(metric);
  const found = points.find((p) => matches(p, want));
  if (found === undefined) {
    const have = points.map((p) => JSON.stringify({ ...p.attributes }, (_, v: unknown) => String(v)));
    throw new Error(`${metric.name} has no point ${JSON.stringify(want)}; have ${have.join(' ')}`);
  }
  return found;
}

/** The value of the point of `name` with these attributes, as a number. */
export function valueOf(
  metrics: readonly Metric[],
  name: string,
  want: Record<string, AnyValue> = {},
): number {
  return Number(pointWith(metricNamed(metrics, name), want).value);
}

/** Distinct values of one attribute across a metric's points. */
export function attributeValues(metric: Metric, key: string): (AnyValue | undefined)[] {
  return [...new Set(numberPoints(metric).map((p) => p.attributes[key]))];
}
