import { describe, expect, it } from 'vitest';
import { RowBinaryWriter } from './row-binary-writer.ts';
import { attrs } from './telemetry-fixtures.ts';

/** A minimal RowBinary reader, written independently of the writer, to check what it produced. */
class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  pos = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  varUInt(): number {
    let result = 0;
    let factor = 1;
    for (;;) {
      const b = this.#bytes[this.pos++]!;
      result += (b & 0x7f) * factor;
      if (b < 0x80) return result;
      factor *= 128;
    }
  }
  string(): string {
    const n = this.varUInt();
    const s = new TextDecoder().decode(this.#bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  u8(): number {
    return this.#bytes[this.pos++]!;
  }
  u16(): number {
    const v = this.#view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.#view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    const v = this.#view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.#view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    const v = this.#view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  f64(): number {
    const v = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }
  get done(): boolean {
    return this.pos === this.#bytes.length;
  }
}

const written = (fill: (w: RowBinaryWriter) => void, capacity = 16): Uint8Array => {
  const w = new RowBinaryWriter(capacity);
  fill(w);
  return w.bytes().slice();
};

describe('RowBinaryWriter', () => {
  it('writes LEB128 lengths', () => {
    const cases: [number, number[]][] = [
      [0, [0]],
      [127, [0x7f]],
      [128, [0x80, 0x01]],
      [300, [0xac, 0x02]],
      [2 ** 31, [0x80, 0x80, 0x80, 0x80, 0x08]],
      [2 ** 40 + 5, [0x85, 0x80, 0x80, 0x80, 0x80, 0x20]],
    ];
    for (const [n, bytes] of cases)
      expect([
        ...written((w) => {
          w.varUInt(n);
        }),
      ]).toEqual(bytes);
  });

  it('writes strings as length-prefixed UTF-8 on every path', () => {
    const strings = [
      '',
      'ascii',
      'café', // short, non-ASCII
      '東'.repeat(47), // short in UTF-16 units, 141 bytes: the length prefix grows to 2 bytes
      'a'.repeat(50), // long ASCII: reserved prefix (2 bytes) shrinks to 1
      'b'.repeat(5000), // long, 2-byte prefix kept
      'x'.repeat(60) + '🚀' + 'é'.repeat(100), // long with surrogate pairs and 2-byte chars
      'lone \ud800 surrogate', // encoded as U+FFFD, like every UTF-8 encoder
      'z'.repeat(47) + 'ü', // last character non-ASCII on the short path
    ];
    const bytes = written((w) => {
      for (const s of strings) w.string(s);
    });
    const r = new Reader(bytes);
    for (const s of strings) expect(r.string()).toBe(s.replace('\ud800', '\ufffd'));
    expect(r.done).toBe(true);
    const prefix = new Reader(
      written((w) => {
        w.string('東'.repeat(47));
      }),
    );
    expect(prefix.varUInt()).toBe(141);
  });

  it('writes fixed-width numbers little-endian, bigints exactly', () => {
    const bytes = written((w) => {
      w.uint8(255);
      w.bool(true);
      w.bool(false);
      w.uint16(65535);
      w.uint32(4_000_000_000);
      w.int32(-7);
      w.uint64(2n ** 64n - 1n);
      w.uint64FromNumber(2 ** 53 - 1);
      w.uint64FromNumber(0);
      w.int64(-(2n ** 63n));
      w.dateTime64Nanos(1_767_225_600_123_456_789n);
      w.dateTime64Millis(1_767_225_600_123);
      w.float64(-0.1);
      w.nullableFloat64(undefined);
      w.nullableFloat64(2.5);
    });
    const r = new Reader(bytes);
    expect([r.u8(), r.u8(), r.u8(), r.u16(), r.u32(), r.i32()]).toEqual([
      255, 1, 0, 65535, 4_000_000_000, -7,
    ]);
    expect([r.u64(), r.u64(), r.u64(), r.i64(), r.i64(), r.i64()]).toEqual([
      2n ** 64n - 1n,
      2n ** 53n - 1n,
      0n,
      -(2n ** 63n),
      1_767_225_600_123_456_789n,
      1_767_225_600_123n,
    ]);
    expect(r.f64()).toBe(-0.1);
    expect(r.u8()).toBe(1);
    expect([r.u8(), r.f64()]).toEqual([0, 2.5]);
    expect(r.done).toBe(true);
  });

  it('writes arrays and maps as a length then the items', () => {
    const bytes = written((w) => {
      w.float64Array([1.5, -2]);
      w.uint64Array([0n, 2n ** 63n]);
      w.uint64ArrayFromNumbers([7, 2 ** 53 - 1, 0]);
      w.stringArray(['a', 'bé']);
      w.attributes(attrs({ k: 'v', n: 5n, list: [true, null] }));
      w.attributes(attrs({}));
    });
    const r = new Reader(bytes);
    expect([r.varUInt(), r.f64(), r.f64()]).toEqual([2, 1.5, -2]);
    expect([r.varUInt(), r.u64(), r.u64()]).toEqual([2, 0n, 2n ** 63n]);
    expect([r.varUInt(), r.u64(), r.u64(), r.u64()]).toEqual([3, 7n, 2n ** 53n - 1n, 0n]);
    expect([r.varUInt(), r.string(), r.string()]).toEqual([2, 'a', 'bé']);
    expect(r.varUInt()).toBe(3);
    expect([r.string(), r.string(), r.string(), r.string(), r.string(), r.string()]).toEqual([
      'k',
      'v',
      'n',
      '5',
      'list',
      '[true,null]',
    ]);
    expect(r.varUInt()).toBe(0);
    expect(r.done).toBe(true);
  });

  it('grows from a tiny buffer without losing bytes, and reuses it after reset', () => {
    const w = new RowBinaryWriter(16);
    const big = 'q'.repeat(100_000);
    for (let i = 0; i < 100; i++) {
      w.uint32(i);
      w.string(i % 10 === 0 ? big : `s${i}`);
    }
    const r = new Reader(w.bytes());
    for (let i = 0; i < 100; i++) {
      expect(r.u32()).toBe(i);
      expect(r.string()).toBe(i % 10 === 0 ? big : `s${i}`);
    }
    expect(r.done).toBe(true);
    w.reset();
    expect(w.length).toBe(0);
    w.raw(new Uint8Array([1, 2, 3]));
    expect([...w.bytes()]).toEqual([1, 2, 3]);
  });
});
