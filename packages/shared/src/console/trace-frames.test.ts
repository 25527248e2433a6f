import { describe, expect, it } from 'vitest';
import { allocateSpanColumns, readHexId, StringDictionary, writeHexId } from './trace-columns.ts';
import {
  encodeEndFrame,
  encodeErrorFrame,
  encodeHeaderFrame,
  encodeSpansFrame,
  TraceFrameReader,
  type TraceFrame,
} from './trace-frames.ts';

function batch(names: string[], dict: StringDictionary) {
  const c = allocateSpanColumns(names.length);
  names.forEach((name, i) => {
    writeHexId((i + 1).toString(16), c.spanIds, 2 * i);
    writeHexId(i === 0 ? '' : '1', c.parentIds, 2 * i);
    c.name[i] = dict.add(name);
    c.service[i] = dict.add('svc-ü');
    c.startNs[i] = i * 1000.5;
    c.durationNs[i] = 2 ** 40 + i;
    c.status[i] = i % 3;
    c.kind[i] = 2;
  });
  return c;
}

describe('trace frames', () => {
  it('round-trip header, two span batches with a growing dictionary, and the end, cut at every byte', () => {
    const dict = new StringDictionary();
    const first = batch(['GET /', 'db', 'db'], dict);
    const sent = dict.strings.length;
    const second = batch(['GET /', 'cache'], dict);
    const bytes = [
      encodeHeaderFrame({ traceId: 'ab'.repeat(16), baseNs: '1700000000000000000', totalSpans: 5 }),
      encodeSpansFrame(first, dict.strings.slice(0, sent)),
      encodeSpansFrame(second, dict.strings.slice(sent)),
      encodeEndFrame(5),
    ];
    const all = new Uint8Array(bytes.reduce((n, b) => n + b.byteLength, 0));
    let at = 0;
    for (const b of bytes) {
      all.set(b, at);
      at += b.byteLength;
    }
    for (const step of [1, 3, 7, 64, all.byteLength]) {
      const reader = new TraceFrameReader();
      const frames: TraceFrame[] = [];
      for (let i = 0; i < all.byteLength; i += step) frames.push(...reader.push(all.slice(i, i + step)));
      expect(reader.leftover).toBe(0);
      expect(frames.map((f) => f.kind)).toEqual(['header', 'spans', 'spans', 'end']);
      const [header, a, b, end] = frames;
      expect(header).toEqual({
        kind: 'header',
        header: { traceId: 'ab'.repeat(16), baseNs: '1700000000000000000', totalSpans: 5 },
      });
      if (a?.kind !== 'spans' || b?.kind !== 'spans') throw new Error('expected spans');
      expect(a.strings).toEqual(['GET /', 'svc-ü', 'db']);
      expect(b.strings).toEqual(['cache']);
      expect([...a.columns.name]).toEqual([0, 2, 2]);
      expect([...b.columns.name]).toEqual([0, 3]);
      expect([...a.columns.startNs]).toEqual([0, 1000.5, 2001]);
      expect(a.columns.durationNs[2]).toBe(2 ** 40 + 2);
      expect([...a.columns.status]).toEqual([0, 1, 2]);
      expect(readHexId(a.columns.spanIds, 4)).toBe('0000000000000003');
      expect(readHexId(a.columns.parentIds, 0)).toBe('0000000000000000');
      expect(readHexId(a.columns.parentIds, 2)).toBe('0000000000000001');
      expect(end).toEqual({ kind: 'end', spans: 5 });
    }
  });

  it('reads an error frame the server sends when it fails mid-stream', () => {
    expect(new TraceFrameReader().push(encodeErrorFrame('storage went away'))).toEqual([
      { kind: 'error', message: 'storage went away' },
    ]);
  });

  it('keeps the last 16 hex digits of a longer id and refuses text that is not hex', () => {
    const ids = new Uint32Array(2);
    expect(writeHexId('ffffffffffffffff0123456789abcdef', ids, 0)).toBe(true);
    expect(readHexId(ids, 0)).toBe('0123456789abcdef');
    expect(writeHexId('xyz', ids, 0)).toBe(false);
  });
});
