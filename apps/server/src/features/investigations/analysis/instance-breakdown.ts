/**
 * Time breakdown per instance (PRODUCT.md §2.4), from the agent's process metrics and the runtime's:
 * per request, how much on-CPU time, run-queue wait, block-I/O wait and GC time the instance spent, plus
 * its event-loop delay. APO gets this per request from eBPF; here it is per minute per instance, divided by
 * the instance's requests. The cause of slow requests is the bucket that exceeds its baseline (the minutes
 * before the onset) by the most.
 */
import { shiftAt, type Shift } from './onset.ts';
import type { InstanceSignals } from './signals.ts';
import type { Series } from './stats.ts';

const BREAKDOWN_BUCKETS = ['cpu', 'run-queue', 'disk-io', 'gc', 'event-loop'] as const;
type BreakdownBucket = (typeof BREAKDOWN_BUCKETS)[number];

interface BucketShift {
  bucket: BreakdownBucket;
  /** Per request, ms (event-loop: the p99 delay in ms). */
  series: (number | null)[];
  shift: Shift | null;
}

export interface InstanceBreakdown {
  instance: string;
  buckets: BucketShift[];
  /** The bucket that rose the most over its baseline, null when none did. */
  top: BucketShift | null;
}

/** Seconds per minute ÷ requests per minute → ms per request (null without requests or data). */
function perRequestMs(seconds: Series, requests: Series): (number | null)[] {
  return seconds.map((s, i) => {
    const n = requests[i];
    return s === null || n === null || n === undefined || n === 0 ? null : (s * 1000) / n;
  });
}

/** Absolute floors: a bucket must rise by at least this much (ms per request) to count. */
const FLOOR_MS: Record<BreakdownBucket, number> = {
  cpu: 5,
  'run-queue': 5,
  'disk-io': 2,
  gc: 2,
  'event-loop': 20,
};

export function instanceBreakdown(inst: InstanceSignals, onset: number): InstanceBreakdown {
  const series: Record<BreakdownBucket, (number | null)[]> = {
    cpu: perRequestMs(inst.cpuSeconds, inst.requests),
    'run-queue': perRequestMs(inst.runQueueSeconds, inst.requests),
    'disk-io': perRequestMs(inst.blkioSeconds, inst.requests),
    gc: perRequestMs(inst.gcSeconds, inst.requests),
    'event-loop': [...inst.eventLoopP99Ms],
  };
  const buckets = BREAKDOWN_BUCKETS.map((bucket): BucketShift => {
    const s = series[bucket];
    return {
      bucket,
      series: s,
      shift: shiftAt(s, onset, { minAbsolute: FLOOR_MS[bucket], minRelative: 0.5 }),
    };
  });
  let top: BucketShift | null = null;
  for (const b of buckets) {
    const strength = b.shift?.strength ?? 0;
    if (strength > 0 && (top === null || strength > (top.shift?.strength ?? 0))) top = b;
  }
  return { instance: inst.instance, buckets, top };
}
