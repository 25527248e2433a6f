/**
 * Parsed exposition families → OTLP metrics. Counters become cumulative monotonic sums, histograms one
 * OTLP histogram point per label set (from `_bucket{le}`, `_sum` and `_count`), summaries OTLP summaries,
 * everything else gauges. Labels become attributes; metric names stay as exposed (`_total` included), so
 * a scraped node_exporter and the agent's own host collector name things alike.
 *
 * Start times: an OpenMetrics `_created` sample when present; otherwise the target's first observation of
 * the series — or its `process_start_time_seconds`, when the target exposes one, since its counters began
 * with the process — moved forward when a value goes down (the target restarted).
 */
import {
  AggregationTemporality,
  type Attributes,
  type HistogramDataPoint,
  type Metric,
  type NumberDataPoint,
  type SummaryDataPoint,
} from '@apo/shared/model';
import type { CounterStarts } from '../host/counter-starts.ts';
import { attributes } from '../host/metric-set.ts';
import { parsePromFloat, type Family, type Sample } from './exposition-parser.ts';

export interface ConversionContext {
  /** Scrape time, for samples without their own timestamp. */
  now: bigint;
  starts: CounterStarts;
}

export interface ConversionResult {
  metrics: Metric[];
  /** Histogram or summary series that could not be assembled (e.g. buckets that decrease). */
  invalidSeries: number;
  firstError: string | undefined;
}

class SeriesError extends Error {}

const NS_PER_MS = 1_000_000n;

function timeOf(sample: Sample, now: bigint): bigint {
  return sample.timestampMs === undefined ? now : BigInt(Math.round(sample.timestampMs)) * NS_PER_MS;
}

function attrsOf(labels: readonly [string, string][], without?: string): Attributes {
  const out = attributes();
  for (const [name, value] of labels) if (name !== without) out[name] = value;
  return out;
}

function labelKey(labels: readonly [string, string][], without?: string): string {
  return labels
    .filter(([name]) => name !== without)
    .map(([name, value]) => `${name}\u0000${value}`)
    .sort()
    .join('\u0001');
}

function secondsToNs(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1000)) * NS_PER_MS;
}

function count(value: number, what: string): bigint {
  if (!Number.isFinite(value) || value < 0) throw new SeriesError(`invalid ${what} ${value}`);
  return BigInt(Math.round(value));
}

interface Group {
  labels: [string, string][];
  samples: Sample[];
}

/** Samples of a family grouped by label set, `le` or `quantile` aside, in first-seen order. */
function groupSeries(samples: readonly Sample[], without: string): Group[] {
  const groups = new Map<string, Group>();
  for (const sample of samples) {
    const key = labelKey(sample.labels, without);
    let group = groups.get(key);
    if (group === undefined) {
      group = { labels: sample.labels.filter(([name]) => name !== without), samples: [] };
      groups.set(key, group);
    }
    group.samples.push(sample);
  }
  return [...groups.values()];
}

function metricOf(family: Family, name: string, data: Metric['data']): Metric {
  return { name, description: family.help, unit: family.unit, metadata: attributes(), data };
}

export function familiesToMetrics(families: readonly Family[], context: ConversionContext): ConversionResult {
  const { now, starts } = context;
  const processStart = families.find((f) => f.name === 'process_start_time_seconds')?.samples[0]?.value;
  const firstStart =
    processStart !== undefined && Number.isFinite(processStart) && processStart > 0
      ? secondsToNs(processStart)
      : now;
  const metrics: Metric[] = [];
  let invalidSeries = 0;
  let firstError: string | undefined;

  const startOf = (
    name: string,
    labels: readonly [string, string][],
    value: number,
    created: number | undefined,
  ) =>
    created !== undefined && Number.isFinite(created)
      ? secondsToNs(created)
      : starts.startFor(`${name}\u0001${labelKey(labels)}`, value, firstStart, now);

  /** One point per label set; a set that cannot be assembled is counted and left out. */
  function pointsOf<P>(family: Family, aside: string, build: (group: Group) => P): P[] {
    const points: P[] = [];
    for (const group of groupSeries(family.samples, aside)) {
      try {
        points.push(build(group));
      } catch (error) {
        if (!(error instanceof SeriesError)) throw error;
        invalidSeries++;
        firstError ??= `${family.name}: ${error.message}`;
      }
    }
    return points;
  }

  for (const family of families) {
    switch (family.type) {
      case 'counter':
        metrics.push(...counterMetrics(family, now, startOf));
        break;
      case 'histogram': {
        const points = pointsOf(family, 'le', (group) => histogramPoint(family.name, group, now, startOf));
        if (points.length > 0) {
          const data = {
            type: 'histogram',
            aggregationTemporality: AggregationTemporality.Cumulative,
            points,
          } as const;
          metrics.push(metricOf(family, family.name, data));
        }
        break;
      }
      case 'summary': {
        const points = pointsOf(family, 'quantile', (group) =>
          summaryPoint(family.name, group, now, startOf),
        );
        if (points.length > 0) metrics.push(metricOf(family, family.name, { type: 'summary', points }));
        break;
      }
      default:
        metrics.push(...gaugeMetrics(family, now, startOf));
    }
  }
  return { metrics, invalidSeries, firstError };
}

type StartOf = (
  name: string,
  labels: readonly [string, string][],
  value: number,
  created: number | undefined,
) => bigint;

function numberPoint(sample: Sample, now: bigint, start: bigint): NumberDataPoint {
  return {
    attributes: attrsOf(sample.labels),
    startTimeUnixNano: start,
    timeUnixNano: timeOf(sample, now),
    flags: 0,
    value: sample.value,
    exemplars: [],
  };
}

/** One metric per distinct sample name, in first-seen order. */
function byName(samples: readonly Sample[]): Map<string, Sample[]> {
  const out = new Map<string, Sample[]>();
  for (const sample of samples) {
    const list = out.get(sample.name);
    if (list === undefined) out.set(sample.name, [sample]);
    else list.push(sample);
  }
  return out;
}

function counterMetrics(family: Family, now: bigint, startOf: StartOf): Metric[] {
  const created = new Map<string, number>();
  for (const sample of family.samples) {
    if (sample.name === `${family.name}_created`) created.set(labelKey(sample.labels), sample.value);
  }
  const metrics: Metric[] = [];
  for (const [name, samples] of byName(family.samples)) {
    if (name === `${family.name}_created`) continue;
    const points = samples.map((s) =>
      numberPoint(s, now, startOf(name, s.labels, s.value, created.get(labelKey(s.labels)))),
    );
    metrics.push(
      metricOf(family, name, {
        type: 'sum',
        aggregationTemporality: AggregationTemporality.Cumulative,
        isMonotonic: true,
        points,
      }),
    );
  }
  return metrics;
}

/**
 * Gauges, and untyped samples. An untyped sample named `…_total` is a counter by convention (it is how
 * Prometheus names counters), so it becomes a cumulative sum; other untyped samples are gauges, as
 * Prometheus itself treats them.
 */
function gaugeMetrics(family: Family, now: bigint, startOf: StartOf): Metric[] {
  const metrics: Metric[] = [];
  const untyped = family.type === 'untyped' || family.type === 'unknown';
  for (const [name, samples] of byName(family.samples)) {
    if (untyped && name.endsWith('_total')) {
      const points = samples.map((s) => numberPoint(s, now, startOf(name, s.labels, s.value, undefined)));
      metrics.push(
        metricOf(family, name, {
          type: 'sum',
          aggregationTemporality: AggregationTemporality.Cumulative,
          isMonotonic: true,
          points,
        }),
      );
    } else {
      metrics.push(
        metricOf(family, name, { type: 'gauge', points: samples.map((s) => numberPoint(s, now, 0n)) }),
      );
    }
  }
  return metrics;
}

function histogramPoint(name: string, group: Group, now: bigint, startOf: StartOf): HistogramDataPoint {
  const buckets: { le: number; cumulative: number }[] = [];
  let sum: number | undefined;
  let total: number | undefined;
  let created: number | undefined;
  let time = now;
  for (const sample of group.samples) {
    const suffix = sample.name.slice(name.length);
    if (suffix === '_bucket') {
      const leText = sample.labels.find(([label]) => label === 'le')?.[1];
      const le = leText === undefined ? undefined : parsePromFloat(leText);
      if (le === undefined || Number.isNaN(le))
        throw new SeriesError(`bucket without a valid le (${leText ?? 'none'})`);
      buckets.push({ le, cumulative: sample.value });
      time = timeOf(sample, now);
    } else if (suffix === '_sum') sum = sample.value;
    else if (suffix === '_count') total = sample.value;
    else if (suffix === '_created') created = sample.value;
  }
  buckets.sort((a, b) => a.le - b.le);
  if (buckets.at(-1)?.le !== Infinity) {
    if (total === undefined) throw new SeriesError('no +Inf bucket and no _count');
    buckets.push({ le: Infinity, cumulative: total });
  }
  const explicitBounds: number[] = [];
  const bucketCounts: bigint[] = [];
  let previous = 0n;
  for (const bucket of buckets) {
    const cumulative = count(bucket.cumulative, 'bucket count');
    if (cumulative < previous)
      throw new SeriesError(`bucket le=${bucket.le} has fewer observations than a lower one`);
    bucketCounts.push(cumulative - previous);
    previous = cumulative;
    if (bucket.le !== Infinity) explicitBounds.push(bucket.le);
  }
  return {
    attributes: attrsOf(group.labels),
    startTimeUnixNano: startOf(name, group.labels, Number(previous), created),
    timeUnixNano: time,
    flags: 0,
    count: previous,
    sum,
    bucketCounts,
    explicitBounds,
    exemplars: [],
    min: undefined,
    max: undefined,
  };
}

function summaryPoint(name: string, group: Group, now: bigint, startOf: StartOf): SummaryDataPoint {
  const quantileValues: { quantile: number; value: number }[] = [];
  let sum = 0;
  let total = 0;
  let created: number | undefined;
  let time = now;
  for (const sample of group.samples) {
    const suffix = sample.name.slice(name.length);
    if (suffix === '') {
      const q = parsePromFloat(sample.labels.find(([label]) => label === 'quantile')?.[1] ?? '');
      if (q === undefined || !(q >= 0 && q <= 1))
        throw new SeriesError('quantile label missing or outside [0, 1]');
      quantileValues.push({ quantile: q, value: sample.value });
      time = timeOf(sample, now);
    } else if (suffix === '_sum') sum = sample.value;
    else if (suffix === '_count') total = sample.value;
    else if (suffix === '_created') created = sample.value;
  }
  quantileValues.sort((a, b) => a.quantile - b.quantile);
  return {
    attributes: attrsOf(group.labels),
    startTimeUnixNano: startOf(name, group.labels, total, created),
    timeUnixNano: time,
    flags: 0,
    count: count(total, 'count'),
    sum,
    quantileValues,
  };
}
