import { describe, expect, it } from 'vitest';
import { describeTimeRange, parseTimeEnd, parseTimeRange, resolveTimeRange } from './time-range.ts';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

describe('time range in the URL', () => {
  it('keeps relative ends relative and absolute ends as ms', () => {
    expect(parseTimeEnd('now-1h')).toBe('now-1h');
    expect(parseTimeEnd('now')).toBe('now');
    expect(parseTimeEnd(1733500000000)).toBe('1733500000000');
    expect(parseTimeEnd('2026-12-07T11:00:00Z')).toBe(String(Date.UTC(2026, 11, 7, 11)));
  });

  it('falls back to the last hour for unreadable values instead of failing the page', () => {
    expect(parseTimeRange({ from: 'yesterday-ish', to: 'now' })).toEqual({ from: 'now-1h', to: 'now' });
    expect(parseTimeRange({})).toEqual({ from: 'now-1h', to: 'now' });
    expect(parseTimeEnd('now-1y')).toBeNull();
  });

  it('resolves relative ends against the clock it is given', () => {
    expect(resolveTimeRange({ from: 'now-15m', to: 'now' }, NOW)).toEqual({
      fromMs: NOW - 15 * 60_000,
      toMs: NOW,
    });
    expect(resolveTimeRange({ from: 'now-7d', to: 'now-1d' }, NOW).fromMs).toBe(NOW - 7 * 86_400_000);
  });

  it('never returns an empty range', () => {
    expect(resolveTimeRange({ from: String(NOW), to: String(NOW - 5) }, NOW)).toEqual({
      fromMs: NOW - 5 - 3_600_000,
      toMs: NOW - 5,
    });
  });

  it('describes presets by name and absolute ranges in the given zone', () => {
    expect(describeTimeRange({ from: 'now-6h', to: 'now' })).toBe('Last 6 hours');
    expect(describeTimeRange({ from: String(NOW - 3_600_000), to: String(NOW) }, 'UTC')).toBe(
      '7 Dec, 11:00 → 7 Dec, 12:00',
    );
  });
});
