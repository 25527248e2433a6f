import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from './base64.ts';
import { bytesToHex, isHex, spanIdHex, traceIdHex, writeHexBytes } from './hex.ts';
import { readUtf8, utf8Encoder, writeUtf8 } from './utf8.ts';
import { WireReader } from './wire-reader.ts';
import { WireWriter } from './wire-writer.ts';

describe('varints', () => {
  it('int64, uint64, int32 and sint32 round-trip through the writer and reader', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (i64, u64, i32) => {
          const w = new WireWriter(8);
          w.varint64(i64);
          w.varint64(u64);
          w.int32(i32);
          w.sint32(i32);
          w.uint32(i32 >>> 0);
          const r = new WireReader(w.finish());
          expect(r.int64()).toBe(i64);
          expect(r.uint64()).toBe(u64);
          expect(r.int32()).toBe(i32);
          expect(r.sint32()).toBe(i32);
          expect(r.uint32()).toBe(i32 >>> 0);
          expect(r.pos).toBe(r.length);
        },
      ),
    );
  });

  it('negative int32 is sign-extended to 10 bytes, as protobuf requires', () => {
    const w = new WireWriter(1);
    w.int32(-1);
    expect([...w.finish()]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('lengths that need a longer varint are back-patched correctly', () => {
    for (const size of [0, 127, 128, 16383, 16384, 2_100_000]) {
      const w = new WireWriter(4);
      w.uint32(10);
      const mark = w.begin();
      for (let i = 0; i < size; i++) w.bool(true);
      w.end(mark);
      w.uint32(99);
      const r = new WireReader(w.finish());
      expect(r.uint32()).toBe(10);
      const end = r.delimited(r.length);
      expect(end - r.pos).toBe(size);
      r.pos = end;
      expect(r.uint32()).toBe(99);
    }
  });
});

describe('strings', () => {
  it('UTF-8 written inline or by TextEncoder decodes back, short ASCII cache included', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 80 }),
          fc.string({ unit: 'grapheme-ascii', maxLength: 60 }),
        ),
        (text) => {
          const buf = new Uint8Array(text.length * 3 + 1);
          const end = writeUtf8(buf, 1, text);
          expect(buf.subarray(1, end)).toEqual(utf8Encoder.encode(text));
          const view = new DataView(buf.buffer);
          expect(readUtf8(buf, view, 1, end)).toBe(text);
          expect(readUtf8(buf, view, 1, end)).toBe(text); // second time from the cache
        },
      ),
    );
  });

  it('the cache never confuses strings that share a slot', () => {
    const seen = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      const text = `k${i.toString(36)}`;
      const bytes = utf8Encoder.encode(text);
      expect(readUtf8(bytes, new DataView(bytes.buffer), 0, bytes.length)).toBe(text);
      seen.set(text, text);
    }
    for (const text of seen.keys()) {
      const bytes = utf8Encoder.encode(text);
      expect(readUtf8(bytes, new DataView(bytes.buffer), 0, bytes.length)).toBe(text);
    }
    // Same length, same first byte and same last 8 bytes: the same slot pair, told apart by the bytes.
    const a = utf8Encoder.encode('x-aaaa-12345678');
    const b = utf8Encoder.encode('x-bbbb-12345678');
    const c = utf8Encoder.encode('x-cccc-12345678');
    for (let round = 0; round < 3; round++) {
      for (const [bytes, text] of [
        [a, 'x-aaaa-12345678'],
        [b, 'x-bbbb-12345678'],
        [c, 'x-cccc-12345678'],
      ] as const) {
        expect(readUtf8(bytes, new DataView(bytes.buffer), 0, bytes.length)).toBe(text);
      }
    }
    // A non-ASCII string sharing a slot with a cached one must not be served from (or corrupt) the cache.
    const ascii = utf8Encoder.encode('abcdefgh-1234567');
    const accented = utf8Encoder.encode('abcdéfgh-1234567');
    expect(readUtf8(ascii, new DataView(ascii.buffer), 0, ascii.length)).toBe('abcdefgh-1234567');
    expect(readUtf8(accented, new DataView(accented.buffer), 0, accented.length)).toBe('abcdéfgh-1234567');
    expect(readUtf8(ascii, new DataView(ascii.buffer), 0, ascii.length)).toBe('abcdefgh-1234567');
  });

  it('lone surrogates are written as U+FFFD, like TextEncoder', () => {
    const buf = new Uint8Array(12);
    const end = writeUtf8(buf, 0, 'a\uD800b\uDC00');
    expect(buf.subarray(0, end)).toEqual(utf8Encoder.encode('a\uD800b\uDC00'));
  });
});

describe('hex ids', () => {
  it('bytes → hex → bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const hex = traceIdHex(bytes, 0);
        expect(hex).toBe(bytesToHex(bytes));
        expect(hex).toMatch(/^[0-9a-f]{32}$/);
        expect(spanIdHex(bytes, 8)).toBe(hex.slice(16));
        const back = new Uint8Array(16);
        expect(writeHexBytes(back, 0, hex.toUpperCase())).toBe(true);
        expect(back).toEqual(bytes);
      }),
    );
    expect(writeHexBytes(new Uint8Array(2), 0, 'zz')).toBe(false);
    expect(writeHexBytes(new Uint8Array(2), 0, 'abc')).toBe(false);
    expect(isHex('aBc9')).toBe(true);
    expect(isHex('g')).toBe(false);
    expect(isHex('é')).toBe(false);
  });
});

describe('base64', () => {
  it('round-trips, accepts URL-safe and unpadded input, rejects garbage', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const text = encodeBase64(bytes);
        expect(decodeBase64(text)).toEqual(bytes);
        expect(decodeBase64(text.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'))).toEqual(bytes);
      }),
    );
    expect(encodeBase64(new Uint8Array([0xfb, 0xff]))).toBe('+/8=');
    expect(decodeBase64('a')).toBeUndefined();
    expect(decodeBase64('a===')).toBeUndefined();
    expect(decodeBase64('ab$d')).toBeUndefined();
  });
});
