/**
 * The shop on PostgreSQL (each service in its own schema), when one is reachable: DEMO_PG_URL, or the
 * standard local port with the PG* variables. Skipped, and named so, where there is none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestOtlpReceiver,
  type TestOtlpReceiver,
} from '../../../apps/agent/test/instrument/otlp-test-receiver.ts';
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

const found = await chooseDatabase('auto', process.env.DEMO_PG_URL).catch(() => undefined);
const pgUrl = found?.choice.dialect === 'postgres' ? found.choice.url : undefined;

describe.skipIf(pgUrl === undefined)(
  `demo shop on PostgreSQL${pgUrl === undefined ? ' (skipped: no PostgreSQL reachable, set DEMO_PG_URL)' : ''}`,
  () => {
    let receiver: TestOtlpReceiver;
    let shop: Shop;

    beforeAll(async () => {
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
      const services = await eventually(
        'pg spans from gateway, orders, inventory, payments and fraud',
        () => {
          const s = new Set(
            receiver
              .spans()
              .filter(
                (x) =>
                  x.span.traceId === checkout.traceId && x.span.attributes['db.system.name'] === 'postgresql',
              )
              .map((x) => x.resource['service.name']),
          );
          return ['gateway', 'orders', 'inventory', 'payments', 'fraud'].every((n) => s.has(n))
            ? s
            : undefined;
        },
      );
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
  },
);
