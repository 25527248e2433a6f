import { describe, expect, it } from 'vitest';
import { ConnectionPool } from './pool.ts';

const pool = (size: number) => {
  let n = 0;
  return new ConnectionPool<number>({
    name: 'test',
    size,
    create: () => Promise.resolve(++n),
    destroy: () => Promise.resolve(),
  });
};

describe('connection pool', () => {
  it('hands out at most `size` connections and serves waiters first come, first served', async () => {
    const p = pool(2);
    const a = await p.acquire();
    const b = await p.acquire();
    const served: string[] = [];
    const c = p.acquire().then((l) => (served.push('c'), l));
    const d = p.acquire().then((l) => (served.push('d'), l));
    expect(p.stats()).toMatchObject({ used: 2, pending: 2 });
    a.release();
    (await c).release();
    b.release();
    (await d).release();
    expect(served).toEqual(['c', 'd']);
    expect(p.stats()).toEqual({ used: 0, idle: 2, pending: 0, size: 2 });
    await p.close();
  });

  it('shrinks and holds connections longer under pool-exhaustion, and restores', async () => {
    const p = pool(4);
    await p.warm();
    p.constrain(1, 30);
    const first = await p.acquire();
    const waiting = p.acquire();
    expect(p.stats()).toMatchObject({ used: 1, pending: 1, size: 1 });
    const released = performance.now();
    first.release();
    (await waiting).release();
    // The held-back release: the waiter got the connection only after holdMs.
    expect(performance.now() - released).toBeGreaterThanOrEqual(29);
    p.constrain(undefined);
    const all = await Promise.all([p.acquire(), p.acquire(), p.acquire(), p.acquire()]);
    expect(p.stats()).toMatchObject({ used: 4, size: 4 });
    for (const l of all) l.release();
    await p.close();
    await expect(p.acquire()).rejects.toThrow(/closed/);
  });
});
