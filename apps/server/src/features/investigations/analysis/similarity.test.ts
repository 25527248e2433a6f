import { describe, expect, it } from 'vitest';
import { laggedCorrelation, rankBySimilarity } from './similarity.ts';
import { median, mad, pearson, ranks } from './stats.ts';

const wave = (n: number, shift = 0) =>
  Array.from({ length: n }, (_, i) => 10 + (i + shift >= 20 ? 50 : 0) + Math.sin(i));

describe('stats', () => {
  it('median, MAD, ranks with ties, Pearson', () => {
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(mad([1, 1, 2, 2, 4, 6, 9], 2)).toBeCloseTo(1.4826, 4);
    expect(ranks([10, null, 5, 10])).toEqual([2.5, null, 1, 2.5]);
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 10);
    expect(pearson([1, 2, 3, 4], [8, 6, 4, 2])).toBeCloseTo(-1, 10);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNull();
  });
});

describe('curve similarity ranking', () => {
  it('the dependency whose latency moves like the symptom ranks first, a flat one last', () => {
    const symptom = { latency: wave(40), errorRate: Array.from({ length: 40 }, () => 0) };
    const ranked = rankBySimilarity(symptom, [
      { name: 'flat', latency: Array.from({ length: 40 }, (_, i) => 5 + Math.cos(i * 3)), errorRate: [] },
      { name: 'cause', latency: wave(40).map((v) => v * 0.8), errorRate: [] },
      { name: 'inverse', latency: wave(40).map((v) => 100 - v), errorRate: [] },
    ]);
    expect(ranked.map((r) => r.name)).toEqual(['cause', 'flat', 'inverse']);
    expect(ranked[0]?.score).toBeGreaterThan(0.99);
    expect(ranked[2]?.score).toBeLessThan(-0.5);
  });

  it('tolerates a one-minute lag (rollup minutes straddling a boundary)', () => {
    const r = laggedCorrelation(wave(40), wave(40, 1), 1);
    expect(r?.r).toBeGreaterThan(0.99);
    expect(r?.lag).toBe(-1);
    expect(laggedCorrelation(wave(40), wave(40, 1), 0)?.r ?? 0).toBeLessThan(r?.r ?? 0);
  });

  it('an error curve can be the better match', () => {
    const errs = Array.from({ length: 40 }, (_, i) => (i >= 25 ? 0.4 : 0.01 * (i % 3)));
    const ranked = rankBySimilarity({ latency: wave(40), errorRate: errs }, [
      {
        name: 'failing',
        latency: Array.from({ length: 40 }, (_, i) => 5 + Math.cos(i * 3)),
        errorRate: errs,
      },
    ]);
    expect(ranked[0]).toMatchObject({ name: 'failing', curve: 'errors' });
  });
});
