import { describe, expect, it } from 'vitest';
import { formatUptime } from './format-uptime.ts';

describe('formatUptime', () => {
  it.each([
    [0, '0s'],
    [42.9, '42s'],
    [61, '1m 1s'],
    [3_600 * 2 + 5 * 60 + 9, '2h 5m'],
    [86_400 * 3 + 3_600 * 4 + 59, '3d 4h'],
    [-5, '0s'],
  ])('%d seconds → %s', (seconds, text) => {
    expect(formatUptime(seconds)).toBe(text);
  });
});
