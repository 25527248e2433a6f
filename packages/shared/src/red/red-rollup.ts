/**
 * RED metrics (as the aggregator emits them, or as they arrive over OTLP) → rows of the two per-minute
 * rollup tables. Points of one series in one minute are merged (an agent flushing every 10 s sends six).
 *
 * A point's minute is the minute holding the last instant of its interval, [start, time): a flush at
 * exactly 12:01:00 reports 12:00:xx. Input that does not fit the contract (another temporality, other
 * bounds, bucket counts that do not add up to the count, no sum, no time) is skipped and counted, never
 * thrown: this runs on data from the network.
 */
import type { Attributes, HistogramDataPoint, Metric, MetricsData } from '../model/telemetry.ts';
import { AggregationTemporality } from '../model/telemetry.ts';
import type { RedFigures } from './red-quantiles.ts';
import {
  RED_BUCKET_BOUNDS_MS,
  RED_BUCKET_BOUNDS_SECONDS,
  RED_BUCKET_COUNT,
  RED_CLIENT_METRIC,
  RED_SERVER_METRIC,
  RedAttribute,
} from './red-schema.ts';
import { keyText } from './span-classification.ts';

interface RollupKeyBase {
  cluster: string;
  /** Start of the minute, milliseconds since the epoch (a multiple of 60,000). */
  minuteMs: number;
  service: string;
  instance: string;
  kind: string;
  error: boolean;
}

export interface RedServerRollupRow extends RollupKeyBase, RedFigures {
  endpoint: string;
  bucketCounts: number[];
}

export interface RedClientRollupRow extends RollupKeyBase, RedFigures {
  callType: string;
  peer: string;
  system: string;
  dbNamespace: string;
  operation: string;
  target: string;
  role: string;
  bucketCounts: number[];
}

export interface RedRollupRows {
  server: RedServerRollupRow[];
  client: RedClientRollupRow[];
  /** Points of RED metrics that were skipped as malformed (metrics with other names are ignored, not counted). */
  skippedPoints: number;
}

const NS_PER_MINUTE = 60_000_000_000n;
/** Below this many nanoseconds a double holds the exact integer, so seconds → ns → ms stays exact. */
const EXACT_NS = 2 ** 50;

function sameBounds(actual: readonly number[], expected: readonly number[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (actual[i] !== expected[i]) return false;
  return true;
}

/** Nanoseconds per unit of the metric, or 0 when the unit and bounds are not RED's. */
function nsPerUnit(metric: Metric, bounds: readonly number[]): number {
  if (metric.unit === 's' && sameBounds(bounds, RED_BUCKET_BOUNDS_SECONDS)) return 1e9;
  if (metric.unit === 'ms' && sameBounds(bounds, RED_BUCKET_BOUNDS_MS)) return 1e6;
  return 0;
}

interface Figures {
  minuteMs: number;
  count: number;
  sumNs: number;
  buckets: number[];
}

/** The figures of a well-formed point, or undefined. */
function figuresOf(point: HistogramDataPoint, nsPer: number): Figures | undefined {
  const { count, sum, bucketCounts, timeUnixNano, startTimeUnixNano } = point;
  if (bucketCounts.length !== RED_BUCKET_COUNT || timeUnixNano <= 0n) return undefined;
  if (sum === undefined || !Number.isFinite(sum) || sum < 0) return undefined;
  if (count < 0n || count > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  let total = 0n;
  for (const c of bucketCounts) total += c;
  if (total !== count || bucketCounts.some((c) => c < 0n)) return undefined;
  const scaled = sum * nsPer;
  const last = timeUnixNano > startTimeUnixNano ? timeUnixNano - 1n : timeUnixNano;
  return {
    minuteMs: Number(last / NS_PER_MINUTE) * 60_000,
    count: Number(count),
    sumNs: scaled < EXACT_NS ? Math.round(scaled) : scaled,
    buckets: bucketCounts.map(Number),
  };
}

function flag(value: Attributes[string] | undefined): boolean {
  return value === true || value === 'true';
}

/** Accumulates rows by key; durations are summed in nanoseconds and turned into ms at the end. */
class Merger<Row extends RollupKeyBase & RedFigures & { bucketCounts: number[] }> {
  readonly rows = new Map<string, { row: Row; sumNs: number }>();
  add(key: string, make: () => Row, f: Figures): void {
    let entry = this.rows.get(key);
    if (entry === undefined) {
      entry = { row: make(), sumNs: 0 };
      this.rows.set(key, entry);
    }
    const { row } = entry;
    row.count += f.count;
    if (row.error) row.errorCount += f.count;
    entry.sumNs += f.sumNs;
    for (let i = 0; i < RED_BUCKET_COUNT; i++) row.bucketCounts[i]! += f.buckets[i]!;
  }
  result(): Row[] {
    return Array.from(this.rows.values(), ({ row, sumNs }) => {
      row.durationSumMs = sumNs / 1e6;
      return row;
    });
  }
}

export function redRollupRows(data: MetricsData, cluster: string): RedRollupRows {
  const server = new Merger<RedServerRollupRow>();
  const client = new Merger<RedClientRollupRow>();
  let skippedPoints = 0;
  for (const rm of data.resourceMetrics) {
    const service = keyText(rm.resource.attributes['service.name']) || 'unknown_service';
    const instance = keyText(rm.resource.attributes['service.instance.id']);
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        const isServer = metric.name === RED_SERVER_METRIC;
        if (!isServer && metric.name !== RED_CLIENT_METRIC) continue;
        const d = metric.data;
        if (d.type !== 'histogram' || d.aggregationTemporality !== AggregationTemporality.Delta) {
          skippedPoints += 'points' in d ? d.points.length : 0;
          continue;
        }
        for (const point of d.points) {
          const nsPer = nsPerUnit(metric, point.explicitBounds);
          const f = nsPer === 0 ? undefined : figuresOf(point, nsPer);
          if (f === undefined) {
            skippedPoints++;
            continue;
          }
          const a = point.attributes;
          const base = {
            cluster,
            minuteMs: f.minuteMs,
            service,
            instance,
            kind: keyText(a[RedAttribute.spanKind]),
            error: flag(a[RedAttribute.error]),
            count: 0,
            errorCount: 0,
            durationSumMs: 0,
          };
          const head = `${f.minuteMs}\u0000${service}\u0000${instance}\u0000${base.kind}\u0000${base.error}`;
          if (isServer) {
            const endpoint = keyText(a[RedAttribute.endpoint]);
            server.add(
              `${head}\u0000${endpoint}`,
              () => ({ ...base, endpoint, bucketCounts: new Array<number>(RED_BUCKET_COUNT).fill(0) }),
              f,
            );
          } else {
            const call = {
              callType: keyText(a[RedAttribute.callType]),
              peer: keyText(a[RedAttribute.peer]),
              system: keyText(a[RedAttribute.system]),
              dbNamespace: keyText(a[RedAttribute.dbNamespace]),
              operation: keyText(a[RedAttribute.operation]),
              target: keyText(a[RedAttribute.target]),
              role: keyText(a[RedAttribute.role]),
            };
            client.add(
              `${head}\u0000${Object.values(call).join('\u0000')}`,
              () => ({ ...base, ...call, bucketCounts: new Array<number>(RED_BUCKET_COUNT).fill(0) }),
              f,
            );
          }
        }
      }
    }
  }
  return { server: server.result(), client: client.result(), skippedPoints };
}
