import { describe, expect, it } from 'vitest';
import { interpolateQuantile, sumRedFigures, summarizeRed } from './red-quantiles.ts';
import { RED_BUCKET_BOUNDS_MS } from './red-schema.ts';
import { buckets } from './testing/red-points.ts';

const B = RED_BUCKET_BOUNDS_MS;
const q = (counts: number[], p: number): number | null => interpolateQuantile(counts, B, p);

describe('interpolateQuantile (linear inside the bucket, first bucket from 0, overflow = last bound)', () => {
  it('inside the first bucket: its lower edge is 0', () => {
    // 10 observations in (0, 1]: the median is half-way.
    expect(q(buckets([0, 10]), 0.5)).toBe(0.5);
    expect(q(buckets([0, 10]), 0.1)).toBe(0.1);
  });

  it('across buckets (hand-computed)', () => {
    // 2 in (0,1], 6 in (2,5], 2 in (25,50]; total 10.
    const counts = buckets([0, 2], [2, 6], [5, 2]);
    // p50: rank 5, 2 below (2,5], 3 of its 6 → 2 + 3 × 3/6 = 3.5
    expect(q(counts, 0.5)).toBe(3.5);
    // p95: rank 9.5, 8 below (25,50], 1.5 of its 2 → 25 + 25 × 0.75 = 43.75
    expect(q(counts, 0.95)).toBe(43.75);
    // p99: rank 9.9 → 25 + 25 × 1.9/2 = 48.75
    expect(q(counts, 0.99)).toBeCloseTo(48.75, 10);
    // rank 2 ends exactly at the top of (0,1]
    expect(q(counts, 0.2)).toBe(1);
  });

  it('q = 0 and q = 1 are the edges of the first and last non-empty buckets', () => {
    const counts = buckets([2, 4], [4, 1]);
    expect(q(counts, 0)).toBe(2);
    expect(q(counts, 1)).toBe(25);
  });

  it('the overflow bucket answers its lower bound, 60,000 ms', () => {
    expect(q(buckets([15, 3]), 0.5)).toBe(60_000);
    expect(q(buckets([0, 99], [15, 1]), 0.999)).toBe(60_000);
    expect(q(buckets([0, 99], [15, 1]), 0.99)).toBe(1);
  });

  it('null without observations, for q outside [0, 1] and for counts that do not fit the bounds', () => {
    expect(q(buckets(), 0.5)).toBeNull();
    expect(q(buckets([0, 1]), 1.5)).toBeNull();
    expect(q(buckets([0, 1]), NaN)).toBeNull();
    expect(interpolateQuantile([1, 2], B, 0.5)).toBeNull();
  });
});

describe('summarizeRed', () => {
  it('adds rows up and derives avg, p50, p95, p99 in milliseconds', () => {
    const rows = [
      { count: 6, errorCount: 1, durationSumMs: 30, bucketCounts: buckets([0, 2], [2, 4]) },
      { count: 4, errorCount: 0, durationSumMs: 70, bucketCounts: buckets([2, 2], [5, 2]) },
    ];
    expect(sumRedFigures(rows)).toEqual({
      count: 10,
      errorCount: 1,
      durationSumMs: 100,
      bucketCounts: buckets([0, 2], [2, 6], [5, 2]),
    });
    const summary = summarizeRed(rows);
    expect({ ...summary, p99: undefined }).toEqual({
      count: 10,
      errors: 1,
      avg: 10,
      p50: 3.5,
      p95: 43.75,
      p99: undefined,
    });
    expect(summary.p99).toBeCloseTo(48.75, 10);
  });

  it('an empty step has zero counts and null figures', () => {
    expect(summarizeRed([])).toEqual({ count: 0, errors: 0, avg: null, p50: null, p95: null, p99: null });
  });
});
