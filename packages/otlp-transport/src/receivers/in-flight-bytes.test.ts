import { zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decompressBody } from './body-decoding.ts';
import { InFlightBytes } from './in-flight-bytes.ts';
import { IngestError } from './ingest-error.ts';

const MiB = 1024 * 1024;

describe('bytes in flight', () => {
  it('lets a request alone through, refuses a second one past the bound with 429 and a retry delay, and frees on release', () => {
    const budget = new InFlightBytes(10 * MiB, 'the proxy');
    const first = budget.lease();
    first.take(16 * MiB);
    expect(budget.bytes).toBe(16 * MiB);
    const second = budget.lease();
    let refused: unknown;
    try {
      second.take(1);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(IngestError);
    expect(refused).toMatchObject({ kind: 'overloaded', retryAfterSeconds: 1 });
    expect((refused as Error).message).toBe(
      'the proxy is working on 16 MiB of requests already (limit 10 MiB): retry shortly',
    );
    first.release();
    first.release();
    expect(budget.bytes).toBe(0);
    second.take(MiB);
    expect(budget.bytes).toBe(MiB);
  });

  it('counts a body as it inflates: concurrent zstd bombs stop at the bound instead of each reaching the limit', async () => {
    const bomb = zstdCompressSync(Buffer.alloc(16 * MiB));
    const budget = new InFlightBytes(24 * MiB, 'the server');
    const leases = Array.from({ length: 4 }, () => budget.lease());
    let peak = 0;
    const results = await Promise.allSettled(
      leases.map(async (lease) => {
        const out = decompressBody(bomb, 'zstd', 16 * MiB, lease);
        const watch = setInterval(() => (peak = Math.max(peak, budget.bytes)), 1);
        try {
          return (await out).length;
        } finally {
          clearInterval(watch);
          peak = Math.max(peak, budget.bytes);
        }
      }),
    );
    const inflated = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const r of refused) expect(r.reason).toMatchObject({ kind: 'overloaded' });
    for (const r of inflated) expect(r.value).toBe(16 * MiB);
    // Without the bound all four would hold 64 MiB at once.
    expect(peak).toBeLessThanOrEqual(24 * MiB);
    for (const lease of leases) lease.release();
    expect(budget.bytes).toBe(0);
  });
});
