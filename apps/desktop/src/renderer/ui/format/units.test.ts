import { describe, expect, it } from 'vitest';
import { formatChangePercent, formatValue } from './units.ts';

describe('formatValue', () => {
  it.each([
    [0.4234, 'ms', '0.423 ms'],
    [12.34, 'ms', '12.3 ms'],
    [1250, 'ms', '1.25 s'],
    [150_000, 'ms', '2.5 min'],
    [2.5, 's', '2.5 s'],
    [0.0004, 'ratio', '0.04 %'],
    [0.25, 'ratio', '25 %'],
    [37.5, 'percent', '37.5 %'],
    [1234, 'reqPerSec', '1.23k req/s'],
    [3.5, 'reqPerSec', '3.5 req/s'],
    [1536, 'bytes', '1.5 KiB'],
    [5_300_000, 'count', '5.3M'],
  ] as const)('%d %s → %s', (value, unit, text) => {
    expect(formatValue(value, unit)).toBe(text);
  });

  it('writes no data as an em dash, never as 0', () => {
    expect(formatValue(null, 'ms')).toBe('—');
    expect(formatValue(Number.NaN, 'ratio')).toBe('—');
  });

  it('keeps more digits for exact (tooltip) values', () => {
    expect(formatValue(12.34567, 'ms', true)).toBe('12.3457 ms');
    expect(formatValue(12345, 'count', true)).toBe('12,345');
  });
});

describe('formatChangePercent', () => {
  it.each([
    [12.4, '+12 %'],
    [-3.44, '−3.4 %'],
    [0.01, '±0 %'],
    [null, '—'],
  ])('%s → %s', (change, text) => {
    expect(formatChangePercent(change)).toBe(text);
  });
});
