/**
 * `overview.services` and `overview.endpoints` against a real server process over a data directory seeded
 * with the overview's demo world (test/support/overview-seed.ts): a degraded service with exact figures
 * and score, most degraded first, an inactive service greyed, namespace and search filters, log errors,
 * last restart and version change, the degraded service's endpoints, thresholds from the settings store,
 * and bad input refused with a 400 naming the field.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_THRESHOLDS } from '@apo/shared/console';
import type { HealthThresholds, ServiceOverview, ServicesOverview } from '@apo/shared/console';
import { seedOverviewDemo } from './support/overview-seed.ts';
import { openStorage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let server: ServerProcess;
let api: ApiClient;
/** The end of the seeded minutes; the tests' range is the hour before it. */
let end: number;

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'apo-overview-test-'));
  const storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  try {
    end = await seedOverviewDemo(storage, Date.now());
  } finally {
    await storage.close();
  }
  server = await startServerProcess({ dataDir });
  api = apiClient(server.httpUrl);
}, 120_000);
afterAll(async () => {
  await server.dispose();
});

const lastHour = () => ({ from: end - HOUR, to: end });
const byName = (o: ServicesOverview, name: string): ServiceOverview => {
  const s = o.services.find((x) => x.service === name);
  if (s === undefined) throw new Error(`${name} not in ${o.services.map((x) => x.service).join(', ')}`);
  return s;
};

describe('overview.services (real server process, seeded demo)', () => {
  it('scores the degraded service from its p95 day over day and lists it first', async () => {
    const o = await api.overview.services.query(lastHour());
    expect(o.compareWith).toBe('day');
    expect(o.services.map((s) => [s.service, s.active, s.health.level])).toEqual([
      ['checkout', true, 'critical'],
      ['cart', true, 'ok'],
      ['payments', true, 'ok'],
      ['catalog', false, 'ok'],
    ]);
    const checkout = byName(o, 'checkout');
    // Per minute: 20 in (10, 25], 90 in (50, 100], 10 in (100, 250] (a day ago: 100 in (50, 100]).
    // Rank 0.95 × 7,200 = 6,840 over the hour: 100 + 150 × (6,840 − 6,600) / 600 = 160 ms; then
    // 50 + 50 × (6,840 − 1,200) / 6,000 = 97 ms.
    expect(checkout.latencyP95).toEqual({ value: 160, dayAgo: 97, weekAgo: 97 });
    expect(checkout.throughput).toEqual({ value: 2, dayAgo: 2, weekAgo: 2 });
    expect(checkout.errorRate).toEqual({ value: 0, dayAgo: 0, weekAgo: 0 });
    expect(checkout.latencyAvg.value).toBeCloseTo((90 * 80 + 10 * 150 + 20 * 15) / 120, 10);
    expect(checkout.health.points).toEqual([
      { dimension: 'latency', changePercent: ((160 - 97) / 97) * 100, points: 0, breached: true },
      { dimension: 'errorRate', changePercent: 0, points: 3, breached: false },
      { dimension: 'logErrors', changePercent: 0, points: 3, breached: false },
    ]);
    expect(checkout.health).toMatchObject({ total: 6, breachedCount: 1 });
    expect(checkout.health.worstChangePercent).toBeCloseTo(64.948, 3);
    expect(checkout.namespace).toBe('shop');
    expect(checkout.clusters).toEqual(['demo']);
    // Services only: a service's endpoints are overview.endpoints.
    expect(checkout).not.toHaveProperty('endpoints');
  });

  it("gives the degraded service's busiest endpoints on request (overview.endpoints)", async () => {
    const { service, endpoints } = await api.overview.endpoints.query({ ...lastHour(), service: 'checkout' });
    expect(service).toBe('checkout');
    expect(endpoints.map((e) => [e.endpoint, e.latencyP95.value, e.latencyP95.dayAgo])).toEqual([
      // 100 + 150 × (95 − 90) / 10 and 50 + 50 × 95 / 100; the status endpoint: 10 + 15 × 0.95.
      ['POST /checkout', 175, 97.5],
      ['GET /checkout/status', 24.25, 24.25],
    ]);
    expect(endpoints[0]!.health).toMatchObject({ level: 'critical', breachedCount: 1 });
    expect(endpoints[0]!.health.points[0]!.changePercent).toBeCloseTo(((175 - 97.5) / 97.5) * 100, 10);
    expect(new Set(endpoints[0]!.sparkline.latencyP95)).toEqual(new Set([175]));
    expect(endpoints[0]!.sparkline.stepMs).toBe(2 * MINUTE);
    // A service silent in the range has no busiest endpoints; an unknown one neither.
    expect((await api.overview.endpoints.query({ ...lastHour(), service: 'catalog' })).endpoints).toEqual([]);
    expect((await api.overview.endpoints.query({ ...lastHour(), service: 'nope' })).endpoints).toEqual([]);
  });

  it('gives error rates, log errors (ERROR and above only), restarts and version changes', async () => {
    const o = await api.overview.services.query(lastHour());
    const cart = byName(o, 'cart');
    expect(cart.errorRate).toEqual({ value: 0.04, dayAgo: 0.04, weekAgo: 0.04 });
    // Logs are kept 7 days by default: a week ago is past it, so there is no figure (not 0).
    expect(cart.logErrors).toEqual({ value: 3, dayAgo: 3, weekAgo: null });
    const checkout = byName(o, 'checkout');
    expect(checkout.logErrors).toEqual({ value: 2, dayAgo: 2, weekAgo: null });
    expect(checkout.lastRestartMs).toBe(end - 30 * MINUTE);
    expect(checkout.lastVersionChange).toEqual({ atMs: end - 2 * HOUR, version: '1.4.0' });
    expect(cart.lastRestartMs).toBeNull();
    expect(cart.lastVersionChange).toBeNull();
  });

  it('keeps a service silent in the range but seen this week, greyed, with no figures', async () => {
    const catalog = byName(await api.overview.services.query(lastHour()), 'catalog');
    expect(catalog).toMatchObject({
      active: false,
      clusters: ['demo'],
      // A week ago it still served requests.
      throughput: { value: null, dayAgo: null, weekAgo: 5 / 60 },
      latencyP95: { value: null, dayAgo: null, weekAgo: 5 + 5 * 0.95 },
    });
    expect(catalog.sparkline.throughput.every((v) => v === 0)).toBe(true);
    // Three days back its requests are in the range again.
    const back = await api.overview.services.query({
      from: end - 3 * 86_400_000,
      to: end - 3 * 86_400_000 + HOUR,
    });
    expect(byName(back, 'catalog')).toMatchObject({ active: true, throughput: { value: 5 / 60 } });
  });

  it('draws ~30 sparkline points over the range, each a step of the same figures', async () => {
    const checkout = byName(await api.overview.services.query(lastHour()), 'checkout');
    const { sparkline } = checkout;
    expect(sparkline.stepMs).toBe(2 * MINUTE);
    expect(sparkline.throughput.length).toBeGreaterThanOrEqual(30);
    expect(sparkline.throughput.length).toBeLessThanOrEqual(31);
    expect(new Set(sparkline.throughput)).toEqual(new Set([2]));
    expect(new Set(sparkline.latencyP95)).toEqual(new Set([160]));
    expect(new Set(sparkline.errorRate)).toEqual(new Set([0]));
  });

  it('compares with a week earlier on request, with the given thresholds', async () => {
    const o = await api.overview.services.query({
      ...lastHour(),
      compareWith: 'week',
      thresholds: {
        breachPercent: 70,
        latency: [70, 80, 90],
        errorRate: [5, 10, 20],
        logErrors: [5, 10, 20],
      },
    });
    expect(o.compareWith).toBe('week');
    const checkout = byName(o, 'checkout');
    // +64.9 % is under every latency limit now: 3 points, nothing breached.
    expect(checkout.health).toMatchObject({ level: 'ok', total: 9, breachedCount: 0 });
    // Still first: no threshold breached anywhere, and its change is the largest.
    expect(o.services.map((s) => s.service)).toEqual(['checkout', 'cart', 'payments', 'catalog']);
  });

  it('filters by namespace and by text in service or endpoint names', async () => {
    const shop = await api.overview.services.query({ ...lastHour(), namespace: 'shop' });
    expect(shop.services.map((s) => s.service)).toEqual(['checkout', 'cart']);
    const status = await api.overview.services.query({ ...lastHour(), search: 'STATUS' });
    expect(status.services.map((s) => s.service)).toEqual(['checkout']);
    const statusEndpoints = await api.overview.endpoints.query({
      ...lastHour(),
      service: 'checkout',
      search: 'STATUS',
    });
    expect(statusEndpoints.endpoints.map((e) => e.endpoint)).toEqual(['GET /checkout/status']);
    // The service's own figures stay whole-service.
    expect(status.services[0]!.throughput.value).toBe(2);
    const pay = await api.overview.services.query({ ...lastHour(), search: 'pay' });
    expect(pay.services.map((s) => s.service)).toEqual(['payments']);
  });

  it('filters by cluster', async () => {
    const none = await api.overview.services.query({ ...lastHour(), cluster: 'elsewhere' });
    expect(none.services).toEqual([]);
    const demo = await api.overview.services.query({ ...lastHour(), cluster: 'demo' });
    expect(demo.services).toHaveLength(4);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const query = async (input: object, procedure = 'overview.services') => {
      const res = await fetch(
        `${server.httpUrl}/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
      );
      const body = (await res.json()) as { error?: { json: { message: string } } };
      return { status: res.status, message: body.error?.json.message ?? '' };
    };
    expect(await query({ from: end, to: end })).toEqual({
      status: 400,
      message: `to: empty time range: must be after from (${end}), got ${end}`,
    });
    const month = await query({ ...lastHour(), compareWith: 'month' });
    expect(month.status).toBe(400);
    expect(month.message).toMatch(/^compareWith: Invalid option: expected one of "day"\|"week"/);
    expect(
      await query({
        ...lastHour(),
        thresholds: {
          breachPercent: 5,
          latency: [50, 20, 10],
          errorRate: [5, 10, 20],
          logErrors: [5, 10, 20],
        },
      }),
    ).toEqual({ status: 400, message: 'thresholds.latency: must be three increasing percentages' });
    const empty = await query({ ...lastHour(), search: '' });
    expect(empty.status).toBe(400);
    expect(empty.message).toMatch(/^search: /);
    const noService = await query({ ...lastHour() }, 'overview.endpoints');
    expect(noService.status).toBe(400);
    expect(noService.message).toMatch(/^service: /);
  });

  it('scores with the stored health.thresholds when the input gives none (user, else global)', async () => {
    const key = 'health.thresholds';
    const lenient = {
      breachPercent: 70,
      latency: [70, 80, 90],
      errorRate: [5, 10, 20],
      logErrors: [5, 10, 20],
    } satisfies HealthThresholds;
    const mine = {
      breachPercent: 5,
      latency: [60, 65, 66],
      errorRate: [5, 10, 20],
      logErrors: [5, 10, 20],
    } satisfies HealthThresholds;
    const checkoutHealth = async () => {
      const o = await api.overview.services.query(lastHour());
      return { thresholds: o.thresholds, total: byName(o, 'checkout').health.total };
    };
    try {
      await api.settings.set.mutate({ scope: 'global', key, value: lenient });
      // +64.9 % is under every latency limit: 3 + 3 + 3.
      expect(await checkoutHealth()).toEqual({ thresholds: lenient, total: 9 });
      await api.settings.set.mutate({ scope: 'user', key, value: mine });
      // The caller's own win: 60 ≤ 64.9 < 65 is 2 points.
      expect(await checkoutHealth()).toEqual({ thresholds: mine, total: 8 });
      const endpoints = await api.overview.endpoints.query({ ...lastHour(), service: 'checkout' });
      // The endpoint's +79.5 %: past the last limit, 0 points.
      expect(endpoints.endpoints[0]!.health.points[0]!.points).toBe(0);
      // The input's still win over both.
      const given = await api.overview.services.query({ ...lastHour(), thresholds: lenient });
      expect(given.thresholds).toEqual(lenient);
      // A stored value that is not thresholds is skipped (a warning in the log), never a 500.
      await api.settings.set.mutate({ scope: 'user', key, value: { latency: 'high' } });
      expect(await checkoutHealth()).toEqual({ thresholds: lenient, total: 9 });
      await api.settings.set.mutate({ scope: 'global', key, value: [1, 2, 3] });
      expect((await checkoutHealth()).thresholds).toEqual(DEFAULT_HEALTH_THRESHOLDS);
    } finally {
      await api.settings.set.mutate({ scope: 'user', key, value: null });
      await api.settings.set.mutate({ scope: 'global', key, value: null });
    }
  });
});
