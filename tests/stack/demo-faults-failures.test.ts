/**
 * Fault signatures in the stored data, the failing kinds: the demo shop (seven services with the preload,
 * steady traffic) → apo-agent (every span kept, processes sampled every second, restart and version-change
 * events) → apo-server, real processes. Each fault is injected with the fault CLI into one service, its
 * signature read back through the server's tRPC API — error spans and the error logs of the same traces,
 * timed-out client spans, restart and version events, process metrics — checked to be absent from unrelated
 * services, and gone again in a fresh window after `--clear`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAudit } from '../../examples/demo-shop/src/index.ts';
import { eventually } from './support/agent-process.ts';
import { call, checkoutBody, probes, stockedSkus, userId, type Answer } from './support/demo-probes.ts';
import {
  across,
  callsPort,
  durationMs,
  eventsIn,
  isClient,
  isDb,
  isError,
  isServer,
  logsIn,
  pidsIn,
  pointsIn,
  serverSpansSince,
  servedBy,
  since,
  spansIn,
  tracesOf,
  type StoredSpan,
} from './support/demo-signals.ts';
import { startDemoStack, type DemoStack } from './support/demo-stack.ts';
import { attributeValue } from '../../packages/shared/src/model/index.ts';

/** Spans starting this long after an injection or a clear are clear of requests already under way. */
const SETTLE_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const serverOf = (spans: StoredSpan[], service: string) =>
  spans.find((s) => s.service === service && isServer(s))!;

describe('demo shop faults → agent → server: errors, downstream-timeout, crash-loop, bad-deploy signatures', () => {
  let stack: DemoStack;
  let skus: string[];
  let users = 0;

  beforeAll(async () => {
    stack = await startDemoStack();
    skus = await stockedSkus(stack.shop.service('inventory').url, 10);
  }, 180_000);
  afterAll(async () => {
    await (stack as DemoStack | undefined)?.dispose();
  });

  const checkout = (): Promise<Answer> => {
    const n = users++;
    return call('POST', stack.url('gateway', '/api/checkout'), checkoutBody(skus[n % skus.length]), {
      'x-user-id': userId(500 + n),
    });
  };
  const admin = async (service: 'fraud' | 'payments') =>
    (await (await fetch(`${stack.shop.service(service).adminUrl}/healthz`)).json()) as {
      pid: number;
      version: string;
      uptimeMs: number;
    };

  it('errors: inventory’s failing requests are error spans with error logs of the same traces, its callers fail; catalog does not', async () => {
    const { api } = stack;
    const productPage = (i: number) => call('GET', stack.url('gateway', `/api/products/SKU-${10_041 + i}`));
    expect(await stack.fault('inventory', 'errors', '--rate', '60', '--status', '503')).toContain(
      'injected into inventory: errors rate=60 status=503',
    );
    const fault = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const answers = await probes(12, 3, productPage);
    const failed = answers.filter((a) => a.status === 502);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length + answers.filter((a) => a.status === 200).length).toBe(answers.length);

    // The failed requests are error spans of inventory answering 503, and only those.
    const inventory = await serverSpansSince(api, 'inventory', fault, 12);
    const errors = inventory.filter(isError);
    expect(errors.length).toBeGreaterThanOrEqual(failed.length);
    for (const span of inventory) {
      expect(attributeValue(span.attributes, 'http.response.status_code') === '503').toBe(isError(span));
    }
    // Each has a "request failed" error log of inventory in the same trace.
    for (const span of errors) {
      const logs = await eventually(
        async () => {
          const found = await logsIn(api, { ...since(fault), traceId: span.traceId, severity: 'error' });
          return found.length > 0 ? found : undefined;
        },
        60_000,
        `the error log of trace ${span.traceId}`,
      );
      expect(logs.map((l) => [l.service, l.body])).toContainEqual(['inventory', 'request failed']);
    }
    // The callers fail with it: the gateway's product page ends in error in those traces.
    for (const spans of await tracesOf(
      api,
      failed.map((a) => a.traceId),
      (spans) => servedBy(spans, 'gateway', 'inventory'),
    )) {
      expect(isError(serverOf(spans, 'inventory'))).toBe(true);
      const gateway = serverOf(spans, 'gateway');
      expect(gateway.status.code).toBe(2);
      expect(attributeValue(gateway.attributes, 'http.response.status_code')).toBe('502');
    }
    // RED counts them (from every span): inventory had no 5xx before the fault in these minutes.
    await eventually(
      async () => {
        const red = await api.services.red.query({ service: 'inventory', ...since(fault), step: 60 });
        const total = red.reduce((n, p) => n + p.errors, 0);
        return total >= errors.length ? total : undefined;
      },
      60_000,
      'the failed requests in inventory’s RED',
    );
    // Specificity: catalog, in the same product pages, neither fails nor logs errors.
    const catalog = await serverSpansSince(api, 'catalog', fault, 12);
    expect(catalog.filter(isError)).toEqual([]);
    expect(await logsIn(api, { ...since(fault), service: 'catalog', severity: 'error' })).toEqual([]);

    expect(await stack.fault('--clear', 'inventory')).toContain('inventory: cleared errors');
    const cleared = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const after = await probes(12, 3, (i) => productPage(i + 12));
    expect(after.map((a) => a.status)).toEqual(Array(12).fill(200));
    await tracesOf(
      api,
      after.map((a) => a.traceId),
      (spans) => servedBy(spans, 'gateway', 'inventory'),
    );
    expect((await serverSpansSince(api, 'inventory', cleared, 12)).filter(isError)).toEqual([]);
    expect(await logsIn(api, { ...since(cleared), service: 'inventory', severity: 'error' })).toEqual([]);
  }, 180_000);

  it('downstream-timeout: orders’ calls to payments end in error at the timeout, payments never sees them and stays fine', async () => {
    const { api } = stack;
    const TIMEOUT = 1000;
    const paymentsPort = stack.port('payments');
    expect(
      await stack.fault(
        'orders',
        'downstream-timeout',
        '--target',
        'payments',
        '--timeoutMs',
        String(TIMEOUT),
      ),
    ).toContain('injected into orders: downstream-timeout target=payments timeoutMs=1000');
    const fault = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const answers = await probes(3, 3, checkout);
    const faultEnd = Date.now();
    expect(answers.map((a) => a.status)).toEqual([504, 504, 504]);
    const traces = await tracesOf(
      api,
      answers.map((a) => a.traceId),
      (spans) => servedBy(spans, 'gateway', 'orders') && spans.some((s) => callsPort(s, paymentsPort)),
    );
    for (const spans of traces) {
      const hung = spans.find((s) => s.service === 'orders' && callsPort(s, paymentsPort))!;
      expect(isError(hung)).toBe(true);
      expect(durationMs(hung)).toBeGreaterThanOrEqual(TIMEOUT * 0.95);
      expect(spans.filter((s) => s.service === 'payments')).toEqual([]);
      // Up the chain: orders and the gateway answer 504.
      for (const service of ['orders', 'gateway']) {
        const server = serverOf(spans, service);
        expect(server.status.code).toBe(2);
        expect(attributeValue(server.attributes, 'http.response.status_code')).toBe('504');
      }
      // Specificity: orders' other calls in the same checkout (inventory, catalog) succeed.
      const others = spans.filter(
        (s) => s.service === 'orders' && isClient(s) && !isDb(s) && !callsPort(s, paymentsPort),
      );
      expect(others.length).toBeGreaterThan(0);
      expect(others.filter(isError)).toEqual([]);
      const logs = await eventually(
        async () => {
          const found = await logsIn(api, { ...since(fault), traceId: hung.traceId, service: 'orders' });
          return found.some((l) => l.severityNumber >= 17) ? found : undefined;
        },
        60_000,
        `orders' error log of trace ${hung.traceId}`,
      );
      // The error is orders' own 504 answer, logged by its error handler in the hung call's trace.
      expect(
        logs.filter((l) => l.severityNumber >= 17).map((l) => [l.service, l.traceId, l.body]),
      ).toContainEqual(['orders', hung.traceId, 'request failed']);
    }
    // The target itself is fine: no error spans or logs, and the same process kept running throughout.
    expect(await spansIn(api, { service: 'payments', ...since(fault), status: 'error' })).toEqual([]);
    expect(await logsIn(api, { ...since(fault), service: 'payments', severity: 'error' })).toEqual([]);
    const uptime = await across(api, { name: 'process.uptime' }, ['payments'], { from: fault, to: faultEnd });
    expect(uptime.payments!.change).toBeGreaterThanOrEqual(((faultEnd - fault) / 1000) * 0.5);

    expect(await stack.fault('--clear', 'orders')).toContain('orders: cleared downstream-timeout');
    await sleep(SETTLE_MS);
    const after = await probes(3, 3, checkout);
    expect(after.map((a) => a.status)).toEqual([201, 201, 201]);
    for (const spans of await tracesOf(
      api,
      after.map((a) => a.traceId),
      (spans) =>
        servedBy(spans, 'gateway', 'orders', 'payments') && spans.some((s) => callsPort(s, paymentsPort)),
    )) {
      const charge = spans.find((s) => s.service === 'orders' && callsPort(s, paymentsPort))!;
      expect(isError(charge)).toBe(false);
      expect(durationMs(charge)).toBeLessThan(TIMEOUT);
    }
  }, 180_000);

  it('crash-loop: the agent reports fraud’s restarts, each run ends with a fatal log, payments’ calls fail; nothing else restarts', async () => {
    const { api } = stack;
    const AFTER = 1500;
    const firstPid = String(stack.shop.service('fraud').pid);
    const fault = Date.now();
    expect(await stack.fault('fraud', 'crash-loop', '--afterMs', String(AFTER))).toContain(
      'injected into fraud: crash-loop afterMs=1500 exitCode=1',
    );
    // Checkouts while it crashes and comes back: some reach fraud while it is down.
    const sent: Answer[] = [];
    const stopSending = new AbortController();
    const sender = (async () => {
      while (!stopSending.signal.aborted) {
        sent.push(await checkout());
        await sleep(300);
      }
    })();
    const restarts = await eventually(
      async () => {
        const found = await eventsIn(api, { ...since(fault), service: 'fraud', name: 'process.restart' });
        return found.length >= 2 && sent.some((a) => a.status === 502) ? found : undefined;
      },
      60_000,
      'two restarts of fraud and a failed checkout',
    );
    stopSending.abort();
    await sender;
    // Each restart names the process before and after it: a chain of distinct processes.
    const pids = new Set<string>();
    for (const event of restarts) {
      expect(event.instance).toBe(restarts[0]!.instance);
      expect(attributeValue(event.attributes, 'process.pid')).not.toBe(
        attributeValue(event.attributes, 'apo.previous.process.pid'),
      );
      pids.add(attributeValue(event.attributes, 'process.pid')!);
      pids.add(attributeValue(event.attributes, 'apo.previous.process.pid')!);
    }
    expect(pids.size).toBeGreaterThanOrEqual(3);
    expect(pids.has(firstPid)).toBe(true);
    // The process collector saw those processes, and each run ended with a fatal log of its own.
    expect((await pidsIn(api, 'process.uptime', 'fraud', since(fault - 1000))).length).toBeGreaterThanOrEqual(
      3,
    );
    const fatal = await eventually(
      async () => {
        const logs = await logsIn(api, { ...since(fault), service: 'fraud', severity: 'fatal' });
        return new Set(logs.map((l) => attributeValue(l.resource, 'process.pid'))).size >= 2
          ? logs
          : undefined;
      },
      60_000,
      'fatal logs of two fraud processes',
    );
    expect(new Set(fatal.map((l) => l.body))).toEqual(new Set(['unrecoverable error, exiting']));
    // Its caller fails while it is down: payments' call to fraud is an error span, the checkout a 502.
    const failedCheckout = sent.find((a) => a.status === 502)!;
    const [trace] = await tracesOf(api, [failedCheckout.traceId], (spans) =>
      servedBy(spans, 'gateway', 'payments'),
    );
    const toFraud = trace!.filter((s) => s.service === 'payments' && callsPort(s, stack.port('fraud')));
    expect(toFraud.length).toBeGreaterThan(0);
    expect(toFraud.every(isError)).toBe(true);
    // Specificity: no other service restarted.
    const all = await eventsIn(api, { ...since(fault), name: 'process.restart' });
    expect(new Set(all.map((e) => e.service))).toEqual(new Set(['fraud']));

    expect(await stack.fault('--clear', 'fraud')).toContain('fraud: cleared crash-loop');
    // The process that survives the clear outlives the crash delay, and the agent sees no restart after it.
    const survivor = await eventually(async () => admin('fraud').catch(() => undefined), 60_000, 'fraud up');
    const survivorStart = Date.now() - survivor.uptimeMs;
    await sleep(Math.max(0, survivorStart + 2 * AFTER + 1000 - Date.now()));
    expect((await probes(2, 1, checkout)).map((a) => a.status)).toEqual([201, 201]);
    expect((await admin('fraud')).pid).toBe(survivor.pid);
    const calm = since(survivorStart + SETTLE_MS);
    const lived = await eventually(
      async () => {
        const points = await pointsIn(api, 'process.uptime', 'fraud', since(calm.from));
        return points.some((p) => p.value >= (2 * AFTER) / 1000) ? points : undefined;
      },
      60_000,
      'fraud running past twice the crash delay',
    );
    expect(new Set(lived.map((p) => attributeValue(p.resource, 'process.pid')))).toEqual(
      new Set([String(survivor.pid)]),
    );
    expect(await eventsIn(api, { ...since(calm.from), service: 'fraud', name: 'process.restart' })).toEqual(
      [],
    );
  }, 180_000);

  it('bad-deploy: payments restarts as a new service.version, errors come with it only, and --clear brings the old version back', async () => {
    const { api } = stack;
    const OLD = stack.shop.service('payments').version;
    expect(OLD).toBe('1.12.2');
    // The restart may happen before the CLI has exited: events are looked for from before it ran.
    const fault = Date.now();
    const out = await stack.fault('payments', 'bad-deploy', '--rate', '60');
    expect(out).toContain('injected into payments: bad-deploy version=1.13.0 rate=60');
    await eventually(
      async () => ((await admin('payments').catch(() => undefined))?.version === '1.13.0' ? true : undefined),
      60_000,
      'payments 1.13.0 up',
    );
    const deployed = Date.now();
    const answers = await probes(10, 2, checkout);
    const failed = answers.filter((a) => a.status === 502);
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length + answers.filter((a) => a.status === 201).length).toBe(answers.length);

    // The agent reports the new version of the same instance, with its restart.
    const change = await eventually(
      async () => {
        const found = await eventsIn(api, {
          ...since(fault),
          service: 'payments',
          name: 'service.version.change',
        });
        return found.length > 0 ? found : undefined;
      },
      60_000,
      'the version change of payments',
    );
    expect(change).toHaveLength(1);
    expect(Object.fromEntries(change[0]!.attributes)).toMatchObject({
      'service.version': '1.13.0',
      'apo.previous.service.version': OLD,
    });
    expect(
      await eventsIn(api, { ...since(fault), service: 'payments', name: 'process.restart' }),
    ).toHaveLength(1);
    // Its spans carry the new version, and every failure is the new version's, logged in the same trace.
    const payments = await serverSpansSince(api, 'payments', deployed, answers.length);
    expect(new Set(payments.map((s) => s.serviceVersion))).toEqual(new Set(['1.13.0']));
    const errors = payments.filter(isError);
    expect(errors.length).toBeGreaterThanOrEqual(failed.length);
    for (const span of errors) {
      const logs = await eventually(
        async () => {
          const found = await logsIn(api, { ...since(deployed), traceId: span.traceId, severity: 'error' });
          return found.length > 0 ? found : undefined;
        },
        60_000,
        `the error log of trace ${span.traceId}`,
      );
      expect(logs.map((l) => [l.service, l.serviceVersion, l.body])).toContainEqual([
        'payments',
        '1.13.0',
        'request failed',
      ]);
    }
    const errorLogs = await logsIn(api, { ...since(fault), service: 'payments', severity: 'error' });
    expect(new Set(errorLogs.map((l) => l.serviceVersion))).toEqual(new Set(['1.13.0']));
    // Specificity: nothing else changed version, orders' spans still carry its own.
    const versions = await eventsIn(api, { ...since(fault), name: 'service.version.change' });
    expect(versions.map((e) => e.service)).toEqual(['payments']);
    const orders = await serverSpansSince(api, 'orders', fault, answers.length);
    expect(new Set(orders.map((s) => s.serviceVersion))).toEqual(new Set(['3.1.4']));

    expect(await stack.fault('--clear', 'payments')).toContain('payments: cleared bad-deploy');
    await eventually(
      async () => ((await admin('payments').catch(() => undefined))?.version === OLD ? true : undefined),
      60_000,
      'payments rolled back',
    );
    const cleared = Date.now() + SETTLE_MS;
    await sleep(SETTLE_MS);
    const rollback = await eventually(
      async () => {
        const found = await eventsIn(api, {
          ...since(fault),
          service: 'payments',
          name: 'service.version.change',
        });
        return found.find((e) => attributeValue(e.attributes, 'service.version') === OLD);
      },
      60_000,
      'the version change back',
    );
    expect(attributeValue(rollback.attributes, 'apo.previous.service.version')).toBe('1.13.0');
    const after = await probes(6, 2, checkout);
    expect(after.map((a) => a.status)).toEqual(Array(6).fill(201));
    const fresh = await serverSpansSince(api, 'payments', cleared, after.length);
    expect(new Set(fresh.map((s) => s.serviceVersion))).toEqual(new Set([OLD]));
    expect(fresh.filter(isError)).toEqual([]);
  }, 180_000);

  it('audit log: lists every fault this file injected and cleared, with its parameters', () => {
    const audit = readAudit(stack.dataDir);
    const expected = [
      ['inventory', 'errors', { rate: 60, status: 503 }],
      ['orders', 'downstream-timeout', { target: 'payments', timeoutMs: 1000 }],
      ['fraud', 'crash-loop', { afterMs: 1500, exitCode: 1 }],
      ['payments', 'bad-deploy', { version: '1.13.0', rate: 60 }],
    ] as const;
    for (const [service, kind, params] of expected) {
      expect(
        audit.find((e) => e.service === service && e.kind === kind && e.action === 'inject'),
      ).toMatchObject({ params, by: 'admin', until: null });
      expect(audit.some((e) => e.service === service && e.kind === kind && e.action === 'clear')).toBe(true);
    }
    expect(audit.filter((e) => e.action === 'inject')).toHaveLength(expected.length);
  });
});
