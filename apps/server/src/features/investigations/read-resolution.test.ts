import { describe, expect, it } from 'vitest';
import { coarseWindow, FINE_RANGE_MS, minutesOf, RECENT_MS } from './read-resolution.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A time on a 5-minute boundary. */
const T = Date.UTC(2026, 11, 7, 23, 30);

describe('read resolution', () => {
  it('reads ranges up to 4 h every minute', () => {
    expect(coarseWindow(T - HOUR, T)).toBeUndefined();
    expect(coarseWindow(T - FINE_RANGE_MS, T)).toBeUndefined();
    expect(minutesOf(T / 1000, undefined)).toBe(1);
  });

  it('reads a longer range’s far past in whole 5-minute buckets, its last 3 h and the lookback per minute', () => {
    expect(coarseWindow(T - 24 * HOUR, T)).toEqual({ fromMs: T - 24 * HOUR, toMs: T - RECENT_MS });
    // Not on a boundary: rounded inwards, so a bucket never covers a minute outside the window.
    const from = T - 24 * HOUR + 2 * MINUTE;
    const to = T + 2 * MINUTE;
    expect(coarseWindow(from, to)).toEqual({ fromMs: T - 24 * HOUR + 5 * MINUTE, toMs: T - RECENT_MS });
    // Just over 4 h: one hour of buckets.
    expect(coarseWindow(T - 4 * HOUR - 5 * MINUTE, T)).toEqual({
      fromMs: T - 4 * HOUR - 5 * MINUTE,
      toMs: T - RECENT_MS,
    });
  });

  it('counts a bucket’s minutes inside the window and one minute outside it', () => {
    const w = { fromMs: T - 10 * HOUR, toMs: T - RECENT_MS };
    expect(minutesOf((T - 10 * HOUR) / 1000, w)).toBe(5);
    expect(minutesOf((T - RECENT_MS - 5 * MINUTE) / 1000, w)).toBe(5);
    expect(minutesOf((T - RECENT_MS) / 1000, w)).toBe(1);
    expect(minutesOf((T - 10 * HOUR - MINUTE) / 1000, w)).toBe(1);
  });
});
