/**
 * A growable protobuf writer. Nested messages are written in one pass: `begin()` reserves one byte for
 * the length, `end()` patches it and, for the rare message of 128 bytes or more, shifts the content to
 * make room for a longer varint. Measured against a sizing pre-pass this is simpler and faster here,
 * because most OTLP messages (KeyValues, AnyValues, events) are short.
 */
import { writeHexBytes } from './hex.ts';
import { maxUtf8Length, writeUtf8 } from './utf8.ts';

const UINT32_MAX = 0xffffffff;

function varintSize(n: number): number {
  return n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5;
}

export class WireWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(initialSize = 4096) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    // The whole buffer, not just [0, pos): `string` writes ahead of `pos` before patching the length.
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** The encoded bytes (a copy sized to fit, so the writer's spare capacity is not retained). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** An unsigned varint of up to 32 bits (tags, lengths, uint32 fields). */
  uint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let v = value >>> 0;
    let pos = this.pos;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** int32 / enum: negatives are sign-extended to a 10-byte varint, as protobuf requires. */
  int32(value: number): void {
    if (value >= 0) this.uint32(value);
    else this.varint64(BigInt(value | 0));
  }

  sint32(value: number): void {
    this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** A 64-bit varint from a bigint (int64 two's complement or uint64). */
  varint64(value: bigint): void {
    if (value >= 0n && value <= BigInt(UINT32_MAX)) {
      this.uint32(Number(value));
      return;
    }
    const bits = BigInt.asUintN(64, value);
    let lo = Number(bits & 0xffffffffn);
    let hi = Number(bits >> 32n);
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (hi > 0 || lo > 0x7f) {
      buf[pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[pos++] = lo;
    this.pos = pos;
  }

  bool(value: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = value ? 1 : 0;
  }

  /** fixed64 / sfixed64: DataView wraps the bigint modulo 2^64, so either sign round-trips. */
  fixed64(value: bigint): void {
    this.ensure(8);
    this.view.setBigUint64(this.pos, BigInt.asUintN(64, value), true);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, value >>> 0, true);
    this.pos += 4;
  }

  /** A length-prefixed UTF-8 string (without its tag). */
  string(text: string): void {
    const max = maxUtf8Length(text);
    const header = varintSize(max);
    this.ensure(header + max + 5);
    const start = this.pos + header;
    const end = writeUtf8(this.buf, start, text);
    this.pos = start - header;
    const len = end - start;
    const need = varintSize(len);
    if (need < header) this.buf.copyWithin(this.pos + need, start, end);
    this.uint32(len);
    this.pos += len;
  }

  /** Bytes copied as they are (an already-encoded field). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    // A loop beats TypedArray#set for the few bytes of a key.
    for (let i = 0; i < n; i++) buf[pos++] = bytes[i]!;
    this.pos = pos;
  }

  bytes(value: Uint8Array): void {
    this.uint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** A hex id as a bytes field, or nothing when empty. Throws on a malformed id (a model invariant). */
  id(tag: number, hex: string, bytes: number, what: string): void {
    if (hex === '') return;
    if (hex.length !== bytes * 2)
      throw new RangeError(`${what} must be ${bytes * 2} hex characters, got ${JSON.stringify(hex)}`);
    this.uint32(tag);
    this.ensure(bytes + 1);
    this.buf[this.pos++] = bytes;
    if (!writeHexBytes(this.buf, this.pos, hex))
      throw new RangeError(`${what} is not hex: ${JSON.stringify(hex)}`);
    this.pos += bytes;
  }

  /** Starts a nested message; returns the mark to pass to `end`. */
  begin(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Closes a nested message started at `mark`, writing its length. */
  end(mark: number): void {
    const len = this.pos - mark - 1;
    if (len < 0x80) {
      this.buf[mark] = len;
      return;
    }
    const extra = varintSize(len) - 1;
    this.ensure(extra);
    this.buf.copyWithin(mark + 1 + extra, mark + 1, this.pos);
    this.pos = mark;
    this.uint32(len);
    this.pos += len;
  }
}

/*
 * One writer is reused across encode calls (they are synchronous and not re-entrant), so a hot path
 * does not regrow a fresh buffer per request; an unusually large buffer is not kept.
 */
const RETAIN_LIMIT = 8 * 1024 * 1024;
let spare: WireWriter | undefined;

function acquireWriter(): WireWriter {
  const writer = spare ?? new WireWriter(64 * 1024);
  spare = undefined;
  writer.pos = 0;
  return writer;
}

function releaseWriter(writer: WireWriter): void {
  if (writer.buf.length <= RETAIN_LIMIT) spare = writer;
}

/** Runs `write` on a pooled writer and returns a copy of what it wrote. */
export function encodeWith(write: (writer: WireWriter) => void): Uint8Array {
  const writer = acquireWriter();
  try {
    write(writer);
    return writer.finish();
  } finally {
    releaseWriter(writer);
  }
}
