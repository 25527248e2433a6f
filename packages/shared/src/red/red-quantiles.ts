/**
 * Quantiles from RED bucket counts, and the per-step summary `services.red` returns.
 *
 * Method (the one Prometheus' histogram_quantile uses, with the same conventions written down):
 * - bucket i covers (bounds[i-1], bounds[i]]; the first bucket's lower edge is 0 (durations are ≥ 0);
 * - rank = q × total count; the quantile lies in the first non-empty bucket whose cumulative count
 *   reaches the rank;
 * - inside it, observations are taken as spread evenly: value = lower + (upper − lower) × (rank −
 *   count below the bucket) / count in the bucket;
 * - in the overflow bucket (above the last bound) there is no upper edge, so the result is its lower
 *   edge, the last bound (60,000 ms): "at least 60 s".
 * With q = 0 the result is the lower edge of the first non-empty bucket, with q = 1 the upper edge of the
 * last non-empty one.
 */
import { RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT } from './red-schema.ts';

/** The quantile `q` (0…1) of a histogram; null when it has no observation or the input does not fit. */
export function interpolateQuantile(
  bucketCounts: readonly number[],
  bounds: readonly number[],
  q: number,
): number | null {
  if (!(q >= 0 && q <= 1) || bucketCounts.length !== bounds.length + 1) return null;
  let total = 0;
  for (const c of bucketCounts) total += c > 0 ? c : 0;
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < bucketCounts.length; i++) {
    const c = bucketCounts[i]!;
    if (!(c > 0)) continue;
    if (below + c >= rank) {
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      if (i === bounds.length) return lower;
      const upper = bounds[i]!;
      return lower + ((upper - lower) * (rank - below)) / c;
    }
    below += c;
  }
  return null;
}

/** Count, errors, duration sum (ms) and bucket counts of one or more rollup rows. */
export interface RedFigures {
  count: number;
  errorCount: number;
  durationSumMs: number;
  bucketCounts: readonly number[];
}

export interface RedSummary {
  count: number;
  errors: number;
  /** Milliseconds; null without requests. */
  avg: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** Adds up rows (bucket by bucket in the fixed order). */
export function sumRedFigures(rows: Iterable<RedFigures>): RedFigures {
  let count = 0;
  let errorCount = 0;
  let durationSumMs = 0;
  const bucketCounts = new Array<number>(RED_BUCKET_COUNT).fill(0);
  for (const row of rows) {
    count += row.count;
    errorCount += row.errorCount;
    durationSumMs += row.durationSumMs;
    const n = Math.min(RED_BUCKET_COUNT, row.bucketCounts.length);
    for (let i = 0; i < n; i++) bucketCounts[i]! += row.bucketCounts[i]!;
  }
  return { count, errorCount, durationSumMs, bucketCounts };
}

/** The `services.red` figures of one time step from its rollup rows (durations in milliseconds). */
export function summarizeRed(rows: Iterable<RedFigures>): RedSummary {
  const total = sumRedFigures(rows);
  const q = (p: number): number | null => interpolateQuantile(total.bucketCounts, RED_BUCKET_BOUNDS_MS, p);
  return {
    count: total.count,
    errors: total.errorCount,
    avg: total.count > 0 ? total.durationSumMs / total.count : null,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
  };
}
