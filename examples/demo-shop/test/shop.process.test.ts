/**
 * The shop as it runs: seven real service processes started by the supervisor with the APO preload, calling
 * each other, exporting to a test OTLP/HTTP receiver (a stand-in for the agent that keeps what it gets, so
 * the tests can look at spans and log records). Every fault kind is injected through the admin endpoint or
 * the CLI, its effect checked at the HTTP and process level (and in the spans where that is the point), and
 * clearing it checked to restore the service. Timing checks are lower bounds implied by the injected
 * parameters; "restored" is checked as "at least one request is faster than the injected delay".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestOtlpReceiver,
  type ReceivedSpan,
  type TestOtlpReceiver,
} from '../../../apps/agent/test/instrument/otlp-test-receiver.ts';
import { readAudit } from '../src/faults/store.ts';
import { startShop, type Shop } from '../src/shop/start-shop.ts';
import { startTraffic } from '../src/traffic/generator.ts';
import type { ServiceName } from '../src/topology.ts';
import { call, cpuMs, eventually, freePortRange, runCli, writtenBytes } from './support/shop-harness.ts';

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
const ERROR = 2;

const CHECKOUT = {
  currency: 'EUR',
  items: [{ sku: 'SKU-10002', qty: 1 }],
  card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' },
  shippingAddress: {
    name: 'Test',
    line1: 'Keizersgracht 1',
    city: 'Amsterdam',
    postcode: '1015',
    country: 'NL',
  },
};

describe('demo shop: real service processes with the preload, spans captured by a test OTLP receiver', () => {
  let receiver: TestOtlpReceiver;
  let shop: Shop;
  let dataDir: string;
  const url = (name: ServiceName, path: string) => `${shop.service(name).url}${path}`;
  const admin = async (name: ServiceName, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${shop.service(name).adminUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const inject = async (
    name: ServiceName,
    kind: string,
    params: Record<string, unknown> = {},
    forMs?: number,
  ) => {
    const res = await admin(name, 'POST', '/faults', { kind, params, forMs });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  };
  const clear = (name: ServiceName) => admin(name, 'DELETE', '/faults');
  const spansOf = (traceId: string) => receiver.spans().filter((s) => s.span.traceId === traceId);
  const waitSpans = (what: string, traceId: string, ok: (spans: ReceivedSpan[]) => boolean) =>
    eventually(what, () => {
      const spans = spansOf(traceId);
      return ok(spans) ? spans : undefined;
    });
  const service = (s: ReceivedSpan) => s.resource['service.name'] as string;
  const ms = (s: ReceivedSpan) => Number(s.span.endTimeUnixNano - s.span.startTimeUnixNano) / 1e6;

  beforeAll(async () => {
    receiver = await startTestOtlpReceiver();
    dataDir = mkdtempSync(join(tmpdir(), 'demo-shop-test-'));
    shop = await startShop({
      dataDir,
      agentUrl: receiver.url,
      ...(await freePortRange(7)),
      database: 'sqlite',
      redisUrl: null,
      traffic: false,
      exportIntervals: { spansMs: 200, logsMs: 200, metricsMs: 60_000 },
      restartBackoff: { initialMs: 200, maxMs: 1000 },
      readyTimeoutMs: 90_000,
    });
  }, 120_000);
  afterAll(async () => {
    await (shop as Shop | undefined)?.stop();
    await (receiver as TestOtlpReceiver | undefined)?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('traces a checkout across five services and the queue, with SQLite client spans and trace-id logs', async () => {
    const checkout = await call('POST', url('gateway', '/api/checkout'), CHECKOUT, {
      'x-user-id': 'u-00042',
    });
    expect(checkout.status, JSON.stringify(checkout.body)).toBe(201);
    const spans = await waitSpans(
      'the checkout trace down to the notifications consumer',
      checkout.traceId,
      (s) => s.some((x) => x.span.kind === CONSUMER),
    );
    expect(new Set(spans.map(service))).toEqual(
      new Set(['gateway', 'orders', 'catalog', 'inventory', 'payments', 'fraud', 'notifications']),
    );
    const producer = spans.find((s) => s.span.kind === PRODUCER)!;
    const consumer = spans.find((s) => s.span.kind === CONSUMER)!;
    expect(service(producer)).toBe('orders');
    expect(consumer.span.parentSpanId).toBe(producer.span.spanId);
    expect(consumer.span.links.map((l) => l.spanId)).toEqual([producer.span.spanId]);
    expect(consumer.span.attributes['messaging.destination.name']).toBe('order-events');
    const sqlite = spans.filter(
      (s) => s.span.kind === CLIENT && s.span.attributes['db.system.name'] === 'sqlite',
    );
    expect(new Set(sqlite.map(service))).toEqual(
      new Set(['gateway', 'orders', 'catalog', 'inventory', 'payments', 'fraud', 'notifications']),
    );
    expect(spans.find((s) => service(s) === 'payments')?.resource['service.version']).toBe('1.12.2');
    const log = await eventually('the "order placed" log record', () =>
      receiver.logs().find((l) => l.record.traceId === checkout.traceId && l.record.body === 'order placed'),
    );
    expect(log.resource['service.name']).toBe('orders');

    // A product page fans out from the gateway to catalog (twice) and inventory at once.
    const page = await call('GET', url('gateway', '/api/products/SKU-10007'));
    expect(page.status).toBe(200);
    const fanOut = await waitSpans(
      'the product page trace',
      page.traceId,
      (s) => s.filter((x) => x.span.kind === SERVER).length >= 4,
    );
    expect(
      fanOut
        .filter((s) => s.span.kind === SERVER)
        .map(service)
        .sort(),
    ).toEqual(['catalog', 'catalog', 'gateway', 'inventory']);
    // Natural errors: a declined card is a 402, not a 5xx.
    const declined = await call(
      'POST',
      url('gateway', '/api/checkout'),
      { ...CHECKOUT, card: { ...CHECKOUT.card, number: '4000000000000002' } },
      { 'x-user-id': 'u-00043' },
    );
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({ error: 'card_declined' });
  });

  it('keeps admin calls out of the traces', async () => {
    for (const s of shop.services) expect((await admin(s.name, 'GET', '/healthz')).status).toBe(200);
    const marker = await call('GET', url('catalog', '/products/SKU-10001'));
    await waitSpans('a later catalog span', marker.traceId, (s) => s.length > 0);
    const adminPorts = new Set(shop.services.map((s) => Number(new URL(s.adminUrl).port)));
    expect(receiver.spans().filter((s) => adminPorts.has(Number(s.span.attributes['server.port'])))).toEqual(
      [],
    );
  });

  it('latency: adds the delay to the handler; clearing removes it', async () => {
    await inject('catalog', 'latency', { ms: 800, jitterMs: 0 });
    const slow = await call('GET', url('gateway', '/api/search?q=kettle'));
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(800);
    await clear('catalog');
    const after = await Promise.all([1, 2, 3].map(() => call('GET', url('gateway', '/api/search?q=kettle'))));
    expect(Math.min(...after.map((a) => a.ms))).toBeLessThan(800);
  });

  it('db-slow: the DB client spans themselves become slow', async () => {
    await inject('catalog', 'db-slow', { ms: 300 });
    const slow = await call('GET', url('catalog', '/products/SKU-10003'));
    expect(slow.status).toBe(200);
    const spans = await waitSpans('the slow product lookup', slow.traceId, (s) =>
      s.some((x) => x.span.kind === SERVER),
    );
    const db = spans.filter((s) => s.span.attributes['db.system.name'] === 'sqlite');
    expect(db.length).toBeGreaterThanOrEqual(2);
    for (const s of db) expect(ms(s)).toBeGreaterThanOrEqual(290);
    await clear('catalog');
    const fast = await call('GET', url('catalog', '/products/SKU-10004'));
    const after = await waitSpans('the product lookup after clearing', fast.traceId, (s) =>
      s.some((x) => x.span.kind === SERVER),
    );
    expect(
      Math.min(...after.filter((s) => s.span.attributes['db.system.name'] === 'sqlite').map(ms)),
    ).toBeLessThan(300);
  });

  it('cpu: each request burns the CPU time asked for', async () => {
    const pid = shop.service('catalog').pid!;
    await inject('catalog', 'cpu', { ms: 250 });
    const before = cpuMs(pid);
    for (let i = 0; i < 3; i++)
      expect((await call('GET', url('catalog', '/products/SKU-10001'))).status).toBe(200);
    expect(cpuMs(pid) - before).toBeGreaterThanOrEqual(700);
    await clear('catalog');
  });

  it('lock: concurrent requests are served one at a time', async () => {
    await inject('inventory', 'lock', { holdMs: 300 });
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => call('GET', url('inventory', '/stock/SKU-10001'))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    // The last one waited for the three before it.
    expect(Math.max(...answers.map((a) => a.ms))).toBeGreaterThanOrEqual(1200);
    await clear('inventory');
  });

  it('errors: 5xx with error spans and error logs carrying the trace id; callers fail too', async () => {
    await inject('inventory', 'errors', { rate: 100, status: 503 });
    const direct = await call('GET', url('inventory', '/stock/SKU-10001'));
    expect(direct.status).toBe(503);
    const viaGateway = await call('GET', url('gateway', '/api/products/SKU-10001'));
    expect(viaGateway.status).toBe(502);
    const spans = await waitSpans('the failed inventory span', direct.traceId, (s) =>
      s.some((x) => x.span.kind === SERVER),
    );
    expect(spans.find((s) => s.span.kind === SERVER)?.span.status.code).toBe(ERROR);
    const log = await eventually('an error log record with the trace id', () =>
      receiver.logs().find((l) => l.record.traceId === direct.traceId && l.record.severityNumber >= 17),
    );
    expect(log.record.body).toBe('request failed');
    await clear('inventory');
    expect((await call('GET', url('inventory', '/stock/SKU-10001'))).status).toBe(200);
  });

  it('downstream-timeout: the call hangs until the caller times out; the target never sees it', async () => {
    await inject('orders', 'downstream-timeout', { target: 'payments', timeoutMs: 800 });
    const checkout = await call('POST', url('gateway', '/api/checkout'), CHECKOUT, {
      'x-user-id': 'u-00044',
    });
    expect(checkout.status).toBe(504);
    expect(checkout.ms).toBeGreaterThanOrEqual(800);
    const spans = await waitSpans('the timed-out checkout', checkout.traceId, (s) =>
      s.some((x) => service(x) === 'gateway' && x.span.kind === SERVER),
    );
    expect(spans.filter((s) => service(s) === 'payments')).toEqual([]);
    const paymentsPort = Number(new URL(shop.service('payments').url).port);
    const hung = spans.find(
      (s) => s.span.kind === CLIENT && Number(s.span.attributes['server.port']) === paymentsPort,
    );
    expect(hung?.span.status.code).toBe(ERROR);
    expect(ms(hung!)).toBeGreaterThanOrEqual(790);
    await clear('orders');
    expect(
      (await call('POST', url('gateway', '/api/checkout'), CHECKOUT, { 'x-user-id': 'u-00044' })).status,
    ).toBe(201);
  });

  it('gc-pressure: the heap grows with the retained working set', async () => {
    const heap = async () =>
      ((await admin('catalog', 'GET', '/healthz')).body.memory as { heapUsed: number }).heapUsed;
    const before = await heap();
    await inject('catalog', 'gc-pressure', { mb: 64, retainMb: 64 });
    for (let i = 0; i < 6; i++)
      expect((await call('GET', url('catalog', '/products/SKU-10001'))).status).toBe(200);
    expect((await heap()) - before).toBeGreaterThanOrEqual(20 * 1024 * 1024);
    await clear('catalog');
  });

  it('disk-io: each request writes (and fsyncs) what was asked', async () => {
    const pid = shop.service('inventory').pid!;
    await inject('inventory', 'disk-io', { writes: 8, kb: 128 });
    const before = writtenBytes(pid);
    for (let i = 0; i < 4; i++)
      expect((await call('GET', url('inventory', '/stock/SKU-10001'))).status).toBe(200);
    expect(writtenBytes(pid) - before).toBeGreaterThanOrEqual(4 * 8 * 128 * 1024);
    await clear('inventory');
  });

  it('pool-exhaustion: units of work queue for the one connection before their DB spans', async () => {
    await inject('orders', 'pool-exhaustion', { size: 1, holdMs: 400 });
    const answers = await Promise.all(
      [1, 2, 3].map(() => call('GET', url('orders', '/orders?userId=u-00042'))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const last = answers.reduce((a, b) => (a.ms > b.ms ? a : b));
    expect(last.ms).toBeGreaterThanOrEqual(800);
    const spans = await waitSpans('the slowest order lookup', last.traceId, (s) =>
      s.some((x) => x.span.kind === SERVER),
    );
    const server = spans.find((s) => s.span.kind === SERVER)!;
    const db = spans.find((s) => s.span.attributes['db.system.name'] === 'sqlite')!;
    expect(Number(db.span.startTimeUnixNano - server.span.startTimeUnixNano) / 1e6).toBeGreaterThanOrEqual(
      400,
    );
    expect(
      ((await admin('orders', 'GET', '/healthz')).body.database as { pool: { size: number } }).pool.size,
    ).toBe(1);
    await clear('orders');
    expect(
      ((await admin('orders', 'GET', '/healthz')).body.database as { pool: { size: number } }).pool.size,
    ).toBe(5);
  });

  it('crash-loop: the process exits and is restarted until cleared (with the CLI)', async () => {
    const first = shop.service('fraud').pid!;
    await inject('fraud', 'crash-loop', { afterMs: 700 });
    const pids = new Set<number>([first]);
    await eventually('three fraud processes', () => {
      const pid = shop.service('fraud').pid;
      if (pid !== undefined) pids.add(pid);
      return pids.size >= 3 ? true : undefined;
    });
    expect(shop.service('fraud').restarts).toBeGreaterThanOrEqual(2);
    const cleared = await runCli(['--clear', 'fraud'], dataDir);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toContain('fraud: cleared crash-loop');
    const survivor = await eventually(
      'fraud up after clearing',
      async () => (await admin('fraud', 'GET', '/healthz')).body.pid as number | undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await admin('fraud', 'GET', '/healthz')).body.pid).toBe(survivor);
  });

  it('bad-deploy: restarts with a new service.version that fails; clearing rolls back', async () => {
    const before = shop.service('payments').pid;
    await inject('payments', 'bad-deploy', { version: '9.9.9', rate: 100 });
    await eventually('payments 9.9.9', async () =>
      (await admin('payments', 'GET', '/healthz')).body.version === '9.9.9' ? true : undefined,
    );
    expect(shop.service('payments').version).toBe('9.9.9');
    expect(shop.service('payments').pid).not.toBe(before);
    const checkout = await call('POST', url('gateway', '/api/checkout'), CHECKOUT, {
      'x-user-id': 'u-00045',
    });
    expect(checkout.status).toBe(502);
    const spans = await waitSpans('the failed payment', checkout.traceId, (s) =>
      s.some((x) => service(x) === 'payments'),
    );
    const payment = spans.find((s) => service(s) === 'payments' && s.span.kind === SERVER)!;
    expect(payment.resource['service.version']).toBe('9.9.9');
    expect(payment.span.status.code).toBe(ERROR);
    await clear('payments');
    await eventually('payments rolled back', async () =>
      (await admin('payments', 'GET', '/healthz')).body.version === '1.12.2' ? true : undefined,
    );
    expect(
      (await call('POST', url('gateway', '/api/checkout'), CHECKOUT, { 'x-user-id': 'u-00045' })).status,
    ).toBe(201);
  });

  it('--for: the service ends the fault itself and audits the expiry', async () => {
    await inject('gateway', 'latency', { ms: 1 }, 1000);
    await eventually('the latency fault to expire', async () => {
      const { body } = await admin('gateway', 'GET', '/faults');
      return (body.faults as unknown[]).length === 0 ? true : undefined;
    });
    const expired = readAudit(dataDir).find((e) => e.service === 'gateway' && e.action === 'expire');
    expect(expired).toMatchObject({ kind: 'latency', by: 'expiry', params: { ms: 1 } });
  });

  it('the CLI injects, lists and clears through the running shop; the audit log has every change', async () => {
    const injected = await runCli(['inventory', 'latency', '--ms', '50', '--for', '10m'], dataDir);
    expect(injected.code, injected.stderr).toBe(0);
    expect(injected.stdout).toContain('injected into inventory: latency ms=50 jitterMs=100 share=100');
    // Bad arguments are refused before anything is sent: no change reaches the shop or the audit log.
    const lines = readAudit(dataDir).length;
    const refused = await runCli(['inventory', 'latency', '--delay', '5'], dataDir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'unknown parameter --delay for latency (valid: --ms, --jitterMs, --share)',
    );
    expect(readAudit(dataDir)).toHaveLength(lines);
    const listed = await runCli(['--list'], dataDir);
    expect(listed.stdout).toMatch(/inventory: latency ms=50 .*left/);
    expect((await runCli(['--clear'], dataDir)).code).toBe(0);
    expect((await admin('inventory', 'GET', '/faults')).body.faults).toEqual([]);
    const audit = readAudit(dataDir);
    for (const kind of [
      'latency',
      'db-slow',
      'cpu',
      'lock',
      'errors',
      'downstream-timeout',
      'gc-pressure',
      'disk-io',
      'crash-loop',
      'bad-deploy',
      'pool-exhaustion',
    ]) {
      expect(
        audit.some((e) => e.kind === kind && e.action === 'inject'),
        kind,
      ).toBe(true);
      expect(
        audit.some((e) => e.kind === kind && e.action !== 'inject'),
        kind,
      ).toBe(true);
    }
    expect(audit.find((e) => e.kind === 'latency' && e.service === 'inventory')?.until).toMatch(
      /^\d{4}-\d\d-\d\dT/,
    );
  });

  it('the traffic generator sends a mix of requests the shop mostly answers', async () => {
    const traffic = startTraffic({
      target: shop.service('gateway').url,
      rps: 15,
      dayMs: 60_000,
      startPhase: 0.6,
    });
    await eventually('40 requests answered', () => {
      const s = traffic.stats();
      return s.sent - s.inFlight >= 40 ? true : undefined;
    });
    await traffic.stop();
    const stats = traffic.stats();
    const ok = Object.entries(stats.byStatus)
      .filter(([status]) => /^2/.test(status))
      .reduce((n, [, c]) => n + c, 0);
    expect(ok / stats.sent).toBeGreaterThan(0.8);
    expect(Object.keys(stats.byScenario).length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(stats.byStatus).filter((s) => /^5/.test(s))).toEqual([]);
  });
});
