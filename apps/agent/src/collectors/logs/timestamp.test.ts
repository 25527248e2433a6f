import { describe, expect, it } from 'vitest';
import { epochDigitsToNanos, epochToNanos, IsoTimestampParser } from './timestamp.ts';

const nanos = (iso: string, extraNanos = 0n): bigint => BigInt(Date.parse(iso)) * 1_000_000n + extraNanos;

describe('ISO timestamps', () => {
  const cases: [string, bigint][] = [
    ['2024-05-01T10:00:00Z', nanos('2024-05-01T10:00:00Z')],
    ['2024-05-01T10:00:00.123Z', nanos('2024-05-01T10:00:00.123Z')],
    ['2024-05-01T10:00:00.123456789Z', nanos('2024-05-01T10:00:00.123Z', 456_789n)],
    // Digits past nanoseconds are dropped, not rounded into the next second.
    ['2024-05-01T10:00:00.9999999999Z', nanos('2024-05-01T10:00:00.999Z', 999_999n)],
    ['2024-05-01 10:00:00,5', nanos('2024-05-01T10:00:00.500Z')],
    ['2024-05-01T10:00:00+02:00', nanos('2024-05-01T08:00:00Z')],
    ['2024-05-01T10:00:00-0530', nanos('2024-05-01T15:30:00Z')],
    ['2024-05-01t10:00:00.1z', nanos('2024-05-01T10:00:00.100Z')],
    // No zone: UTC.
    ['2024-05-01T10:00:00', nanos('2024-05-01T10:00:00Z')],
    ['2024-02-29T23:59:60Z', nanos('2024-03-01T00:00:00Z')],
  ];
  for (const [text, expected] of cases) {
    it(`parses ${text}`, () => {
      const parser = new IsoTimestampParser();
      expect(parser.parse(text, 0)).toBe(expected);
      expect(parser.end).toBe(text.length);
    });
  }

  it('stops at the end of the timestamp and reports where', () => {
    const parser = new IsoTimestampParser();
    const line = '2024-05-01T10:00:00.250Z INFO started';
    expect(parser.parse(line, 0)).toBe(nanos('2024-05-01T10:00:00.250Z'));
    expect(line.slice(parser.end)).toBe(' INFO started');
  });

  it('parses at an offset (a bracketed timestamp)', () => {
    const parser = new IsoTimestampParser();
    expect(parser.parse('[2024-05-01 10:00:00] x', 1)).toBe(nanos('2024-05-01T10:00:00Z'));
    expect(parser.end).toBe(20);
  });

  it('refuses impossible dates instead of rolling them over', () => {
    const parser = new IsoTimestampParser();
    for (const text of [
      '2023-02-29T10:00:00Z',
      '2024-13-01T10:00:00Z',
      '2024-04-31T10:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T10:60:00Z',
      '2024-05-01T10:00:61Z',
      '2024-05-01X10:00:00Z',
      '2024-05-01T10:00',
      'hello world, not a time',
    ]) {
      expect(parser.parse(text, 0), text).toBeUndefined();
    }
  });

  it('uses the cached minute only when the minute matches', () => {
    const parser = new IsoTimestampParser();
    expect(parser.parse('2024-05-01T10:00:30Z', 0)).toBe(nanos('2024-05-01T10:00:30Z'));
    expect(parser.parse('2024-05-01T10:00:45.5Z', 0)).toBe(nanos('2024-05-01T10:00:45.500Z'));
    expect(parser.parse('2024-05-01T10:01:00Z', 0)).toBe(nanos('2024-05-01T10:01:00Z'));
    expect(parser.parse('2024-05-01T10:00:30Z', 0)).toBe(nanos('2024-05-01T10:00:30Z'));
  });
});

describe('epoch numbers', () => {
  it('guesses seconds, milliseconds, microseconds and nanoseconds from the magnitude', () => {
    expect(epochToNanos(1_700_000_000)).toBe(1_700_000_000_000_000_000n);
    expect(epochToNanos(1_700_000_000.25)).toBe(1_700_000_000_250_000_000n);
    expect(epochToNanos(1_700_000_000_123)).toBe(1_700_000_000_123_000_000n);
    expect(epochToNanos(1_700_000_000_123_456)).toBe(1_700_000_000_123_456_000n);
    expect(epochToNanos(0)).toBeUndefined();
    expect(epochToNanos(-5)).toBeUndefined();
    expect(epochToNanos(Number.NaN)).toBeUndefined();
  });

  it('keeps every digit of an epoch written out', () => {
    expect(epochDigitsToNanos('1700000000123456789')).toBe(1_700_000_000_123_456_789n);
    expect(epochDigitsToNanos('1700000000.123456789')).toBe(1_700_000_000_123_456_789n);
    expect(epochDigitsToNanos('1700000000123.5')).toBe(1_700_000_000_123_500_000n);
    expect(epochDigitsToNanos('17000x')).toBeUndefined();
    expect(epochDigitsToNanos('0')).toBeUndefined();
  });
});
