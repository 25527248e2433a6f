/**
 * Fault signatures in the stored data, the slow kinds: the demo shop (seven services with the preload, steady
 * traffic) → apo-agent (every span kept) → apo-server, real processes. Each fault is injected with the fault
 * CLI into one service, its signature read back through the server's tRPC API from the spans, RED rollups
 * and metrics of the window since the injection, checked to be absent from an unrelated service, and gone
 * again in a fresh window after `--clear`. Thresholds derive from the injected parameters (the shop's own
 * requests take a few milliseconds), never from how fast this machine is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../examples/demo-shop/src/index.ts';
import { eventually } from './support/agent-process.ts';
import { call, checkoutBody, probes, stockedSkus, userId } from './support/demo-probes.ts';
import {
  across,
  callsPort,
  dbSpansSince,
  durationMs,
  isClient,
  isDb,
  isServer,
  offsetMs,
  pointsIn,
  quantile,
  readingSince,
  servedBy,
  serverSpansSince,
  since,
  tracesOf,
  type StoredSpan,
} from './support/demo-signals.ts';
import { startDemoStack, type DemoStack } from './support/demo-stack.ts';
import { attributeValue } from '../../packages/shared/src/model/index.ts';

/** Spans starting this long after an injection or a clear are clear of requests already under way. */
const SETTLE_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: readonly number[]) => quantile(values, 0.5);
const serverOf = (spans: StoredSpan[], service: string) =>
  spans.find((s) => s.service === service && isServer(s))!;

describe('demo shop faults → agent → server: latency, db-slow, lock, pool-exhaustion signatures', () => {
  let stack: DemoStack;
  let skus: string[];

  beforeAll(async () => {
    stack = await startDemoStack();
    skus = await stockedSkus(stack.shop.service('inventory').url, 10);
  }, 180_000);
  afterAll(async () => {
    await (stack as DemoStack | undefined)?.dispose();
  });

  it('db-slow: payments’ DB client spans and DB-call RED slow down, orders and the gateway follow; catalog does not', async () => {
    const { api } = stack;
    // node:sqlite is synchronous: a slow statement blocks payments' event loop (as with any synchronous
    // driver), so the delay is kept short enough for payments to keep up with its traffic.
    const MS = 150;
    const checkout = (i: number) =>
      call('POST', stack.url('gateway', '/api/checkout'), checkoutBody(skus[i % skus.length]), {
        'x-user-id': userId(200 + i),
      });
    const complete = (spans: StoredSpan[]) =>
      servedBy(spans, 'gateway', 'orders', 'payments') &&
      spans.some((s) => s.service === 'payments' && isDb(s));
    expect(await stack.fault('payments', 'db-slow', '--ms', String(MS))).toContain(
      'injected into payments: db-slow ms=150',
    );
    const fault = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const answers = await probes(5, 1, checkout);
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(201));

    // In every checkout: each of payments' statements is slow inside its own span (the heavier statement
    // shows), and payments' request, orders' call to it and the gateway's request follow.
    for (const spans of await tracesOf(
      api,
      answers.map((a) => a.traceId),
      complete,
    )) {
      const db = spans.filter((s) => s.service === 'payments' && isDb(s));
      for (const span of db) {
        expect(durationMs(span)).toBeGreaterThanOrEqual(MS * 0.95);
        expect(attributeValue(span.attributes, 'db.query.text')).toContain('demo_delay');
      }
      const floor = db.length * MS * 0.95;
      expect(durationMs(serverOf(spans, 'payments'))).toBeGreaterThanOrEqual(floor);
      const charge = spans.find((s) => s.service === 'orders' && callsPort(s, stack.port('payments')))!;
      expect(durationMs(charge)).toBeGreaterThanOrEqual(floor);
      expect(durationMs(serverOf(spans, 'gateway'))).toBeGreaterThanOrEqual(floor);
    }
    const paymentsDb = await dbSpansSince(api, 'payments', fault, 10);
    expect(median(paymentsDb.map(durationMs))).toBeGreaterThanOrEqual(MS * 0.95);
    // The rollups (from every span, per minute): the slow statements and checkouts dominate the upper tail
    // even with up to a minute of normal ones before the fault in the same minute. 100 ms and 250 ms are
    // the lower edges of the RED buckets the slow statement and the slow checkout fall in.
    const cardBins = await eventually(
      async () => {
        const calls = await api.services.redCalls.query({ service: 'payments', ...since(fault) });
        const call = calls.find((c) => c.callType === 'db' && c.target === 'card_bins');
        return call !== undefined && (call.p95 ?? 0) >= 100 ? call : undefined;
      },
      60_000,
      'the slow SELECT card_bins in the DB-call metrics of payments',
    );
    expect(cardBins).toMatchObject({ system: 'sqlite', operation: 'SELECT' });
    const callerP95 = async (service: string, endpoint: string) =>
      (await api.services.redEndpoints.query({ service, ...since(fault) })).find(
        (e) => e.endpoint === endpoint,
      )?.p95;
    expect(await callerP95('orders', 'POST /orders')).toBeGreaterThanOrEqual(250);
    expect(await callerP95('gateway', 'POST /api/checkout')).toBeGreaterThanOrEqual(250);

    // Specificity: catalog's statements, in the same window, stay fast.
    const catalogDb = await dbSpansSince(api, 'catalog', fault, 10);
    expect(median(catalogDb.map(durationMs))).toBeLessThan(MS / 4);
    const catalogCalls = await api.services.redCalls.query({ service: 'catalog', ...since(fault) });
    expect(catalogCalls.find((c) => c.callType === 'db' && c.target === 'products')?.p95).toBeLessThan(100);

    expect(await stack.fault('--clear', 'payments')).toContain('payments: cleared db-slow');
    const cleared = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const after = await probes(5, 1, (i) => checkout(i + 5));
    expect(after.map((a) => a.status)).toEqual(Array(5).fill(201));
    const restored = (
      await tracesOf(
        api,
        after.map((a) => a.traceId),
        complete,
      )
    )
      .flat()
      .filter((s) => s.service === 'payments' && isDb(s));
    expect(restored.some((s) => attributeValue(s.attributes, 'db.query.text')?.includes('demo_delay'))).toBe(
      false,
    );
    expect(median(restored.map(durationMs))).toBeLessThan(MS / 4);
    expect(median((await dbSpansSince(api, 'payments', cleared, 10)).map(durationMs))).toBeLessThan(MS / 4);
  }, 180_000);

  it('latency: catalog’s server spans slow by the delay in their own time, the gateway follows; inventory does not', async () => {
    const { api } = stack;
    const MS = 400;
    const search = (i: number) =>
      call('GET', stack.url('gateway', `/api/search?q=${['kettle', 'lamp', 'desk'][i % 3]}`));
    expect(await stack.fault('catalog', 'latency', '--ms', String(MS), '--jitterMs', '0')).toContain(
      'injected into catalog: latency ms=400 jitterMs=0 share=100',
    );
    const fault = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const answers = await probes(6, 3, search);
    expect(answers.map((a) => a.status)).toEqual(Array(6).fill(200));

    // Every catalog request started under the fault took the delay (share 100 %, no jitter).
    const catalog = await serverSpansSince(api, 'catalog', fault, 8);
    expect(Math.min(...catalog.map(durationMs))).toBeGreaterThanOrEqual(MS * 0.95);
    // Self time: the delay is not in anything catalog calls; the gateway's call and request follow.
    const traces = await tracesOf(
      api,
      answers.map((a) => a.traceId),
      (spans) =>
        servedBy(spans, 'gateway', 'catalog') && spans.some((s) => s.service === 'catalog' && isDb(s)),
    );
    for (const spans of traces) {
      expect(durationMs(serverOf(spans, 'catalog'))).toBeGreaterThanOrEqual(MS * 0.95);
      const dependencies = spans.filter((s) => s.service === 'catalog' && isClient(s));
      expect(dependencies.length).toBeGreaterThan(0);
      for (const span of dependencies) expect(durationMs(span)).toBeLessThan(MS / 4);
      const call = spans.find((s) => s.service === 'gateway' && callsPort(s, stack.port('catalog')))!;
      expect(durationMs(call)).toBeGreaterThanOrEqual(MS * 0.95);
      expect(durationMs(serverOf(spans, 'gateway'))).toBeGreaterThanOrEqual(MS * 0.95);
    }
    // Specificity: inventory serves at its usual pace meanwhile.
    const inventory = await serverSpansSince(api, 'inventory', fault, 3);
    expect(median(inventory.map(durationMs))).toBeLessThan(MS / 2);

    expect(await stack.fault('--clear', 'catalog')).toContain('catalog: cleared latency');
    const cleared = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const after = await probes(6, 3, search);
    expect(after.map((a) => a.status)).toEqual(Array(6).fill(200));
    const fresh = await serverSpansSince(api, 'catalog', cleared, 8);
    expect(median(fresh.map(durationMs))).toBeLessThan(MS / 2);
    expect(fresh.filter((s) => durationMs(s) >= MS * 0.95).length).toBeLessThan(fresh.length / 4);
  }, 180_000);

  it('lock: inventory serves concurrent requests one at a time, each waiting before any child span; catalog does not', async () => {
    const { api } = stack;
    const HOLD = 300;
    const burst = () => probes(5, 5, (i) => call('GET', stack.url('inventory', `/stock/SKU-${10_021 + i}`)));
    /** The burst's inventory server spans in the order they finished, with each one's first child call. */
    const served = async (answers: { traceId: string }[]) => {
      const traces = await tracesOf(
        api,
        answers.map((a) => a.traceId),
        (spans) => servedBy(spans, 'inventory') && spans.some(isDb),
      );
      return traces
        .map((spans) => {
          const server = serverOf(spans, 'inventory');
          const first = spans.filter(isClient).sort((a, b) => offsetMs(a, server) - offsetMs(b, server))[0]!;
          return { server, firstChildMs: offsetMs(first, server), end: server.endTimeUnixNano };
        })
        .sort((a, b) => (a.end < b.end ? -1 : 1));
    };
    expect(await stack.fault('inventory', 'lock', '--holdMs', String(HOLD))).toContain(
      'injected into inventory: lock holdMs=300',
    );
    const fault = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const answers = await burst();
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
    const queued = await served(answers);
    // Serialised: each finishes at least a hold after the one before it, and the k-th waited k holds
    // before its first DB call (latency grows with concurrency, not per request).
    for (let k = 0; k < queued.length; k++) {
      expect(queued[k]!.firstChildMs).toBeGreaterThanOrEqual((k + 1) * HOLD * 0.8);
      if (k > 0) expect(Number(queued[k]!.end - queued[k - 1]!.end) / 1e6).toBeGreaterThanOrEqual(HOLD * 0.8);
    }
    expect(durationMs(queued.at(-1)!.server)).toBeGreaterThanOrEqual(4 * HOLD * 0.8);
    // Specificity: catalog is not queued.
    const catalog = await serverSpansSince(api, 'catalog', fault, 3);
    expect(median(catalog.map(durationMs))).toBeLessThan(HOLD / 2);

    expect(await stack.fault('--clear', 'inventory')).toContain('inventory: cleared lock');
    await sleep(SETTLE_MS);
    const after = await burst();
    expect(after.map((a) => a.status)).toEqual(Array(5).fill(200));
    const parallel = await served(after);
    expect(Number(parallel.at(-1)!.end - parallel[0]!.end) / 1e6).toBeLessThan(HOLD);
  }, 180_000);

  it('pool-exhaustion: orders waits for a connection before its DB spans, which stay fast; its pool metrics show it; inventory’s do not', async () => {
    const { api } = stack;
    const HOLD = 200;
    const burst = () =>
      probes(4, 4, (i) => call('GET', stack.url('orders', `/orders?userId=${userId(100 + i)}`)));
    const poolMax = (service: string, from: number) =>
      eventually(
        async () => {
          const points = await pointsIn(api, 'db.client.connection.max', service, since(from));
          return points.length > 0 ? points.at(-1)!.value : undefined;
        },
        60_000,
        `db.client.connection.max of ${service}`,
      );
    const waitSeconds = {
      name: 'db.client.connection.wait_time',
      value: (p: { sum: number | null }) => p.sum ?? 0,
    };

    expect(await stack.fault('orders', 'pool-exhaustion', '--holdMs', String(HOLD))).toContain(
      'injected into orders: pool-exhaustion size=1 holdMs=200',
    );
    const fault = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const answers = await burst();
    const burstDone = Date.now();
    expect(answers.map((a) => a.status)).toEqual(Array(4).fill(200));
    const traces = await tracesOf(
      api,
      answers.map((a) => a.traceId),
      (spans) => servedBy(spans, 'orders') && spans.some(isDb),
    );
    const waits = traces.map((spans) => {
      const server = serverOf(spans, 'orders');
      const db = spans.filter(isDb);
      return { server, db, waitMs: Math.min(...db.map((s) => offsetMs(s, server))) };
    });
    // The statements themselves stay fast; the time goes before them, queued for the one connection that
    // every release keeps for another hold.
    for (const { db } of waits) for (const span of db) expect(durationMs(span)).toBeLessThan(HOLD / 2);
    const longest = waits.reduce((a, b) => (a.waitMs > b.waitMs ? a : b));
    expect(longest.waitMs).toBeGreaterThanOrEqual(2 * HOLD * 0.9);
    expect(durationMs(longest.server)).toBeGreaterThanOrEqual(2 * HOLD * 0.9);
    // The pool metrics: one connection, and the waiting recorded. inventory's pool is untouched.
    expect(await poolMax('orders', fault)).toBe(1);
    expect(await poolMax('inventory', fault)).toBe(5);
    const waited = await across(api, waitSeconds, ['orders', 'inventory'], {
      from: fault,
      to: burstDone,
    });
    expect(waited.orders!.change).toBeGreaterThanOrEqual((2 * HOLD) / 1000);
    expect(waited.inventory!.change).toBeLessThan(HOLD / 1000 / 4);

    expect(await stack.fault('--clear', 'orders')).toContain('orders: cleared pool-exhaustion');
    const cleared = Date.now() + SETTLE_MS;
    // Checkouts queued under the fault get their connections at the clear: the fresh window starts at the
    // first reading after it, so their waiting is not counted in it.
    await readingSince(api, waitSeconds, ['orders'], cleared);
    const after = await burst();
    const afterDone = Date.now();
    expect(after.map((a) => a.status)).toEqual(Array(4).fill(200));
    expect(await poolMax('orders', cleared)).toBe(5);
    const restored = await tracesOf(
      api,
      after.map((a) => a.traceId),
      (spans) => servedBy(spans, 'orders') && spans.some(isDb),
    );
    for (const spans of restored) {
      const server = serverOf(spans, 'orders');
      expect(Math.min(...spans.filter(isDb).map((s) => offsetMs(s, server)))).toBeLessThan(HOLD);
    }
    const idle = await across(api, waitSeconds, ['orders'], { from: cleared, to: afterDone }, 'first-after');
    expect(idle.orders!.change).toBeLessThan(HOLD / 1000 / 2);
  }, 180_000);

  it('audit log: lists every fault this file injected and cleared, with its parameters', () => {
    const audit = readAudit(stack.dataDir);
    const expected = [
      ['payments', 'db-slow', { ms: 150 }],
      ['catalog', 'latency', { ms: 400, jitterMs: 0, share: 100 }],
      ['inventory', 'lock', { holdMs: 300 }],
      ['orders', 'pool-exhaustion', { size: 1, holdMs: 200 }],
    ] as const;
    for (const [service, kind, params] of expected) {
      expect(
        audit.find((e) => e.service === service && e.kind === kind && e.action === 'inject'),
      ).toMatchObject({
        params,
        by: 'admin',
        until: null,
      });
      expect(audit.some((e) => e.service === service && e.kind === kind && e.action === 'clear')).toBe(true);
    }
    expect(audit.filter((e) => e.action === 'inject')).toHaveLength(expected.length);
  });
});
