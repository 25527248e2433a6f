/**
 * detectOnset walks sliding baseline windows (baseline-window.ts) instead of sorting each minute's baseline
 * afresh. These tests hold it to the simple algorithm it replaced, kept here as the reference: on many
 * generated series (steps, episodes that end, spikes, gaps, ties, flat zeros, both directions, the real
 * callers' options) both give the same onset, equal in every field.
 */
import { describe, expect, it } from 'vitest';
import { BaselineWindow } from './baseline-window.ts';
import { detectOnset, shiftAt, type Onset, type OnsetOptions } from './onset.ts';
import { ERROR_RATE_OPTIONS, LATENCY_OPTIONS } from './service-view.ts';
import { mad, median, present, type Series } from './stats.ts';

// ---- The reference: detectOnset as it was, one sorted baseline per candidate minute. ----

interface RefBaseline {
  values: number[];
  center: number;
  scale: number;
}

function refResolved(o: OnsetOptions) {
  return {
    minBaseline: o.minBaseline ?? 5,
    z: o.z ?? 4,
    minRelative: o.minRelative ?? 0.25,
    minAbsolute: o.minAbsolute ?? 0,
    sign: o.direction === 'down' ? -1 : 1,
  };
}
type RefResolved = ReturnType<typeof refResolved>;

function refBaselineOver(values: Series, index: number, minutes: number, r: RefResolved): RefBaseline | null {
  const base = present(values.slice(Math.max(0, index - minutes), index));
  if (base.length === 0) return null;
  const center = median(base) ?? 0;
  const scale = Math.max(mad(base, center), Math.abs(center) * 0.05, r.minAbsolute / 3, 1e-9);
  return { values: base, center, scale };
}

function refBaselineAt(values: Series, index: number, r: RefResolved): RefBaseline | null {
  const hour = refBaselineOver(values, index, 60, r);
  const recent = refBaselineOver(values, index, 10, r);
  if (hour === null || recent === null || recent.values.length < r.minBaseline) return hour;
  const hourShift = r.sign * (hour.center - recent.center);
  if (hourShift / recent.scale >= r.z && hourShift >= r.minAbsolute) return recent;
  return recent.scale < hour.scale && hourShift >= 0 ? recent : hour;
}

function referenceOnset(values: Series, o: OnsetOptions = {}): Onset | null {
  const r = refResolved(o);
  let found: Onset | null = null;
  for (let i = 0; i < values.length; i++) {
    const base = refBaselineAt(values, i, r);
    if (base === null || base.values.length < r.minBaseline) continue;
    const { center: b, scale } = base;
    const abnormal = (v: number | null | undefined): boolean => {
      if (v === null || v === undefined) return false;
      const dev = r.sign * (v - b);
      return dev / scale >= r.z && dev >= r.minAbsolute && dev >= r.minRelative * Math.abs(b);
    };
    if (!abnormal(values[i])) continue;
    let p = i - 1;
    while (p >= 0 && values[p] === null) p--;
    if (p >= 0 && abnormal(values[p])) continue;
    const next = values.slice(i, i + 3).filter((v) => v !== null);
    const hits = next.filter(abnormal).length;
    const sustained =
      next.length >= 3
        ? hits >= 2
        : next.length >= 2
          ? hits === next.length
          : (r.sign * ((values[i] ?? 0) - b)) / scale >= 2 * r.z;
    const rest = values.slice(i).filter((v) => v !== null);
    if (!sustained || rest.filter(abnormal).length < 0.6 * rest.length) continue;
    const shift = shiftAt(values, i, o);
    let normal: number | null = null;
    for (let k = i + 1; k < values.length && normal === null; k++)
      if (values[k] !== null && !abnormal(values[k])) normal = k;
    if (shift !== null && shift.strength > 0) found = { index: i, firstNormal: normal, ...shift };
  }
  return found;
}

// ---- Generated series. ----

/** A small deterministic PRNG (mulberry32): the same cases on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A series of `n` minutes: a level with noise, a few episodes (rises or drops, some lasting to the end),
 * single spikes, gaps; rounded to a coarse grid in some cases so that ties are frequent, or all zeros
 * with bursts (an error rate).
 */
function generate(rand: () => number, n: number): (number | null)[] {
  const kind = rand();
  const level = kind < 0.2 ? 0 : 5 + rand() * 200;
  const noise = rand() * 0.3;
  const grid = rand() < 0.4 ? Math.max(0.01, level / (2 + Math.floor(rand() * 20))) : 0;
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) out.push(level * (1 + noise * (rand() * 2 - 1)));
  const episodes = Math.floor(rand() * 4);
  for (let e = 0; e < episodes; e++) {
    const start = Math.floor(rand() * n);
    const end = rand() < 0.5 ? n : Math.min(n, start + 1 + Math.floor(rand() * 80));
    const factor = rand() < 0.2 ? rand() * 0.5 : 1.3 + rand() * 6;
    const add = level === 0 ? 0.02 + rand() * 0.5 : 0;
    for (let i = start; i < end; i++) out[i] = (out[i] ?? 0) * factor + add * (0.8 + 0.4 * rand());
  }
  for (let i = 0; i < n; i++) {
    const v = out[i] ?? 0;
    if (rand() < 0.02) out[i] = v * (3 + rand() * 10) + (level === 0 ? 0.3 : 0);
    if (grid > 0) out[i] = Math.round((out[i] ?? 0) / grid) * grid;
  }
  const gaps = rand() < 0.5 ? 0 : rand() * 0.3;
  for (let i = 0; i < n; i++) if (rand() < gaps) out[i] = null;
  if (rand() < 0.1) for (let i = 0; i < Math.min(n, 40); i++) out[i] = null;
  return out;
}

const OPTIONS: OnsetOptions[] = [
  {},
  LATENCY_OPTIONS,
  ERROR_RATE_OPTIONS,
  { direction: 'down' },
  { minRelative: 0.5, minAbsolute: 1, z: 4 },
  { minBaseline: 3, z: 3 },
];

describe('detectOnset against the reference (one sorted baseline per minute)', () => {
  it('gives the same onset, field for field, on 1,500 generated series', () => {
    const rand = prng(17);
    let onsets = 0;
    let ended = 0;
    for (let c = 0; c < 1500; c++) {
      const n = 1 + Math.floor(rand() * (c % 10 === 0 ? 400 : 150));
      const values = generate(rand, n);
      const o = OPTIONS[c % OPTIONS.length] ?? {};
      const expected = referenceOnset(values, o);
      const got = detectOnset(values, o);
      if (expected !== null) onsets++;
      if (expected?.firstNormal !== null && expected?.firstNormal !== undefined) ended++;
      expect(got, `case ${c} (${n} minutes)`).toEqual(expected);
    }
    // Not a vacuous comparison: many cases have an onset, some of them with a return to normal after it.
    expect(onsets).toBeGreaterThan(300);
    expect(ended).toBeGreaterThan(30);
  });

  it('a day of minutes (1,470) with a fault in the last 20: same onset as the reference', () => {
    const rand = prng(24);
    for (let c = 0; c < 6; c++) {
      // A calm day (noise, single spikes, gaps), then a fault.
      const values = Array.from({ length: 1470 }, (_, i): number | null => {
        if (i >= 1450) return 400 + 40 * rand();
        const v = 20 * (1 + 0.2 * (rand() * 2 - 1));
        return rand() < 0.05 ? null : rand() < 0.01 ? v * 8 : v;
      });
      const expected = referenceOnset(values, LATENCY_OPTIONS);
      expect(expected?.index).toBe(1450);
      expect(detectOnset(values, LATENCY_OPTIONS)).toEqual(expected);
    }
  });
});

describe('BaselineWindow', () => {
  it('has, at every minute, the median and MAD that stats.ts computes from the sorted window', () => {
    const rand = prng(5);
    for (const minutes of [1, 2, 10, 60]) {
      const values = generate(rand, 300);
      const w = new BaselineWindow(values, minutes);
      for (let i = 0; i < values.length; i++) {
        w.moveTo(i);
        const base = present(values.slice(Math.max(0, i - minutes), i));
        expect(w.count).toBe(base.length);
        if (base.length === 0) continue;
        const center = median(base) ?? 0;
        expect(w.median()).toBe(center);
        expect(w.mad(center)).toBe(mad(base, center));
        // Around any other center too (the MAD's merge starts wherever the center falls).
        expect(w.mad(center * 1.7 + 3)).toBe(mad(base, center * 1.7 + 3));
      }
    }
  });

  it('skips missing and non-finite minutes, as `present` does', () => {
    const w = new BaselineWindow([1, null, Number.NaN, Infinity, 5, 3], 6);
    w.moveTo(6);
    expect(w.count).toBe(3);
    expect(w.median()).toBe(3);
    expect(w.mad(3)).toBe(1.4826 * 2);
  });
});
