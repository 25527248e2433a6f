/**
 * The types a read can declare for a selected column, and how each one is decoded from a JSONEachRow row.
 * Every read runs with `output_format_json_quote_64bit_integers = 1` (64-bit integers arrive as decimal
 * strings, exact) and `output_format_json_quote_denormals = 1` (nan and ±inf arrive as "nan", "inf",
 * "-inf" rather than as null, so a Float64 is always a number). A decoder returns the value or throws a
 * DecodeProblem; the row decoder adds the query and the column to it. Plain functions rather than a schema
 * library: a trace read decodes 10,000 wide rows, and these cost about a tenth of zod's (measured in
 * read-query.ts).
 */

/** What a decoder found instead of what it expected; `path` is where inside the value (array indexes). */
export class DecodeProblem extends Error {
  override readonly name = 'DecodeProblem';
  readonly expected: string;
  readonly got: unknown;
  /** Array indexes from the column's value down to the value that failed. */
  readonly path: number[] = [];
  constructor(expected: string, got: unknown) {
    super(`expected ${expected}, got ${describe(got)}`);
    this.expected = expected;
    this.got = got;
  }
}

export interface ColumnType<T> {
  /** How the type is named in a problem: `UInt64 (a decimal string)`. */
  readonly expected: string;
  /**
   * The stored ClickHouse types a column of this type may be read from as is (a read of a stored column
   * is checked against its table definition); empty when the type only comes from an expression.
   */
  readonly stored: readonly string[];
  readonly decode: (value: unknown) => T;
}

const MAX_SHOWN = 40;

/** A value as a problem shows it: its JSON type and a short excerpt. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing (the column is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    text = String(value);
  else return typeof value === 'object' ? 'an object' : typeof value;
  return `${typeof value} ${text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text}`;
}

function columnType<T>(
  expected: string,
  stored: readonly string[],
  decode: (v: unknown) => T,
): ColumnType<T> {
  return Object.freeze({ expected, stored: Object.freeze([...stored]), decode });
}

export const string = columnType('String', ['String', 'LowCardinality(String)'], (v) => {
  if (typeof v === 'string') return v;
  throw new DecodeProblem('String', v);
});

export const bool = columnType('Bool', ['Bool'], (v) => {
  if (typeof v === 'boolean') return v;
  throw new DecodeProblem('Bool', v);
});

/** An integer type up to 32 bits: a JSON number within the type's range. */
function smallInt(name: string, min: number, max: number): ColumnType<number> {
  return columnType(name, [name], (v) => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
    throw new DecodeProblem(name, v);
  });
}

export const uint8 = smallInt('UInt8', 0, 0xff);
export const uint16 = smallInt('UInt16', 0, 0xffff);
export const uint32 = smallInt('UInt32', 0, 0xffff_ffff);
export const int32 = smallInt('Int32', -0x8000_0000, 0x7fff_ffff);

const NON_FINITE: Readonly<Record<string, number>> = {
  nan: NaN,
  '-nan': NaN,
  inf: Infinity,
  '-inf': -Infinity,
};

/** A Float64: a JSON number, or nan / inf / -inf as quoted words (see the settings above). */
export const float64 = columnType('Float64', ['Float64'], (v) => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const special = NON_FINITE[v];
    if (special !== undefined) return special;
  }
  throw new DecodeProblem('Float64', v);
});

const UINT64_MAX = 18_446_744_073_709_551_615n;
const INT64_MIN = -9_223_372_036_854_775_808n;
const INT64_MAX = 9_223_372_036_854_775_807n;
const UNSIGNED = /^\d{1,20}$/;
const SIGNED = /^-?\d{1,19}$/;

function wideInt(name: string, pattern: RegExp, min: bigint, max: bigint): ColumnType<bigint> {
  const expected = `${name} (a decimal string)`;
  return columnType(expected, [name], (v) => {
    if (typeof v === 'string' && pattern.test(v)) {
      const n = BigInt(v);
      if (n >= min && n <= max) return n;
    }
    throw new DecodeProblem(expected, v);
  });
}

/** A UInt64, exact, as a bigint. */
export const uint64 = wideInt('UInt64', UNSIGNED, 0n, UINT64_MAX);
/** An Int64, exact, as a bigint (e.g. nanoseconds since the epoch). */
export const int64 = wideInt('Int64', SIGNED, INT64_MIN, INT64_MAX);

function safeInt(name: string, pattern: RegExp): ColumnType<number> {
  const expected = `${name} (a decimal string of at most 2^53 - 1)`;
  return columnType(expected, [name], (v) => {
    if (typeof v === 'string' && pattern.test(v)) {
      const n = Number(v);
      if (Number.isSafeInteger(n)) return n;
    }
    throw new DecodeProblem(expected, v);
  });
}

/**
 * A UInt64 as a number, for values that stay far below 2^53: counts of rows, sums of counts, epoch
 * milliseconds. A larger value is a problem, never a rounded number.
 */
export const uint64Number = safeInt('UInt64', UNSIGNED);
/** An Int64 as a number, under the same bound: epoch milliseconds. */
export const int64Number = safeInt('Int64', SIGNED);

export function nullable<T>(inner: ColumnType<T>): ColumnType<T | null> {
  return columnType(
    `Nullable(${inner.expected})`,
    inner.stored.map((s) => `Nullable(${s})`),
    (v) => (v === null ? null : inner.decode(v)),
  );
}

export function array<T>(element: ColumnType<T>): ColumnType<T[]> {
  const expected = `Array(${element.expected})`;
  return columnType(
    expected,
    element.stored.map((s) => `Array(${s})`),
    (v) => {
      if (!Array.isArray(v)) throw new DecodeProblem(expected, v);
      const out: T[] = new Array<T>(v.length);
      let i = 0;
      try {
        for (; i < v.length; i++) out[i] = element.decode(v[i]);
      } catch (err) {
        if (err instanceof DecodeProblem) err.path.unshift(i);
        throw err;
      }
      return out;
    },
  );
}

/**
 * A `Map(…String, String)` read as `[key, value]` pairs in stored order (an AttributeList), through
 * `attributeListSql`. Keys are user data: as object keys, `__proto__` or `constructor` would break the
 * API's serializer and mislead plain-object code, so a map never arrives as a JSON object.
 */
export const attributeList = columnType<[string, string][]>('Array(Tuple(String, String))', [], (v) => {
  if (!Array.isArray(v)) throw new DecodeProblem('Array(Tuple(String, String))', v);
  const list: unknown[] = v;
  if (list.every(isStringPair)) return list;
  const at = list.findIndex((p) => !isStringPair(p));
  const problem = new DecodeProblem('Tuple(String, String)', list[at]);
  problem.path.push(at);
  throw problem;
});

function isStringPair(p: unknown): p is [string, string] {
  return Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string';
}

/** The SQL that reads a `Map(…String, String)` column or expression as an attributeList. */
export const attributeListSql = (mapSql: string): string => `CAST(${mapSql}, 'Array(Tuple(String, String))')`;

/** The same for an `Array(Map(…))` (span events' and links' attributes); CAST does not nest into arrays. */
export const attributeListsSql = (arraySql: string): string =>
  `arrayMap(m -> ${attributeListSql('m')}, ${arraySql})`;
