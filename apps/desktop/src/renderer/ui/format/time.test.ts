import { describe, expect, it } from 'vitest';
import { formatAge, formatAgo, formatClock, formatExactTime } from './time.ts';

describe('time formatting', () => {
  const at = Date.UTC(2026, 11, 7, 12, 3, 5);
  it('shows wall clock and exact time in the given zone', () => {
    expect(formatClock(at, 'UTC')).toBe('12:03');
    expect(formatExactTime(at, 'UTC')).toBe('2026-12-07 12:03:05 UTC');
  });
  it.each([
    [3_000, 'just now'],
    [30_000, '30 s'],
    [4 * 60_000, '4 min'],
    [3 * 3_600_000, '3 h'],
    [3 * 86_400_000, '3 d'],
  ])('age %d ms → %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
  it('says ago', () => {
    expect(formatAgo(at - 4 * 60_000, at)).toBe('4 min ago');
  });
});
