import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gzipBody, packBody, unpackBody } from './gzip-body.ts';

const body = new TextEncoder().encode('span '.repeat(10_000));

describe('body compression', () => {
  it('gzips for the wire (any gunzip reads it back)', async () => {
    const packed = await gzipBody(body);
    expect(packed.length).toBeLessThan(body.length / 10);
    expect(new Uint8Array(gunzipSync(packed))).toEqual(body);
  });

  it('packs with zstd for what a process keeps for itself, and unpacks to the same bytes', async () => {
    const packed = await packBody(body);
    expect(packed.length).toBeLessThan(body.length / 10);
    expect(await unpackBody(packed)).toEqual(body);
  });

  it('refuses to unpack bytes that are not zstd', async () => {
    await expect(unpackBody(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow();
  });
});
