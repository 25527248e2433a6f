// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { attachBothThemes } from './screenshots.ts';
import { DETAIL_EXPECTED as D } from './seed/detail-seed.ts';
import { expectedMinute } from './seed/red-seed.ts';
import { ServicePage } from './service-page.ts';
import { ShellPage } from './shell-page.ts';

/** A deadline for a page's first data, not a wait: the condition is polled. */
const FIRST_DATA_MS = 60_000;

const values = (points: [number, number | null][] | undefined) =>
  (points ?? []).map(([, v]) => v).filter((v): v is number => v !== null);

test.describe('console: service page', () => {
  // Generous for a busy machine: FIRST_DATA_MS for the first answers, then the steps of each test.
  test.describe.configure({ timeout: 120_000 });

  test('draws the seeded RED of checkout against yesterday and lists its endpoints', async ({
    page,
  }, testInfo) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const service = new ServicePage(page);
    await shell.open(consoleUrl, '/services/checkout?from=now-1h&to=now&overlay=day', serverUrl);

    await expect(page.getByRole('heading', { level: 2, name: 'checkout' })).toBeVisible();
    // The page's first answers (one batch of its panels' queries) can take long on a busy machine.
    await expect(service.chart('Latency')).toBeVisible({ timeout: FIRST_DATA_MS });
    const now = await expectedMinute('checkout', 'now');
    const yesterday = await expectedMinute('checkout', 'dayAgo');

    // Every seeded minute draws the seeded figures; yesterday's overlay is laid under the same minutes.
    await expect
      .poll(async () => new Set(values((await service.drawn('Latency')).p95)))
      .toEqual(new Set([now.p95]));
    const latency = await service.drawn('Latency');
    expect(new Set(values(latency.p50))).toEqual(new Set([now.p50]));
    expect(new Set(values(latency['p95 yesterday']))).toEqual(new Set([yesterday.p95]));
    const errors = await service.drawn('Error rate');
    expect(new Set(values(errors['error rate']))).toEqual(new Set([(now.errors / now.count) * 100]));
    const throughput = await service.drawn('Throughput');
    expect(Math.max(...values(throughput['requests/s']))).toBe(now.count / 60);

    await expect(service.endpointRow('POST /api/checkout')).toContainText('400 ms');
    await expect(service.endpointRow('GET /api/checkout/status')).toContainText('8 ms');
    await attachBothThemes(page, testInfo, 'service-checkout');

    // Choosing an endpoint narrows the charts to it, in the URL.
    await service.endpointRow('GET /api/checkout/status').click();
    await expect.poll(() => shell.viewUrl().searchParams.get('endpoint')).toBe('GET /api/checkout/status');
    // 30 requests a minute of the status endpoint alone.
    await expect
      .poll(async () => Math.max(...values((await service.drawn('Throughput'))['requests/s'])))
      .toBe(0.5);
  });

  test('answers self or dependency, which instance, which call: delay source, instances, calls, errors, hosts', async ({
    page,
  }, testInfo) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const service = new ServicePage(page);
    await shell.open(consoleUrl, '/services/checkout?from=now-1h&to=now', serverUrl);

    // The seeded checkout requests wait 300 of their 400 ms on sqlite: "dependency", 75 %.
    const delay = service.delaySource('POST /api/checkout');
    await expect(delay).toHaveAccessibleName('delay source dependency 75 %', { timeout: FIRST_DATA_MS });
    expect(Number(await delay.getAttribute('data-share'))).toBeCloseTo(D.dependencyShare, 10);
    await expect(service.delaySource('GET /api/checkout/status')).toHaveAccessibleName(
      'delay source self 100 %',
    );

    // The instance with its process figures from the agent's metrics.
    const instance = service.instanceRow(D.instance);
    await expect(instance).toContainText(`pid ${D.pid}`);
    await expect(instance).toContainText(D.host);
    await expect(instance).toContainText(D.version);
    const cells = await instance.getByRole('cell').allInnerTexts();
    // Instance, host, version, started, CPU, run queue, loop p99, GC, RSS, FDs, restarts, error logs.
    expect(cells.slice(4)).toEqual(['0.20', '5', '15 ms', '—', '256 MiB', '64', '0', '0']);

    // The seeded statements with their latency and the change against yesterday.
    for (const s of D.statements) {
      const row = service.callRow(s.statement);
      await expect(row).toContainText(s.system);
      await expect(row).toContainText(`${s.avgMs} ms`);
    }
    await expect(service.callRow('SELECT orders')).toContainText('+400%');
    await expect(service.callRow('INSERT orders')).toContainText('±0%');
    await expect(service.callRow('payments:8080')).toContainText('30 ms');

    // Errors grouped by exception; the trace view does not exist yet, so the trace id is plain text.
    const errors = page.getByRole('table', { name: 'Error groups' });
    await expect(errors.getByRole('row').filter({ hasText: 'PaymentDeclined' })).toContainText(
      'card declined',
    );
    await expect(
      errors.getByRole('row').filter({ hasText: 'PaymentDeclined' }).getByRole('cell').nth(1),
    ).toHaveText('2');

    // The host and the status lights, each with its reason.
    const host = page.getByRole('table', { name: 'Hosts' }).getByRole('row').filter({ hasText: D.host });
    await expect(host).toContainText('25 %');
    await expect(service.statusLight('Network')).toHaveAccessibleName(
      /^Network Warning: e2e-node: 3\.0 % of TCP segments retransmitted/,
    );
    await expect(service.statusLight('Infra')).toHaveAccessibleName(/^Infra OK/);
    await expect(service.statusLight('Kubernetes')).toHaveAccessibleName(/^Kubernetes No data/);
    await attachBothThemes(page, testInfo, 'service-detail-checkout');

    // Choosing the instance (its row, or the selector) narrows the charts to it, in the URL.
    await instance.click();
    await expect.poll(() => shell.viewUrl().searchParams.get('instance')).toBe(D.instance);
    await expect(page.getByRole('combobox', { name: 'Instance' })).toHaveValue(D.instance);
    await page.getByRole('combobox', { name: 'Instance' }).selectOption('');
    await expect.poll(() => shell.viewUrl().searchParams.get('instance')).toBeNull();
  });

  test('keyboard: j/k move in the endpoints, Enter opens one; dragging across a chart zooms the range', async ({
    page,
  }) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const service = new ServicePage(page);
    await shell.open(consoleUrl, '/services/checkout?from=now-1h&to=now', serverUrl);
    await expect(service.endpointRow('POST /api/checkout')).toBeVisible({ timeout: FIRST_DATA_MS });

    await service.endpointRow('POST /api/checkout').focus();
    await page.keyboard.press('j');
    await expect(service.endpointRow('GET /api/checkout/status')).toBeFocused();
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await expect.poll(() => shell.viewUrl().searchParams.get('endpoint')).toBe('POST /api/checkout');

    const chart = service.chart('Latency');
    // Wait for the endpoint's own series (every request 400 ms: p50 375 ms in the (250, 500] bucket), not
    // the whole service's still on screen: a redraw during the drag would drop the brush.
    await expect
      .poll(async () => new Set(values((await service.drawn('Latency')).p50)), { timeout: FIRST_DATA_MS })
      .toEqual(new Set([375]));
    const box = await chart.boundingBox();
    if (box === null) throw new Error('the latency chart has no box');
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 8 });
    await page.mouse.up();
    // The brushed span becomes an absolute range (ms) in the URL, about a fifth of the hour.
    await expect.poll(() => shell.viewUrl().searchParams.get('from')).toMatch(/^\d{13}$/);
    const url = shell.viewUrl();
    const span = Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'));
    expect(span).toBeGreaterThan(5 * 60_000);
    expect(span).toBeLessThan(20 * 60_000);
    await expect(shell.timeRange).toHaveAccessibleName(/→/);
  });

  test('a service with no data says so instead of drawing empty axes as if all were fine', async ({
    page,
  }) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const service = new ServicePage(page);
    await shell.open(consoleUrl, '/services/no-such-service', serverUrl);
    await expect(page.getByText('No endpoint had requests in this range')).toBeVisible({
      timeout: FIRST_DATA_MS,
    });
    await expect.poll(async () => values((await service.drawn('Latency')).p95)).toEqual([]);
  });
});
