// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { freePorts } from './free-port.ts';
import { OverviewPage } from './overview-page.ts';
import { attachBothThemes } from './screenshots.ts';
import { expectedMinute } from './seed/red-seed.ts';
import { ShellPage } from './shell-page.ts';

const ms = (value: number | null) => `${String(Number(value?.toPrecision(3)))} ms`;

test.describe('console: services overview', () => {
  test('lists the seeded services with their figures, most degraded first', async ({ page }, testInfo) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const overview = new OverviewPage(page);
    await shell.open(consoleUrl, '/?from=now-1h&to=now', serverUrl);

    await expect(overview.rows()).toHaveCount(3);
    await expect.poll(() => overview.serviceNames()).toEqual(['checkout', 'cart', 'catalog']);
    const checkout = await expectedMinute('checkout', 'now');
    const cart = await expectedMinute('cart', 'now');
    await expect(await overview.cell('checkout', 'p95')).toContainText(ms(checkout.p95));
    await expect(await overview.cell('cart', 'p95')).toContainText(ms(cart.p95));
    await expect(await overview.cell('checkout', 'Error rate')).toContainText(
      `${String(Number(((checkout.errors / checkout.count) * 100).toPrecision(3)))} %`,
    );
    // The degraded service says so in words, and its tooltip names each breached threshold.
    await expect(overview.healthBadge('checkout')).toHaveAccessibleName(
      /^Health: Critical.*breached: Latency, Error rate/,
    );
    await overview.healthBadge('checkout').hover();
    const tooltip = page.getByRole('tooltip');
    await expect(tooltip).toContainText('Latency');
    await expect(tooltip).toContainText('breached >5 %');
    await expect(overview.healthBadge('cart')).toHaveAccessibleName(/^Health: Healthy/);
    await attachBothThemes(page, testInfo, 'overview');

    // Expanding a service shows its endpoints, in the URL.
    await overview.row('checkout').getByRole('button', { name: 'Show endpoints of checkout' }).click();
    await expect(page.getByRole('row', { name: 'Endpoint POST /api/checkout' })).toContainText(
      ms(400 * 1.21875),
    );
    expect(shell.viewUrl().searchParams.get('open')).toBe('checkout');
  });

  test('keeps the time range, the sort and the filters across a reload', async ({ page }) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    const overview = new OverviewPage(page);
    await shell.open(consoleUrl, '/', serverUrl);
    await expect(overview.rows()).toHaveCount(3);

    await shell.timeRange.click();
    await page.getByRole('button', { name: 'Last 6 hours' }).click();
    await overview.sortBy('Service');
    await overview.search.fill('ca');
    await expect(overview.rows()).toHaveCount(2);
    await expect.poll(() => shell.viewUrl().searchParams.get('q')).toBe('ca');

    await page.reload();
    await expect(shell.timeRange).toHaveAccessibleName('Time range: Last 6 hours');
    await expect(overview.search).toHaveValue('ca');
    await expect.poll(() => overview.serviceNames()).toEqual(['cart', 'catalog']);
    const url = shell.viewUrl();
    expect([url.searchParams.get('from'), url.searchParams.get('to'), url.searchParams.get('sort')]).toEqual([
      'now-6h',
      'now',
      'name',
    ]);
  });
});

test.describe('console: services overview without a server', () => {
  test('a server that cannot be reached gets a clear message and a Retry', async ({ page }) => {
    const { consoleUrl } = e2eEnv();
    const [closedPort] = (await freePorts(1)) as [number];
    const dead = `http://127.0.0.1:${closedPort}`;
    const shell = new ShellPage(page);
    const overview = new OverviewPage(page);
    await shell.open(consoleUrl, '/', dead);
    await expect(overview.problem.filter({ hasText: 'services overview' })).toContainText(
      `Cannot reach the APO server at ${dead}, and there is no saved copy of the services overview to show`,
    );
    await expect(overview.retryButton.first()).toBeVisible();
  });
});
