/**
 * The RowBinary reader on a stream cut at every byte (a remote ClickHouse sends chunks of any size; chDB
 * one): rows cut across chunks are read again whole, batches flush where the reader says. The client is
 * replaced by a canned stream — the engine's side is covered by traces' integration test.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Storage } from '../open-storage.ts';
import { streamRowBinary } from './row-binary-stream.ts';

function row(id: number, name: string, n: bigint): Uint8Array {
  const text = new TextEncoder().encode(name);
  const out = new Uint8Array(8 + 1 + text.length + 8 + 1);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xdeadbeef, false);
  v.setUint32(4, id, false);
  out[8] = text.length;
  out.set(text, 9);
  v.setBigUint64(9 + text.length, n, true);
  out[17 + text.length] = id % 3;
  return out;
}

const cannedClient = (bytes: Uint8Array, step: number, queries: string[]) =>
  ({
    client: {
      exec: (p: { query: string }) => {
        queries.push(p.query);
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += step) chunks.push(bytes.slice(i, i + step));
        return Promise.resolve({ stream: Readable.from(chunks) });
      },
    },
  }) as unknown as Pick<Storage, 'client'>;

describe('streamRowBinary (canned stream)', () => {
  const rows = [
    row(1, 'GET /', 5n),
    row(2, 'döner ✓', 2n ** 40n),
    row(3, '', 0n),
    row(4, 'x'.repeat(100), 7n),
  ];
  const all = new Uint8Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    all.set(r, at);
    at += r.length;
  }

  it('reads every row whole however the stream is cut, and flushes where the reader asks', async () => {
    for (const step of [1, 2, 7, 33, all.length]) {
      const queries: string[] = [];
      const got: unknown[] = [];
      const flushedAt: number[] = [];
      const ids = new Uint32Array(2);
      const n = await streamRowBinary(
        cannedClient(all, step, queries),
        {
          id: { sql: 'unhex(span_id)', type: 'FixedString(8)' },
          name: { sql: 'name', type: 'String' },
          d: { sql: 'duration_ns', type: 'UInt64' },
          s: { sql: 'status_code', type: 'UInt8' },
        },
        'FROM t',
        {},
        (c) => {
          c.fixed8Words(ids, 0);
          got.push([ids[0], ids[1], c.string(), c.uint64(), c.uint8()]);
          return got.length % 2 === 0;
        },
        () => {
          flushedAt.push(got.length);
          return Promise.resolve();
        },
      );
      expect(n).toBe(4);
      expect(got).toEqual([
        [0xdeadbeef, 1, 'GET /', 5, 1],
        [0xdeadbeef, 2, 'döner ✓', 2 ** 40, 2],
        [0xdeadbeef, 3, '', 0, 0],
        [0xdeadbeef, 4, 'x'.repeat(100), 7, 1],
      ]);
      expect(flushedAt).toEqual([2, 4]);
      expect(queries[0]).toContain(
        "CAST(unhex(span_id), 'FixedString(8)') AS id, CAST(name, 'String') AS name",
      );
      expect(queries[0]).toMatch(/FORMAT RowBinary$/);
    }
  });

  it('says so when the stream ends inside a row', async () => {
    await expect(
      streamRowBinary(
        cannedClient(all.slice(0, all.length - 3), 5, []),
        { s: { sql: 's', type: 'String' } },
        'FROM t',
        {},
        (c) => {
          c.string();
          c.string();
          return false;
        },
        () => Promise.resolve(),
      ),
    ).rejects.toThrow('RowBinary stream ended inside a row');
  });
});
