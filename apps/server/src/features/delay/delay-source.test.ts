import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  bucketShare,
  coveredNs,
  splitRequests,
  uncoveredRange,
  weightedShare,
} from './delay-source.ts';

const entry = (trace: string, startMs: number, durationMs: number, endpoint = 'GET /a') => ({
  trace_id: trace,
  endpoint,
  start_ns: BigInt(startMs) * 1_000_000n,
  duration_ns: BigInt(durationMs) * 1_000_000n,
});
const call = (trace: string, startMs: number, durationMs: number) => ({
  trace_id: trace,
  start_ns: BigInt(startMs) * 1_000_000n,
  duration_ns: BigInt(durationMs) * 1_000_000n,
});

describe('delay source', () => {
  it('counts overlapping calls once and clips them to the request', () => {
    expect(coveredNs([], 0n, 100n)).toBe(0n);
    expect(
      coveredNs(
        [
          [10n, 60n],
          [30n, 90n],
          [95n, 99n],
        ],
        0n,
        100n,
      ),
    ).toBe(84n);
    // Touching intervals join; a call outliving the request is clipped at its end.
    expect(
      coveredNs(
        [
          [0n, 10n],
          [10n, 20n],
          [90n, 150n],
        ],
        0n,
        100n,
      ),
    ).toBe(30n);
  });

  it('assigns calls to the request of the same trace they start in', () => {
    const split = splitRequests(
      [entry('t1', 0, 100), entry('t2', 0, 50), entry('t1', 200, 10)],
      [call('t1', 10, 40), call('t1', 205, 100), call('t2', 60, 5), call('t3', 0, 50)],
    );
    expect(split.map((s) => s.dependencyMs)).toEqual([40, 0, 5]);
  });

  it('uses the RED buckets’ inclusive upper bounds', () => {
    expect([0.5, 1, 1.01, 100, 100.5, 60_000, 60_001].map(bucketOf)).toEqual([0, 0, 1, 6, 7, 14, 15]);
  });

  it('weights each latency bucket by the time the 100 % rollups spent in it', () => {
    const fast = { endpoint: 'a', durationMs: 100, dependencyMs: 90 };
    const slow = { endpoint: 'a', durationMs: 400, dependencyMs: 40 };
    const requests = [fast, fast, slow, slow];
    // Plain: (180 + 80) / 1000. Weighted: buckets 6 (9 requests × 100 ms) and 8 (1 × 400 ms).
    expect(weightedShare(requests, null)).toBeCloseTo(0.26, 12);
    const counts = Array.from({ length: 16 }, (_, i) => (i === 6 ? 9 : i === 8 ? 1 : 0));
    expect(weightedShare(requests, counts)).toBeCloseTo((900 * 0.9 + 400 * 0.1) / 1300, 12);
    // Buckets the rollups never saw fall back to the plain ratio when nothing else has weight.
    expect(weightedShare(requests, new Array<number>(16).fill(0))).toBeCloseTo(0.26, 12);
    expect(weightedShare([], counts)).toBeNull();
  });

  it('weights sums per bucket (the job’s table) exactly as the requests they sum', () => {
    const counts = Array.from({ length: 16 }, (_, i) => (i === 6 ? 9 : i === 8 ? 1 : 0));
    const buckets = new Map([
      [6, { n: 2, duration: 200, dependency: 180 }],
      [8, { n: 2, duration: 800, dependency: 80 }],
    ]);
    expect(bucketShare(buckets, counts)).toBeCloseTo((900 * 0.9 + 400 * 0.1) / 1300, 12);
    expect(bucketShare(buckets, null)).toBeCloseTo(0.26, 12);
    expect(bucketShare(new Map(), counts)).toBeNull();
  });

  it('reads spans only for the minutes of the range the job has not computed', () => {
    const M = 60_000;
    const T = 1_000 * M;
    // [T + 30 s, T + 10 min + 30 s): minutes T … T + 10 min.
    const range = { from: T + 30_000, to: T + 10 * M + 30_000 };
    const computed = (first: number, last: number, windows = last - first + 1) => ({
      windows,
      firstMs: T + first * M,
      lastMs: T + last * M,
    });
    expect(uncoveredRange(range, { windows: 0, firstMs: 0, lastMs: 0 })).toEqual(range);
    expect(uncoveredRange(range, computed(0, 10))).toBeNull();
    // The usual case: the last minutes are still in their grace period.
    expect(uncoveredRange(range, computed(0, 7))).toEqual({ from: T + 8 * M, to: range.to });
    // Minutes before the job ran (or before migration 0008).
    expect(uncoveredRange(range, computed(3, 10))).toEqual({ from: range.from, to: T + 3 * M });
    // Uncomputed minutes on both sides, or a gap: the whole range, the span read skipping computed minutes.
    expect(uncoveredRange(range, computed(3, 7))).toEqual(range);
    expect(uncoveredRange(range, computed(0, 10, 10))).toEqual(range);
  });
});
