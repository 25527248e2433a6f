/**
 * Field readers for OTLP/JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding), the
 * protobuf JSON mapping with OTLP's deviations: ids are hex (not base64), enums are integers (names are
 * accepted too, as protobuf JSON parsers do). Each reader looks a field up by its lowerCamelCase name,
 * then by its proto snake_case name, treats null as absent, and names the field when it fails.
 */
import { decodeBase64 } from './base64.ts';
import { DecodeFailure, emptyStats, fail, item, within } from './decode-failure.ts';
import type { DecodeContext } from './decode-failure.ts';
import { isHex } from './hex.ts';
import { decodeUtf8Body } from './utf8.ts';

export type JsonObject = Record<string, unknown>;

const INTEGER = /^-?\d+$/;

/** A reviver keeping integers beyond 2^53 exact, using the source text ES2025 gives revivers (Node 22+, current browsers). */
function keepLongIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    INTEGER.test(context.source)
  ) {
    return BigInt(context.source);
  }
  return value;
}

/**
 * Signals that a fast parse met an integer field holding a bare JSON number beyond 2^53 (whose digits
 * JSON.parse may have rounded). A DecodeFailure, so it passes the path-adding catch blocks unchanged.
 */
class InexactInteger extends DecodeFailure {}

/** True while decoding a tree parsed with `keepLongIntegers`, where such numbers were kept exact. */
let integersExact = false;

function parseText(text: string, exact: boolean): unknown {
  try {
    return exact ? JSON.parse(text, keepLongIntegers) : JSON.parse(text);
  } catch (error) {
    return fail(`malformed JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Parses an OTLP/JSON body and decodes it with `read`. Bare integers beyond 2^53 are rare (the spec asks
 * for int64 as strings), so the body is parsed the fast way and only parsed again, keeping such numbers
 * exact, when a field turns out to hold one.
 */
export function decodeJsonBody<T>(
  body: Uint8Array | string,
  ctx: DecodeContext,
  read: (root: unknown, ctx: DecodeContext) => T,
): T {
  let text = typeof body === 'string' ? body : decodeUtf8Body(body);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  integersExact = false;
  try {
    return read(parseText(text, false), ctx);
  } catch (error) {
    if (!(error instanceof InexactInteger)) throw error;
  }
  Object.assign(ctx.stats, emptyStats());
  ctx.attributeBytesLeft = Infinity;
  integersExact = true;
  try {
    return read(parseText(text, true), ctx);
  } finally {
    integersExact = false;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return `${typeof value} ${value}`;
  return typeof value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): JsonObject {
  if (!isObject(value)) fail(`expected an object, got ${describe(value)}`);
  return value;
}

function get(o: JsonObject, camel: string, snake: string): unknown {
  const value = o[camel];
  return value === undefined || value === null ? o[snake] : value;
}

/** Runs `read` on a field's value, adding the field's name to the path of any failure. */
function field<T>(o: JsonObject, camel: string, snake: string, fallback: T, read: (value: unknown) => T): T {
  const value = get(o, camel, snake);
  if (value === undefined || value === null) return fallback;
  try {
    return read(value);
  } catch (error) {
    throw within(error, camel);
  }
}

/** A message-typed field, or undefined when absent. */
export function objectField(o: JsonObject, camel: string, snake: string): JsonObject | undefined {
  return field<JsonObject | undefined>(o, camel, snake, undefined, asObject);
}

function arrayField(o: JsonObject, camel: string, snake: string): unknown[] {
  const value = get(o, camel, snake);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw within(new DecodeFailure(`expected an array, got ${describe(value)}`), camel);
  return value;
}

/**
 * A repeated message field: each element decoded by `read`, failures pathed as `name[i]`. Only the first
 * `max` elements are decoded; the caller learns how many there were from `listLength`.
 */
export function listField<T>(
  o: JsonObject,
  camel: string,
  snake: string,
  read: (element: JsonObject) => T,
  max = Infinity,
): T[] {
  return scalarListField(o, camel, snake, (element) => read(asObject(element)), max);
}

/** A repeated field of any element type, at most its first `max` elements. */
export function scalarListField<T>(
  o: JsonObject,
  camel: string,
  snake: string,
  read: (value: unknown) => T,
  max = Infinity,
): T[] {
  const values = arrayField(o, camel, snake);
  const length = Math.min(values.length, max);
  const out = new Array<T>(length);
  for (let i = 0; i < length; i++) {
    try {
      out[i] = read(values[i]);
    } catch (error) {
      throw within(error, item(camel, i));
    }
  }
  return out;
}

/** How many elements a repeated field has (0 when absent). */
export function listLength(o: JsonObject, camel: string, snake: string): number {
  return arrayField(o, camel, snake).length;
}

export function stringField(o: JsonObject, camel: string, snake: string): string {
  return field(o, camel, snake, '', asString);
}

export function asString(value: unknown): string {
  if (typeof value !== 'string') fail(`expected a string, got ${describe(value)}`);
  return value;
}

export function boolField(o: JsonObject, camel: string, snake: string): boolean {
  return field(o, camel, snake, false, asBool);
}

export function asBool(value: unknown): boolean {
  if (typeof value !== 'boolean') fail(`expected true or false, got ${describe(value)}`);
  return value;
}

/** An integer given as a JSON number or a decimal string (protobuf JSON accepts both for every integer type). */
function asInteger(value: unknown, min: bigint, max: bigint, type: string): bigint {
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isInteger(value)) {
    if (!integersExact && !Number.isSafeInteger(value)) throw new InexactInteger('integer beyond 2^53');
    n = BigInt(value);
  } else if (typeof value === 'string' && INTEGER.test(value.trim())) n = BigInt(value.trim());
  else return fail(`expected ${type} as a number or decimal string, got ${describe(value)}`);
  if (n < min || n > max) fail(`${n} is out of range for ${type}`);
  return n;
}

const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

export function asUint64(value: unknown): bigint {
  return asInteger(value, 0n, UINT64_MAX, 'uint64');
}
export function asInt64(value: unknown): bigint {
  return asInteger(value, INT64_MIN, INT64_MAX, 'int64');
}
function asUint32(value: unknown): number {
  return typeof value === 'number' && value >= 0 && value <= 0xffffffff && Number.isInteger(value)
    ? value
    : Number(asInteger(value, 0n, 0xffffffffn, 'uint32'));
}
function asInt32(value: unknown): number {
  return typeof value === 'number' && value >= -0x80000000 && value <= 0x7fffffff && Number.isInteger(value)
    ? value
    : Number(asInteger(value, -0x80000000n, 0x7fffffffn, 'int32'));
}

export function uint64Field(o: JsonObject, camel: string, snake: string): bigint {
  return field(o, camel, snake, 0n, asUint64);
}
export function uint32Field(o: JsonObject, camel: string, snake: string): number {
  return field(o, camel, snake, 0, asUint32);
}
export function int32Field(o: JsonObject, camel: string, snake: string): number {
  return field(o, camel, snake, 0, asInt32);
}

/** A double: a JSON number, or a string holding a number, "NaN", "Infinity" or "-Infinity". */
export function asDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (value === 'NaN') return NaN;
    if (value === 'Infinity') return Infinity;
    if (value === '-Infinity') return -Infinity;
    const trimmed = value.trim();
    const n = Number(trimmed);
    if (trimmed !== '' && !Number.isNaN(n)) return n;
  }
  return fail(`expected a double, got ${describe(value)}`);
}

export function doubleField(o: JsonObject, camel: string, snake: string): number {
  return field(o, camel, snake, 0, asDouble);
}
export function optionalDoubleField(o: JsonObject, camel: string, snake: string): number | undefined {
  return field<number | undefined>(o, camel, snake, undefined, asDouble);
}

/** An enum given by number or by its proto name. Unknown numbers are kept (proto3 open enums). */
export function enumField(
  o: JsonObject,
  camel: string,
  snake: string,
  names: Readonly<Record<string, number>>,
): number {
  return field(o, camel, snake, 0, (value) => {
    if (typeof value === 'string' && !INTEGER.test(value)) {
      const n = Object.hasOwn(names, value) ? names[value] : undefined;
      if (n === undefined) fail(`unknown enum value ${JSON.stringify(value)}`);
      return n;
    }
    return asInt32(value);
  });
}

/** A trace id (16 bytes) or span id (8 bytes) in hex, either case; '' when absent. */
export function idField(o: JsonObject, camel: string, snake: string, bytes: number): string {
  return field(o, camel, snake, '', (value) => {
    const hex = asString(value);
    if (hex === '') return '';
    if (!isHex(hex)) fail(`expected ${bytes === 16 ? 'a trace' : 'a span'} id in hex, got ${describe(hex)}`);
    if (hex.length !== bytes * 2)
      fail(
        `${bytes === 16 ? 'trace' : 'span'} id must be ${bytes * 2} hex characters (${bytes} bytes), got ${hex.length}`,
      );
    return hex.toLowerCase();
  });
}

export function asBytes(value: unknown): Uint8Array {
  const bytes = decodeBase64(asString(value));
  if (bytes === undefined) fail('expected base64 bytes');
  return bytes;
}
