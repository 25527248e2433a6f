/**
 * A growable byte buffer that writes ClickHouse's RowBinary format
 * (https://clickhouse.com/docs/interfaces/formats/RowBinary): little-endian fixed-width numbers,
 * LEB128 lengths, UTF-8 strings. The ingest writer reuses one writer per flush (`reset()`), so the
 * buffer grows to the working size once and every later flush writes without allocating.
 */
import { attributeText } from '@apo/shared/model';
import type { Attributes } from '@apo/shared/model';

const utf8 = new TextEncoder();
/** Strings longer than this go straight to the native encoder; shorter ones are copied byte by byte. */
const NATIVE_ENCODE_FROM = 48;
const TWO_POW_32 = 2 ** 32;

function varUIntSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

export class RowBinaryWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.#buf = new Uint8Array(Math.max(16, initialCapacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Forget the content but keep the buffer. */
  reset(): void {
    this.#pos = 0;
  }

  /** Drop everything written after `length` (e.g. a request whose rows failed half-way). */
  truncate(length: number): void {
    if (length < 0 || length > this.#pos)
      throw new RangeError(`cannot truncate ${this.#pos} bytes to ${length}`);
    this.#pos = length;
  }

  /** A view of the bytes written so far (valid until the next write or reset). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  #ensure(extra: number): void {
    const need = this.#pos + extra;
    if (need <= this.#buf.length) return;
    let capacity = this.#buf.length * 2;
    while (capacity < need) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  /** LEB128, used by RowBinary for string lengths, array lengths and map sizes. */
  varUInt(n: number): void {
    this.#ensure(10);
    const buf = this.#buf;
    let p = this.#pos;
    while (n >= 0x80) {
      buf[p++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    buf[p++] = n;
    this.#pos = p;
  }

  uint8(n: number): void {
    this.#ensure(1);
    this.#buf[this.#pos++] = n;
  }

  bool(b: boolean): void {
    this.uint8(b ? 1 : 0);
  }

  uint16(n: number): void {
    this.#ensure(2);
    this.#view.setUint16(this.#pos, n, true);
    this.#pos += 2;
  }

  uint32(n: number): void {
    this.#ensure(4);
    this.#view.setUint32(this.#pos, n, true);
    this.#pos += 4;
  }

  int32(n: number): void {
    this.#ensure(4);
    this.#view.setInt32(this.#pos, n, true);
    this.#pos += 4;
  }

  /** UInt64 from a bigint (taken modulo 2^64, as ClickHouse would). */
  uint64(n: bigint): void {
    this.#ensure(8);
    this.#view.setBigUint64(this.#pos, n, true);
    this.#pos += 8;
  }

  /** UInt64 from a non-negative safe integer, without creating a bigint. */
  uint64FromNumber(n: number): void {
    this.#ensure(8);
    this.#view.setUint32(this.#pos, n % TWO_POW_32, true);
    this.#view.setUint32(this.#pos + 4, Math.floor(n / TWO_POW_32), true);
    this.#pos += 8;
  }

  int64(n: bigint): void {
    this.#ensure(8);
    this.#view.setBigInt64(this.#pos, n, true);
    this.#pos += 8;
  }

  /** DateTime64(9): nanoseconds since the epoch as an Int64. */
  dateTime64Nanos(ns: bigint): void {
    this.int64(ns);
  }

  /** DateTime64(3) from epoch milliseconds. */
  dateTime64Millis(ms: number): void {
    this.#ensure(8);
    const lo = ms % TWO_POW_32;
    this.#view.setUint32(this.#pos, lo < 0 ? lo + TWO_POW_32 : lo, true);
    this.#view.setInt32(this.#pos + 4, Math.floor(ms / TWO_POW_32), true);
    this.#pos += 8;
  }

  float64(n: number): void {
    this.#ensure(8);
    this.#view.setFloat64(this.#pos, n, true);
    this.#pos += 8;
  }

  /** Nullable(Float64): a null-marker byte, then the value when present. */
  nullableFloat64(n: number | undefined): void {
    if (n === undefined) {
      this.uint8(1);
      return;
    }
    this.uint8(0);
    this.float64(n);
  }

  /** Already-encoded RowBinary bytes (e.g. a resource's attribute map, encoded once per resource). */
  raw(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  /** String: LEB128 byte length, then UTF-8. */
  string(s: string): void {
    const n = s.length;
    // UTF-8 needs at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    this.#ensure(3 * n + 10);
    const buf = this.#buf;
    const start = this.#pos;
    if (n < NATIVE_ENCODE_FROM) {
      // Short strings dominate (names, ids, attribute values): assume ASCII, so the length prefix
      // is n; bail out to the native encoder at the first non-ASCII unit.
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[start] = n;
        this.#pos = p;
        return;
      }
      const { written } = utf8.encodeInto(s.slice(i), buf.subarray(p));
      this.#finishString(start, 1, i + written);
      return;
    }
    // Long strings: encode natively after room for the largest possible length prefix, then
    // slide the bytes left if the real prefix is shorter.
    const reserved = varUIntSize(3 * n);
    const { written } = utf8.encodeInto(s, buf.subarray(start + reserved));
    this.#finishString(start, reserved, written);
  }

  #finishString(start: number, reserved: number, byteLength: number): void {
    const prefix = varUIntSize(byteLength);
    if (prefix !== reserved) {
      // The ensure() in string() left room for the largest prefix (≤ 5 bytes for ≤ 3n + 10).
      this.#buf.copyWithin(start + prefix, start + reserved, start + reserved + byteLength);
    }
    this.#pos = start;
    this.varUInt(byteLength);
    this.#pos = start + prefix + byteLength;
  }

  /** Map(String, String) from attributes, values rendered with `attributeText`. */
  attributes(attributes: Attributes): void {
    // Decoded attribute maps are null-prototype objects, which V8 keeps in dictionary mode: for…in
    // over them cost ~40 % of span encoding here, one Object.keys a fraction of that.
    const keys = Object.keys(attributes);
    this.varUInt(keys.length);
    for (const key of keys) {
      this.string(key);
      const value = attributes[key]!;
      this.string(typeof value === 'string' ? value : attributeText(value));
    }
  }

  /** Array(String). */
  stringArray(values: readonly string[]): void {
    this.varUInt(values.length);
    for (const v of values) this.string(v);
  }

  /** Array(Float64). */
  float64Array(values: readonly number[]): void {
    this.varUInt(values.length);
    this.#ensure(8 * values.length);
    for (const v of values) {
      this.#view.setFloat64(this.#pos, v, true);
      this.#pos += 8;
    }
  }

  /** Array(UInt64). */
  uint64Array(values: readonly bigint[]): void {
    this.varUInt(values.length);
    this.#ensure(8 * values.length);
    for (const v of values) {
      this.#view.setBigUint64(this.#pos, v, true);
      this.#pos += 8;
    }
  }

  /** Array(UInt64) from non-negative safe integers (rollup bucket counts), without creating bigints. */
  uint64ArrayFromNumbers(values: readonly number[]): void {
    this.varUInt(values.length);
    this.#ensure(8 * values.length);
    for (const v of values) {
      this.#view.setUint32(this.#pos, v % TWO_POW_32, true);
      this.#view.setUint32(this.#pos + 4, Math.floor(v / TWO_POW_32), true);
      this.#pos += 8;
    }
  }
}
