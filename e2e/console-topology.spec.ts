// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { attachBothThemes } from './screenshots.ts';
import { DETAIL_CALL_MINUTES } from './seed/detail-seed.ts';
import { TOPOLOGY_SEED_MINUTES } from './seed/topology-seed.ts';
import { ShellPage } from './shell-page.ts';
import { TopologyPage, type DrawnMap } from './topology-page.ts';

const M = TOPOLOGY_SEED_MINUTES;
/** The service-detail seed's client calls of checkout (detail-seed.ts: 100 + 20 sqlite and 60 HTTP calls a minute). */
const DETAIL_NEIGHBOURS: [string, string, number][] = [
  ['database', 'shop', 120 * DETAIL_CALL_MINUTES],
  ['external', 'payments:8080', 60 * DETAIL_CALL_MINUTES],
];
/** p95 of calls that all took one latency, by the shared quantile rule: lower + width × 0.95 of its bucket. */
const p95 = { cart: 10 + 15 * 0.95, catalog: 5 + 5 * 0.95, db: 2 + 3 * 0.95, cdn: 50 + 50 * 0.95 };

const byName = (map: DrawnMap) => {
  const name = new Map(map.nodes.map((n) => [n.id, `${n.kind}:${n.name}`]));
  return map.edges
    .map((e) => [name.get(e.from), name.get(e.to), e.calls])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])));
};

test.describe('console: topology', () => {
  test('the topology panel of checkout shows exactly its seeded neighbours with their seeded rates', async ({
    page,
  }, testInfo) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const topology = new TopologyPage(page);
    await shell.open(consoleUrl, '/services/checkout?from=now-1h&to=now&compare=day', serverUrl);

    await expect
      .poll(async () => (await topology.neighbours()).downstream.length, { timeout: 30_000 })
      .toBe(4);
    const drawn = await topology.neighbours();
    expect(drawn.upstream).toEqual([]);
    // The service-detail seed's calls of checkout (detail-seed.ts) are neighbours too: its sqlite database
    // and the payments host, with every call of their rollups.
    expect(
      drawn.downstream.filter((n) => n.kind !== 'service').map((n) => [n.kind, n.name, n.calls]),
    ).toEqual(DETAIL_NEIGHBOURS);
    // Busiest first; every call of the 100 % rollups, though one trace was stored.
    expect(drawn.downstream.filter((n) => n.kind === 'service')).toEqual([
      {
        kind: 'service',
        name: 'catalog',
        calls: 60 * M,
        rate: (60 * M) / drawn.seconds,
        errorRate: 0,
        latencyP95: p95.catalog,
        health: 'ok',
      },
      // Latency ×5 and errors from none since yesterday: critical.
      {
        kind: 'service',
        name: 'cart',
        calls: 30 * M,
        rate: (30 * M) / drawn.seconds,
        errorRate: 2 / 30,
        latencyP95: p95.cart,
        health: 'critical',
      },
    ]);
    await expect(topology.neighbour('cart')).toContainText('critical');
    await attachBothThemes(page, testInfo, 'topology-panel-checkout');

    // A neighbour opens its own page, whose panel has checkout upstream and its database downstream.
    await topology.neighbour('cart').click();
    await expect(page.getByRole('heading', { level: 2, name: 'cart' })).toBeVisible();
    await expect
      .poll(async () => (await topology.neighbours()).upstream.map((n) => [n.name, n.calls]))
      .toEqual([['checkout', 30 * M]]);
    expect(
      (await topology.neighbours()).downstream.map((n) => [n.kind, n.name, n.calls, n.latencyP95]),
    ).toEqual([['database', 'orders', 120 * M, p95.db]]);
  });

  test('a service without calls says so; the panel names a failed request (server errors mocked at the network)', async ({
    page,
  }, testInfo) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const topology = new TopologyPage(page);
    await shell.open(consoleUrl, '/services/no-such-service?from=now-1h&to=now', serverUrl);
    // The first reads of a fresh server wait behind the topology job's catch-up: a generous deadline.
    await expect(topology.panel.getByText('No calls to or from this service in this range')).toBeVisible({
      timeout: 30_000,
    });
    await attachBothThemes(page, testInfo, 'topology-panel-empty');

    await page.route('**/trpc/topology.*', (route) =>
      route.fulfill({
        status: 500,
        body: '{"error":{"json":{"message":"boom","code":-32603,"data":{"code":"INTERNAL_SERVER_ERROR","httpStatus":500}}}}',
        contentType: 'application/json',
      }),
    );
    await shell.open(consoleUrl, '/services/checkout?from=now-2h&to=now', serverUrl);
    await expect(topology.panel.getByRole('alert')).toBeVisible({ timeout: 30_000 });
    await attachBothThemes(page, testInfo, 'topology-panel-error');
    await shell.open(consoleUrl, '/service-map?from=now-2h&to=now', serverUrl);
    await expect(topology.map.getByRole('alert')).toBeVisible({ timeout: 30_000 });
    await attachBothThemes(page, testInfo, 'service-map-error');
  });

  test('the service map draws the seeded graph; text and focus narrow it, in the URL', async ({
    page,
  }, testInfo) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const topology = new TopologyPage(page);
    await shell.open(consoleUrl, '/service-map?from=now-1h&to=now', serverUrl);
    await expect(page.getByRole('heading', { level: 2, name: 'Service map' })).toBeVisible();
    await expect.poll(async () => (await topology.drawnMap()).edges.length, { timeout: 30_000 }).toBe(6);
    const map = await topology.drawnMap();
    const detailEdges = DETAIL_NEIGHBOURS.map(([kind, name, calls]) => [
      'service:checkout',
      `${kind}:${name}`,
      calls,
    ]);
    expect(byName(map)).toEqual(
      [
        ['service:cart', 'database:orders', 120 * M],
        ['service:catalog', 'external:images.cdn.example:443', 12 * M],
        ['service:checkout', 'service:cart', 30 * M],
        ['service:checkout', 'service:catalog', 60 * M],
        ...detailEdges,
      ].sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`)),
    );
    expect(map.nodes.map((n) => `${n.kind}:${n.name}`).sort()).toEqual(
      [
        'database:orders',
        'external:images.cdn.example:443',
        'service:cart',
        'service:catalog',
        'service:checkout',
        ...DETAIL_NEIGHBOURS.map(([kind, name]) => `${kind}:${name}`),
      ].sort(),
    );
    // The overview's health: checkout is the degraded service of the seed.
    expect(map.nodes.find((n) => n.name === 'checkout')?.health).toBe('critical');
    await expect(topology.map.locator('canvas[data-draw-ms]')).toBeVisible();
    await attachBothThemes(page, testInfo, 'service-map');

    await page.getByRole('searchbox').fill('cdn');
    await expect.poll(() => shell.viewUrl().searchParams.get('q')).toBe('cdn');
    await expect
      .poll(async () => (await topology.drawnMap()).nodes.map((n) => n.name).sort())
      .toEqual(['catalog', 'images.cdn.example:443']);

    const cart = map.nodes.find((n) => n.name === 'cart')?.id ?? '';
    await shell.open(
      consoleUrl,
      `/service-map?from=now-1h&to=now&focus=${encodeURIComponent(cart)}`,
      serverUrl,
    );
    await expect
      .poll(async () => (await topology.drawnMap()).nodes.map((n) => n.name).sort())
      .toEqual(['cart', 'checkout', 'orders']);
    await expect(page.getByRole('complementary', { name: 'Details of cart' })).toContainText('orders');
    await attachBothThemes(page, testInfo, 'service-map-focus');
    await page.keyboard.press('Escape');
    await expect.poll(() => shell.viewUrl().searchParams.get('focus')).toBeNull();
  });

  test('the service map of a range without data says what to do', async ({ page }, testInfo) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const topology = new TopologyPage(page);
    const from = Date.now() - 300 * 86_400_000;
    await shell.open(consoleUrl, `/service-map?from=${from}&to=${from + 3_600_000}`, serverUrl);
    await expect(topology.map.getByText('No services in this range')).toBeVisible();
    await attachBothThemes(page, testInfo, 'service-map-empty');
  });
});
