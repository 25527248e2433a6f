/**
 * One RED series between two flushes: count, duration sum, min, max and bucket counts, kept in integer
 * nanoseconds so that bucket placement is exact (a 1 ms span is in the ≤ 1 ms bucket, not one ulp above).
 */
import type { Attributes, HistogramDataPoint } from '../model/telemetry.ts';
import { RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT } from './red-schema.ts';

const BOUNDS_NS = Float64Array.from(RED_BUCKET_BOUNDS_MS, (ms) => ms * 1_000_000);
const LAST_BOUND = BOUNDS_NS.length;

/** Bucket of a duration in nanoseconds (OTLP explicit bounds: `d ≤ bound`; past the last bound: overflow). */
export function redBucketIndex(durationNs: number): number {
  let i = 0;
  while (i < LAST_BOUND && durationNs > BOUNDS_NS[i]!) i++;
  return i;
}

function bigintCounts(buckets: readonly number[]): bigint[] {
  const out = new Array<bigint>(buckets.length);
  // Most buckets are empty, and BigInt(0) is the costly way to write 0n.
  for (let i = 0; i < buckets.length; i++) out[i] = buckets[i] === 0 ? 0n : BigInt(buckets[i]!);
  return out;
}

export class RedHistogram {
  count = 0;
  /** Exact while below 2^53 ns (104 days of summed duration in one flush interval). */
  sumNs = 0;
  minNs = Infinity;
  maxNs = 0;
  // A plain array: typed arrays cost far more to allocate, and thousands of series start each interval.
  readonly buckets: number[] = new Array<number>(RED_BUCKET_COUNT).fill(0);

  record(durationNs: number): void {
    this.count++;
    this.sumNs += durationNs;
    if (durationNs < this.minNs) this.minNs = durationNs;
    if (durationNs > this.maxNs) this.maxNs = durationNs;
    this.buckets[redBucketIndex(durationNs)]!++;
  }

  /**
   * The OTLP delta point (seconds, as the metric's unit says). `explicitBounds` is shared by the points
   * of one flush (RED_BUCKET_BOUNDS_SECONDS as a fresh array): thousands of points, one set of bounds.
   */
  toPoint(
    attributes: Attributes,
    startTimeUnixNano: bigint,
    timeUnixNano: bigint,
    explicitBounds: number[],
  ): HistogramDataPoint {
    return {
      attributes,
      startTimeUnixNano,
      timeUnixNano,
      flags: 0,
      count: BigInt(this.count),
      sum: this.sumNs / 1e9,
      bucketCounts: bigintCounts(this.buckets),
      explicitBounds,
      exemplars: [],
      min: this.minNs / 1e9,
      max: this.maxNs / 1e9,
    };
  }
}
