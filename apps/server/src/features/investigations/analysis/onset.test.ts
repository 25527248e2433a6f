import { describe, expect, it } from 'vitest';
import { detectOnset, shiftAt, strengthOf } from './onset.ts';

/** A steady series around `level` (±5 %, deterministic), `after` from `at` on. */
function step(n: number, at: number, level: number, after: number): number[] {
  return Array.from({ length: n }, (_, i) => (i < at ? level : after) * (1 + 0.05 * Math.sin(i * 1.7)));
}

describe('detectOnset', () => {
  it('finds a step at its first minute, with the baseline median and the rise', () => {
    const o = detectOnset(step(40, 30, 20, 80));
    expect(o?.index).toBe(30);
    expect(o?.baseline).toBeCloseTo(20, 0);
    expect(o?.after).toBeCloseTo(80, -1);
    expect(o?.strength).toBeGreaterThan(0.8);
  });

  it('works with short history: five quiet minutes are a baseline', () => {
    expect(detectOnset(step(9, 5, 20, 60))?.index).toBe(5);
    // Four quiet minutes are not enough, and minute 5 is inside the episode, not its start.
    expect(detectOnset(step(8, 4, 20, 60))).toBeNull();
  });

  it('ignores a single spike and plain noise', () => {
    const spiky = step(40, 99, 20, 20);
    spiky[25] = 200;
    expect(detectOnset(spiky)).toBeNull();
    expect(detectOnset(step(40, 99, 20, 20))).toBeNull();
  });

  it('a flat baseline (zero errors) does not make a tiny rise infinite: the absolute floor holds', () => {
    const rates = Array.from({ length: 40 }, (_, i) => (i >= 30 ? 0.01 : 0));
    expect(detectOnset(rates, { minAbsolute: 0.03 })).toBeNull();
    const burst = Array.from({ length: 40 }, (_, i) => (i >= 30 ? 0.3 : 0));
    expect(detectOnset(burst, { minAbsolute: 0.03 })?.index).toBe(30);
  });

  it('answers within two minutes: two abnormal last minutes are an onset, a lone one only if extreme', () => {
    expect(detectOnset(step(32, 30, 20, 60))?.index).toBe(30);
    expect(detectOnset(step(31, 30, 20, 25))).toBeNull();
    expect(detectOnset(step(31, 30, 20, 200))?.index).toBe(30);
  });

  it('an earlier episode that ended is not the onset: the one that lasts to the end is', () => {
    const s = step(40, 30, 20, 80);
    for (let i = 10; i < 15; i++) s[i] = 90;
    expect(detectOnset(s)?.index).toBe(30);
  });

  it('a sequence of faults: the latest episode that lasts is the onset, even when the earlier ones left the series high', () => {
    const s = step(60, 99, 20, 20);
    for (let i = 10; i < 20; i++) s[i] = 80;
    for (let i = 25; i < 35; i++) s[i] = 70;
    for (let i = 50; i < 60; i++) s[i] = 90;
    expect(detectOnset(s)?.index).toBe(50);
  });

  it('an earlier episode that filled most of the hour: the minutes since it ended are the baseline', () => {
    // 40 of the 55 minutes before the new fault at 80: the hour's median is the old fault's level.
    const s = step(60, 99, 20, 20);
    for (let i = 0; i < 40; i++) s[i] = 80 * (1 + 0.05 * Math.sin(i));
    for (let i = 55; i < 60; i++) s[i] = 80;
    const o = detectOnset(s);
    expect(o?.index).toBe(55);
    expect(o?.baseline).toBeCloseTo(20, 0);
    expect(o?.strength).toBeGreaterThan(0.8);
    // Without enough recent minutes (fewer than five since the old episode) the hour stays the baseline.
    const young = step(60, 99, 20, 20);
    for (let i = 0; i < 52; i++) young[i] = 80;
    for (let i = 55; i < 60; i++) young[i] = 80;
    expect(detectOnset(young)).toBeNull();
  });

  it('an hour widened by earlier faults gives way to the calmer last ten minutes (live: pool exhaustion in orders)', () => {
    // orders' average latency (ms) per minute, 20:12–21:11 of a benchmark run: five earlier faults
    // elsewhere left spikes in its hour; the pool of one connection started holding requests at 21:09:23.
    const live = [
      25.1, 20.5, 25.5, 32.1, 35.3, 30.2, 30.2, 32.3, 39.8, 31.6, 37.9, 610.1, 606.1, 18.2, 18.3, 19.3, 328.6,
      227.3, 30.1, 20.4, 25.3, 386.0, 396.9, 109.4, 24.3, 29.8, 13.2, 19.0, 13.1, 15.4, 17.5, 129.0, 1285.7,
      1155.6, 24.6, 19.4, 79.4, 158.8, 112.4, 22.3, 17.4, 24.4, 59.6, 60.2, 27.8, 17.9, 15.2, 18.7, 21.5,
      29.0, 25.0, 22.1, 23.1, 30.4, 18.1, 19.9, 11.5, 17.1, 58.2, 43.8,
    ];
    const o = detectOnset(live, { minAbsolute: 10, minRelative: 0.3, z: 4 });
    expect(o?.index).toBe(58);
    expect(o?.baseline).toBeCloseTo(21.8, 0);
    // The same ten calm minutes after a calm hour change nothing: the hour stays the baseline.
    const calm = [...Array.from({ length: 48 }, (_, i) => 22 + 4 * Math.sin(i)), ...live.slice(48)];
    expect(detectOnset(calm, { minAbsolute: 10, minRelative: 0.3, z: 4 })?.index).toBe(58);
  });

  it('skips missing minutes rather than reading them as zero', () => {
    const s: (number | null)[] = step(40, 30, 20, 80);
    s[10] = null;
    s[31] = null;
    expect(detectOnset(s)?.index).toBe(30);
  });

  it('direction down finds a drop (throughput)', () => {
    expect(detectOnset(step(40, 30, 100, 20), { direction: 'down' })?.index).toBe(30);
    expect(detectOnset(step(40, 30, 100, 20))).toBeNull();
  });
});

describe('shiftAt and strengthOf', () => {
  it('a shift below the relative floor has strength 0', () => {
    expect(shiftAt(step(40, 30, 20, 22), 30)?.strength).toBe(0);
    expect(shiftAt(step(40, 30, 20, 60), 30)?.strength).toBeGreaterThan(0.7);
  });

  it('a shift whose last two minutes are back to normal has ended: half the strength', () => {
    const going = step(40, 30, 20, 60);
    const over = [...going];
    over[38] = 20;
    over[39] = 21;
    const still = shiftAt(going, 30);
    const ended = shiftAt(over, 30);
    expect(still?.ended).toBe(false);
    expect(ended?.ended).toBe(true);
    expect(ended?.strength).toBeCloseTo((still?.strength ?? 0) / 2, 2);
    // One normal last minute is not an end (a partial minute may be), nor is a shift only two minutes old.
    over[38] = 60;
    expect(shiftAt(over, 30)?.ended).toBe(false);
    expect(shiftAt([20, 21, 20, 19, 20, 20, 60, 20], 6)?.ended).toBe(false);
    expect(shiftAt([20, 21, 20, 19, 20, 20, 60, 20, 20], 6)?.ended).toBe(true);
  });

  it('strength grows with z and with the relative change, within 0…1', () => {
    expect(strengthOf(4, 0.25)).toBeLessThan(0.45);
    expect(strengthOf(8, 0.5)).toBeGreaterThan(0.55);
    expect(strengthOf(100, 10)).toBeLessThanOrEqual(1);
    expect(strengthOf(12, 1)).toBeGreaterThan(strengthOf(8, 0.5));
  });
});
