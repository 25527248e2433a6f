/**
 * A second run of the shop checkout (trace-seed.ts's SHOP_SPANS), for the comparison spec: the same
 * request, slower, with a seeded difference — charge card took 120 ms instead of 60 because it retried
 * (`retry charge` and its INSERT are new call paths), and no stock was reserved (that path is missing).
 * Its own trace id and a customer tier no other spec searches for, so no figure other specs assert moves.
 */
import { otlpJson, type SeedSpan } from './trace-seed.ts';

export const SLOW_SHOP_TRACE_ID = '5eed0000000000000000000000000003';

const SLOW_SHOP_SPANS: readonly SeedSpan[] = [
  {
    id: '0000000000000c01',
    parent: '',
    name: 'GET /checkout',
    service: 'shop-web',
    startMs: 0,
    endMs: 180,
    attributes: { 'http.route': '/checkout', 'customer.tier': 'bronze' },
  },
  {
    id: '0000000000000c02',
    parent: '0000000000000c01',
    name: 'get cart',
    service: 'shop-basket',
    startMs: 5,
    endMs: 26,
  },
  {
    id: '0000000000000c03',
    parent: '0000000000000c01',
    name: 'place order',
    service: 'shop-orders',
    startMs: 30,
    endMs: 175,
  },
  {
    id: '0000000000000c05',
    parent: '0000000000000c03',
    name: 'charge card',
    service: 'shop-payments',
    startMs: 40,
    endMs: 160,
  },
  {
    id: '0000000000000c06',
    parent: '0000000000000c05',
    name: 'INSERT payments',
    service: 'shop-db',
    startMs: 45,
    endMs: 60,
  },
  {
    id: '0000000000000c07',
    parent: '0000000000000c05',
    name: 'retry charge',
    service: 'shop-payments',
    startMs: 100,
    endMs: 150,
  },
  {
    id: '0000000000000c08',
    parent: '0000000000000c07',
    name: 'INSERT payments',
    service: 'shop-db',
    startMs: 110,
    endMs: 125,
  },
];

/** Sends the slow run (4 minutes ago) to a running server; seedTraces sends the first run. */
export async function seedSlowShop(serverUrl: string, nowMs = Date.now()): Promise<void> {
  const res = await fetch(`${serverUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(otlpJson(SLOW_SHOP_TRACE_ID, SLOW_SHOP_SPANS, nowMs - 240_000)),
  });
  if (!res.ok) throw new Error(`seeding the slow checkout failed: HTTP ${res.status} ${await res.text()}`);
}
