/**
 * A protobuf wire-format reader over a Uint8Array. Message decoders drive it field by field with the
 * byte offset where the current message ends; every read is bounds-checked so truncated or lying
 * input fails with a DecodeFailure rather than reading garbage.
 */
import { fail } from './decode-failure.ts';
import { spanIdHex, traceIdHex } from './hex.ts';
import { readUtf8 } from './utf8.ts';

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  Delimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

const WIRE_NAMES = [
  'varint',
  'fixed64',
  'length-delimited',
  'start-group',
  'end-group',
  'fixed32',
  'invalid (6)',
  'invalid (7)',
];

/** Groups are deprecated but legal on the wire; nesting is capped so hostile input cannot blow the stack. */
const MAX_GROUP_DEPTH = 64;

/**
 * Per message: the expected wire type of each known field number (index = field number, -1 unknown).
 * Lets the default branch of a decoder tell "unknown field, skip it" from "known field, wrong wire type".
 */
export function wireTable(fields: Record<number, number>): Int8Array {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  const table = new Int8Array(max + 1).fill(-1);
  for (const [field, wire] of Object.entries(fields)) table[Number(field)] = wire;
  return table;
}

export class WireReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly length: number;
  pos = 0;
  /** Low and high 32 bits of the last 64-bit varint read by `varint64`. */
  private lo = 0;
  private hi = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.length = buf.length;
  }

  /** A varint's low 32 bits, unsigned (tags, uint32, enums, lengths). Up to 10 bytes are consumed. */
  uint32(): number {
    const pos = this.pos;
    if (pos < this.length) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.varint64();
    return this.lo;
  }

  /** A varint as a signed 32-bit value (int32 and enum fields: negatives are sign-extended to 10 bytes). */
  int32(): number {
    return this.uint32() | 0;
  }

  /** A zigzag-encoded sint32. */
  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  bool(): boolean {
    this.varint64();
    return (this.lo | this.hi) !== 0;
  }

  /** An int64 varint as a bigint. */
  int64(): bigint {
    this.varint64();
    const { lo, hi } = this;
    if (hi === 0) return BigInt(lo);
    // Below 2^53 the float product is exact and one BigInt() beats shifting two of them.
    if (hi < 0x200000) return BigInt(hi * 4294967296 + lo);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  /** A uint64 varint as a bigint. */
  uint64(): bigint {
    this.varint64();
    const { lo, hi } = this;
    if (hi === 0) return BigInt(lo);
    if (hi < 0x200000) return BigInt(hi * 4294967296 + lo);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Reads a varint of at most 10 bytes into `lo`/`hi`. */
  private varint64(): void {
    const buf = this.buf;
    const end = this.length;
    let pos = this.pos;
    let lo = 0;
    let hi: number;
    let b: number;
    // Bytes 0-3 carry bits 0-27.
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) fail('truncated varint');
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.setVarint(pos, lo >>> 0, 0);
        return;
      }
    }
    // Byte 4 carries bits 28-34, straddling the two halves.
    if (pos >= end) fail('truncated varint');
    b = buf[pos++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) {
      this.setVarint(pos, lo >>> 0, hi);
      return;
    }
    // Bytes 5-9 carry bits 35-63.
    for (let shift = 3; shift < 38; shift += 7) {
      if (pos >= end) fail('truncated varint');
      b = buf[pos++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.setVarint(pos, lo >>> 0, hi >>> 0);
        return;
      }
    }
    fail('varint longer than 10 bytes');
  }

  private setVarint(pos: number, lo: number, hi: number): void {
    this.pos = pos;
    this.lo = lo;
    this.hi = hi;
  }

  /** fixed64 as an unsigned bigint (DataView's native read is ~3x faster than assembling halves). */
  fixed64(): bigint {
    const pos = this.take(8);
    return this.view.getBigUint64(pos, true);
  }

  sfixed64(): bigint {
    const pos = this.take(8);
    return this.view.getBigInt64(pos, true);
  }

  double(): number {
    const pos = this.take(8);
    return this.view.getFloat64(pos, true);
  }

  fixed32(): number {
    const pos = this.take(4);
    return this.view.getUint32(pos, true);
  }

  /** Advances past `n` bytes and returns where they start. */
  private take(n: number): number {
    const pos = this.pos;
    if (pos + n > this.length) fail(`truncated: ${n} bytes needed, ${this.length - pos} left`);
    this.pos = pos + n;
    return pos;
  }

  /**
   * Reads a length prefix and returns where the delimited bytes end, checked against `limit` (the end
   * of the enclosing message). The position is left at the first byte of the content.
   */
  delimited(limit: number): number {
    const pos = this.pos;
    let len: number;
    if (pos < this.length && this.buf[pos]! < 0x80) {
      len = this.buf[pos]!;
      this.pos = pos + 1;
    } else {
      this.varint64();
      if (this.hi !== 0) fail('length exceeds 4 GiB');
      len = this.lo;
    }
    const end = this.pos + len;
    if (end > limit)
      fail(`length ${len} runs past the end of the enclosing message (${limit - this.pos} bytes left)`);
    return end;
  }

  string(limit: number): string {
    const end = this.delimited(limit);
    const start = this.pos;
    this.pos = end;
    return readUtf8(this.buf, this.view, start, end);
  }

  /**
   * A copy, so decoded values never pin or alias the request buffer. Not `buf.slice()`: on a Node
   * Buffer (what HTTP servers hand over) that returns an aliasing Buffer view rather than a copy.
   */
  bytes(limit: number): Uint8Array {
    const end = this.delimited(limit);
    const start = this.pos;
    this.pos = end;
    const copy = new Uint8Array(end - start);
    copy.set(this.buf.subarray(start, end));
    return copy;
  }

  /** A trace id (16 bytes) as hex; '' when empty. */
  traceId(limit: number): string {
    const end = this.delimited(limit);
    const start = this.pos;
    this.pos = end;
    if (end === start) return '';
    if (end - start !== 16) fail(`trace id must be 16 bytes, got ${end - start}`);
    return traceIdHex(this.buf, start);
  }

  /** A span id (8 bytes) as hex; '' when empty. */
  spanId(limit: number): string {
    const end = this.delimited(limit);
    const start = this.pos;
    this.pos = end;
    if (end === start) return '';
    if (end - start !== 8) fail(`span id must be 8 bytes, got ${end - start}`);
    return spanIdHex(this.buf, start);
  }

  /** Fails unless a message's fields ended exactly at its boundary. */
  checkEnd(end: number): void {
    if (this.pos !== end) fail(`a field runs ${this.pos - end} bytes past the end of its message`);
  }

  /**
   * The default branch of every decoder: a known field number with an unexpected wire type is an
   * error; an unknown field is skipped whatever its wire type, groups included.
   */
  skipUnknown(tag: number, expected: Int8Array, limit: number): void {
    const field = tag >>> 3;
    const wire = tag & 7;
    const want = field < expected.length ? expected[field]! : -1;
    if (want >= 0) fail(`field ${field} has wire type ${WIRE_NAMES[wire]!}, expected ${WIRE_NAMES[want]!}`);
    this.skip(tag, limit, 0);
  }

  private skip(tag: number, limit: number, depth: number): void {
    const field = tag >>> 3;
    if (field === 0) fail('invalid field number 0');
    switch (tag & 7) {
      case WireType.Varint:
        this.varint64();
        return;
      case WireType.Fixed64:
        this.take(8);
        return;
      case WireType.Delimited:
        this.pos = this.delimited(limit);
        return;
      case WireType.Fixed32:
        this.take(4);
        return;
      case WireType.StartGroup: {
        if (depth >= MAX_GROUP_DEPTH) fail(`groups nested deeper than ${MAX_GROUP_DEPTH}`);
        for (;;) {
          if (this.pos >= limit) fail(`group ${field} is not closed`);
          const inner = this.uint32();
          if ((inner & 7) === WireType.EndGroup) {
            if (inner >>> 3 !== field) fail(`group ${field} closed by end-group ${inner >>> 3}`);
            return;
          }
          this.skip(inner, limit, depth + 1);
        }
      }
      case WireType.EndGroup:
        return fail(`unexpected end-group for field ${field}`);
      default:
        return fail(`invalid wire type ${tag & 7} for field ${field}`);
    }
  }
}
