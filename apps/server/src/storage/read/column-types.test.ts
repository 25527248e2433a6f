import { describe, expect, it } from 'vitest';
import {
  array,
  attributeList,
  attributeListSql,
  attributeListsSql,
  bool,
  DecodeProblem,
  describe as describeValue,
  float64,
  int32,
  int64,
  int64Number,
  nullable,
  string,
  uint16,
  uint32,
  uint64,
  uint64Number,
  uint8,
} from './column-types.ts';
import type { ColumnType } from './column-types.ts';

/** The problem message a decoder throws for `value`. */
function problemOf<T>(type: ColumnType<T>, value: unknown): string {
  try {
    type.decode(value);
  } catch (err) {
    if (err instanceof DecodeProblem) return `${err.path.map((i) => `[${i}]`).join('')}${err.message}`;
    throw err;
  }
  throw new Error(`${JSON.stringify(value)} decoded as ${type.expected}`);
}

describe('column types', () => {
  it('String: a JSON string, nothing else', () => {
    expect(string.decode('')).toBe('');
    expect(string.decode('checkout')).toBe('checkout');
    expect(problemOf(string, 3)).toBe('expected String, got number 3');
    expect(problemOf(string, null)).toBe('expected String, got null');
  });

  it('Bool: true or false', () => {
    expect(bool.decode(true)).toBe(true);
    expect(bool.decode(false)).toBe(false);
    expect(problemOf(bool, 1)).toBe('expected Bool, got number 1');
  });

  it('small integers: JSON numbers within the type', () => {
    expect(uint8.decode(255)).toBe(255);
    expect(problemOf(uint8, 256)).toBe('expected UInt8, got number 256');
    expect(problemOf(uint8, -1)).toBe('expected UInt8, got number -1');
    expect(problemOf(uint8, 1.5)).toBe('expected UInt8, got number 1.5');
    expect(problemOf(uint8, '1')).toBe('expected UInt8, got string "1"');
    expect(uint16.decode(65_535)).toBe(65_535);
    expect(uint32.decode(4_294_967_295)).toBe(4_294_967_295);
    expect(problemOf(uint32, 4_294_967_296)).toBe('expected UInt32, got number 4294967296');
    expect(int32.decode(-2_147_483_648)).toBe(-2_147_483_648);
  });

  it('Float64: numbers, and nan / inf / -inf as the engine quotes them', () => {
    expect(float64.decode(1.5)).toBe(1.5);
    expect(float64.decode('nan')).toBeNaN();
    expect(float64.decode('inf')).toBe(Infinity);
    expect(float64.decode('-inf')).toBe(-Infinity);
    expect(problemOf(float64, '1.5')).toBe('expected Float64, got string "1.5"');
    expect(problemOf(float64, null)).toBe('expected Float64, got null');
  });

  it('UInt64 and Int64 as bigint: exact decimal strings within range', () => {
    expect(uint64.decode('18446744073709551615')).toBe(18_446_744_073_709_551_615n);
    expect(uint64.decode('0')).toBe(0n);
    expect(problemOf(uint64, 3)).toBe('expected UInt64 (a decimal string), got number 3');
    expect(problemOf(uint64, '18446744073709551616')).toMatch(/^expected UInt64/);
    expect(problemOf(uint64, '-1')).toMatch(/^expected UInt64/);
    expect(problemOf(uint64, '1e3')).toMatch(/^expected UInt64/);
    expect(problemOf(uint64, '')).toMatch(/^expected UInt64/);
    expect(int64.decode('-9223372036854775808')).toBe(-9_223_372_036_854_775_808n);
    expect(int64.decode('1700000000123456789')).toBe(1_700_000_000_123_456_789n);
    expect(problemOf(int64, '9223372036854775808')).toMatch(/^expected Int64/);
  });

  it('UInt64 and Int64 as numbers only up to 2^53 - 1: a larger value is a problem, never rounded', () => {
    expect(uint64Number.decode('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(problemOf(uint64Number, '9007199254740993')).toBe(
      'expected UInt64 (a decimal string of at most 2^53 - 1), got string "9007199254740993"',
    );
    expect(int64Number.decode('-1700000000000')).toBe(-1_700_000_000_000);
    expect(problemOf(int64Number, 5)).toMatch(/^expected Int64/);
  });

  it('Nullable: null, or the inner type', () => {
    const type = nullable(float64);
    expect(type.decode(null)).toBeNull();
    expect(type.decode(2)).toBe(2);
    expect(type.expected).toBe('Nullable(Float64)');
    expect(type.stored).toEqual(['Nullable(Float64)']);
    expect(problemOf(type, 'x')).toBe('expected Float64, got string "x"');
  });

  it('Array: every element decoded; a bad one is named by its index', () => {
    const type = array(uint64);
    expect(type.decode(['1', '2'])).toEqual([1n, 2n]);
    expect(type.decode([])).toEqual([]);
    expect(problemOf(type, ['1', 2])).toBe('[1]expected UInt64 (a decimal string), got number 2');
    expect(problemOf(type, '1')).toBe('expected Array(UInt64 (a decimal string)), got string "1"');
    expect(problemOf(array(array(string)), [[], ['a', 1]])).toBe('[1][1]expected String, got number 1');
    expect(array(string).stored).toEqual(['Array(String)', 'Array(LowCardinality(String))']);
  });

  it('attributeList: [key, value] string pairs in stored order, user keys kept as data', () => {
    const pairs = [
      ['__proto__', 'x'],
      ['b', ''],
    ];
    expect(attributeList.decode(pairs)).toEqual(pairs);
    expect(attributeList.decode([])).toEqual([]);
    expect(problemOf(attributeList, { a: 'b' })).toBe('expected Array(Tuple(String, String)), got an object');
    expect(problemOf(attributeList, [['a', 'b'], ['c']])).toBe(
      '[1]expected Tuple(String, String), got an array of 1',
    );
    expect(problemOf(array(attributeList), [[['a', 1]]])).toBe(
      '[0][0]expected Tuple(String, String), got an array of 2',
    );
  });

  it('reads maps as pair lists in SQL', () => {
    expect(attributeListSql('labels')).toBe("CAST(labels, 'Array(Tuple(String, String))')");
    expect(attributeListsSql('event_attributes')).toBe(
      "arrayMap(m -> CAST(m, 'Array(Tuple(String, String))'), event_attributes)",
    );
  });

  it('shows a value briefly', () => {
    expect(describeValue(undefined)).toBe('nothing (the column is missing)');
    expect(describeValue('x'.repeat(100))).toBe(`string "${'x'.repeat(39)}…`);
    expect(describeValue(true)).toBe('boolean true');
  });
});
