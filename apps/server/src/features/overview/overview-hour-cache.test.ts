import { describe, expect, it } from 'vitest';
import { fingerprintOf, NO_ROWS, RedHourCache } from './overview-hour-cache.ts';
import type { RedCell } from './overview-hour-cache.ts';

const cell = (service: string, requests: number): RedCell => ({
  service,
  cluster: 'c',
  requests,
  failed: 0,
  sumMs: requests * 10,
  buckets: [requests, 0],
});

describe('RedHourCache', () => {
  it('answers only for the fingerprint an hour was cached with', () => {
    const cache = new RedHourCache();
    const cells = [cell('a', 5)];
    cache.set(3600, fingerprintOf({ requests: 5, failed: 0 }), cells);
    expect(cache.get(3600, '5/0')).toBe(cells);
    // One more request in the hour (a late flush): its counts differ, so it is read again.
    expect(cache.get(3600, fingerprintOf({ requests: 6, failed: 0 }))).toBeUndefined();
    expect(cache.get(7200, NO_ROWS)).toBeUndefined();
    cache.set(7200, NO_ROWS, []);
    expect(cache.get(7200, NO_ROWS)).toEqual([]);
  });

  it('keeps at most maxCells cells, dropping the least recently used hours first', () => {
    const cache = new RedHourCache(4);
    cache.set(0, 'x', [cell('a', 1), cell('b', 1)]);
    cache.set(3600, 'y', [cell('a', 2)]);
    expect(cache.get(0, 'x')).toHaveLength(2); // hour 0 is now the most recently used
    cache.set(7200, 'z', [cell('a', 3), cell('b', 3)]);
    expect(cache.size).toBe(2);
    expect(cache.get(3600, 'y')).toBeUndefined();
    expect(cache.get(0, 'x')).toHaveLength(2);
    // Replacing an hour counts its new cells, not both.
    cache.set(0, 'x2', [cell('a', 4)]);
    cache.set(10_800, 'w', [cell('a', 5)]);
    expect([cache.get(0, 'x2'), cache.get(7200, 'z'), cache.get(10_800, 'w')].map((c) => c?.length)).toEqual([
      1, 2, 1,
    ]);
  });
});
