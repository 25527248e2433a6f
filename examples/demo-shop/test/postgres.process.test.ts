/**
 * The shop on PostgreSQL (each service in its own schema): DEMO_PG_URL when set, else a throw-away
 * PostgreSQL 15 the test starts itself (Debian's `postgresql`, scripts/system-packages.sh). Never skipped:
 * without PostgreSQL's binaries it fails with the install line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestOtlpReceiver,
  type TestOtlpReceiver,
} from '../../../apps/agent/test/instrument/otlp-test-receiver.ts';
import { startPostgres, type PostgresProcess } from '../../../apps/server/test/support/postgres-process.ts';
import { chooseDatabase } from '../src/shop/backends.ts';
import { startShop, type Shop } from '../src/shop/start-shop.ts';
import { call, eventually, freePortRange } from './support/shop-harness.ts';

/** Temporary directories of this file, removed after its tests. */
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('demo shop on PostgreSQL', () => {
  let receiver: TestOtlpReceiver;
  let shop: Shop;
  let postgres: PostgresProcess | undefined;
  let pgUrl: string | undefined;

  beforeAll(async () => {
    pgUrl = process.env.DEMO_PG_URL;
    if (pgUrl === undefined) {
      postgres = await startPostgres();
      pgUrl = postgres.url;
    }
    // The shop's own choice, as `pnpm demo` makes it: a reachable server is taken as PostgreSQL.
    const found = await chooseDatabase('auto', pgUrl);
    expect(found.choice.dialect).toBe('postgres');
    receiver = await startTestOtlpReceiver();
    shop = await startShop({
      dataDir: tempDir('demo-shop-pg-'),
      agentUrl: receiver.url,
      ...(await freePortRange(7)),
      database: 'postgres',
      pgUrl,
      redisUrl: null,
      traffic: false,
      exportIntervals: { spansMs: 200, logsMs: 200, metricsMs: 60_000 },
    });
  }, 120_000);
  afterAll(async () => {
    await (shop as Shop | undefined)?.stop();
    await (receiver as TestOtlpReceiver | undefined)?.close();
    postgres?.stop();
  });

  it('checks out with pg client spans in every service it crosses', async () => {
    expect(shop.database).toBe('postgres');
    const checkout = await call(
      'POST',
      `${shop.service('gateway').url}/api/checkout`,
      {
        items: [{ sku: 'SKU-10010', qty: 1 }],
        card: { number: '4242424242424242', expMonth: 1, expYear: 2031, cvc: '123' },
        shippingAddress: { name: 'T', line1: 'x', city: 'Berlin', postcode: '10115', country: 'DE' },
      },
      { 'x-user-id': 'u-00007' },
    );
    expect(checkout.status, JSON.stringify(checkout.body)).toBe(201);
    const services = await eventually('pg spans from gateway, orders, inventory, payments and fraud', () => {
      const s = new Set(
        receiver
          .spans()
          .filter(
            (x) =>
              x.span.traceId === checkout.traceId && x.span.attributes['db.system.name'] === 'postgresql',
          )
          .map((x) => x.resource['service.name']),
      );
      return ['gateway', 'orders', 'inventory', 'payments', 'fraud'].every((n) => s.has(n)) ? s : undefined;
    });
    expect(services.size).toBeGreaterThanOrEqual(5);
  });

  it('db-slow makes statements wait inside PostgreSQL (lock contention) until cleared', async () => {
    const admin = `${shop.service('catalog').adminUrl}/faults`;
    await fetch(admin, { method: 'POST', body: JSON.stringify({ kind: 'db-slow', params: { ms: 300 } }) });
    // The locking thread takes a moment to start: wait for the first slow answer.
    const slow = await eventually('a slow product lookup', async () => {
      const a = await call('GET', `${shop.service('catalog').url}/products/SKU-10011`);
      return a.ms >= 300 ? a : undefined;
    });
    expect(slow.status).toBe(200);
    await fetch(admin, { method: 'DELETE' });
    const after = await Promise.all(
      [1, 2, 3].map(() => call('GET', `${shop.service('catalog').url}/products/SKU-10012`)),
    );
    expect(Math.min(...after.map((a) => a.ms))).toBeLessThan(300);
  });
});
