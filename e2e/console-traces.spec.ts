// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { ownServer, type OwnServer } from './own-server.ts';
import { attachBothThemes } from './screenshots.ts';
import {
  bigTraceSpans,
  jaegerJson,
  otlpJson,
  seedTraces,
  SHOP_SPANS,
  SHOP_TRACE_ID,
} from './seed/trace-seed.ts';
import { TraceViewPage } from './trace-view-page.ts';

// A private server: the trace seed adds services the shared server's overview specs would count, and the
// file tests stop it.
test.describe.configure({ mode: 'serial' });

let server: OwnServer;
let files: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await ownServer(e2eEnv().consoleUrl);
  await server.start();
  await seedTraces(server.url);
  files = mkdtempSync(join(tmpdir(), 'apo-e2e-traces-'));
});

test.afterAll(async () => {
  await server.dispose();
  rmSync(files, { recursive: true, force: true });
});

/** Every long task (> 50 ms) of the page, observed from its start. */
async function observeLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks?.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

const shape = (rows: { name: string; depth: number; durationMs: number }[]) =>
  rows.map((r) => [r.name, r.depth, Math.round(r.durationMs * 1000) / 1000]);

const SHOP_SHAPE = [
  ['GET /checkout', 0, 120],
  ['get cart', 1, 20],
  ['place order', 1, 85],
  ['reserve stock', 2, 15],
  ['charge card', 2, 60],
  ['INSERT payments', 3, 15],
];

test('opens a stored trace by id: the seeded structure, self times, critical and error paths, details', async ({
  page,
}) => {
  const { consoleUrl } = e2eEnv();
  const view = new TraceViewPage(page);
  await view.open(consoleUrl, '/traces', server.url);
  await page.getByRole('textbox', { name: 'Trace id' }).fill(SHOP_TRACE_ID.toUpperCase());
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await view.waitForTrace(6);
  await expect(page).toHaveURL(new RegExp(`#/traces/${SHOP_TRACE_ID}`));

  const rows = await view.rows();
  expect(shape(rows)).toEqual(SHOP_SHAPE);
  expect(rows.map((r) => r.service)).toEqual(SHOP_SPANS.map((s) => s.service));
  // What the root waited for: get cart, then place order, whose last finisher was charge card and its insert.
  expect(rows.filter((r) => r.critical).map((r) => r.name)).toEqual([
    'GET /checkout',
    'get cart',
    'place order',
    'charge card',
    'INSERT payments',
  ]);
  expect(rows.filter((r) => r.errorPath).map((r) => r.name)).toEqual([
    'GET /checkout',
    'place order',
    'charge card',
    'INSERT payments',
  ]);
  expect(rows.filter((r) => r.errorOrigin).map((r) => r.name)).toEqual(['INSERT payments']);
  const summary = await view.summary();
  expect(summary.services.map((s) => [s.name, s.spans, s.errors, s.selfMs])).toEqual([
    ['shop-payments', 1, 1, 45],
    ['shop-basket', 1, 0, 20],
    ['shop-orders', 1, 1, 20],
    ['shop-db', 1, 1, 15],
    ['shop-stock', 1, 0, 15],
    ['shop-web', 1, 1, 15],
  ]);
  await expect(page.getByRole('region', { name: 'Time by service' }).getByRole('row')).toHaveCount(7);

  await view.button('Critical path').click();
  await expect(view.button('Critical path')).toHaveAttribute('aria-pressed', 'true');
  expect((await view.summary()).highlight).toBe('critical');
  await view.button('Error path').click();
  expect((await view.summary()).highlight).toBe('errors');

  // Search selects the match and opens its details: the exception's stack trace as written.
  await view.search.fill('charge');
  await view.search.press('Enter');
  await expect(page.getByTestId('search-count')).toHaveText('1 of 1');
  await expect(view.details.getByRole('heading', { name: 'charge card' })).toBeVisible();
  await expect(view.details.getByTestId('span-duration')).toHaveText('60 ms');
  await expect(view.details.locator('pre.stacktrace')).toHaveText(
    'PaymentError: card declined\n    at charge (payments.ts:42:11)\n    at handle (server.ts:7:3)',
  );
  await expect(view.details.getByText('service.instance.id')).toBeVisible();

  // Collapse all leaves the root; expand all brings every row back.
  await view.button('Collapse all').click();
  expect((await view.summary()).rows).toBe(1);
  await view.button('Expand all').click();
  expect((await view.summary()).rows).toBe(6);
  await attachBothThemes(page, test.info(), 'traces-stored');
});

test('searches traces by attribute (URL state) and opens the matching trace', async ({ page }) => {
  const view = new TraceViewPage(page);
  await view.open(e2eEnv().consoleUrl, '/traces', server.url);
  await page.getByRole('textbox', { name: 'Attribute' }).fill('customer.tier=gold');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/attr=customer\.tier(%3D|=)gold/);
  const table = page.getByRole('table', { name: 'Matching traces' });
  // Only the gold customer's trace: the silver one's carries the same route.
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row').nth(1)).toContainText('GET /checkout');
  await expect(table.getByRole('row').nth(1)).toContainText(SHOP_TRACE_ID);
  await expect(table.getByRole('row').nth(1)).toContainText('120 ms');
  await expect(table.getByRole('row').nth(1)).toContainText(
    '6 shop-basket, shop-db, shop-orders, shop-payments, shop-stock, shop-web',
  );
  await table.scrollIntoViewIfNeeded();
  await attachBothThemes(page, test.info(), 'traces-search');
  await table.getByRole('row').nth(1).click();
  await view.waitForTrace(6);
  expect((await view.summary()).traceId).toBe(SHOP_TRACE_ID);

  await view.open(e2eEnv().consoleUrl, '/traces?attr=customer.tier%3Dplatinum', server.url);
  await expect(page.getByText('No trace matches these filters in this time range')).toBeVisible();
});

test('a trace the server does not store says so, with a retry', async ({ page }) => {
  const view = new TraceViewPage(page);
  await view.open(e2eEnv().consoleUrl, `/traces/${'f'.repeat(32)}`, server.url);
  await expect(page.getByRole('alert')).toContainText(`Trace ${'f'.repeat(32)} is not stored on this server`);
  await expect(page.getByRole('button', { name: 'Retry' })).toBeVisible();
  await attachBothThemes(page, test.info(), 'traces-not-found');
});

test.describe('with the server stopped', () => {
  test.beforeAll(async () => {
    await server.stop();
  });

  test('opens a Jaeger JSON file and an OTLP JSON file, and names the problem in a malformed one', async ({
    page,
  }) => {
    const view = new TraceViewPage(page);
    await view.open(e2eEnv().consoleUrl, '/traces/file', server.url);
    await expect(page.getByRole('status').filter({ hasText: 'No file open' })).toBeVisible();
    await attachBothThemes(page, test.info(), 'traces-file-empty');

    const base = Date.now() - 60_000;
    const jaegerFile = join(files, 'shop.jaeger.json');
    writeFileSync(jaegerFile, JSON.stringify(jaegerJson(SHOP_TRACE_ID, SHOP_SPANS, base)));
    await view.fileInput.setInputFiles(jaegerFile);
    await view.waitForTrace(6);
    expect(shape(await view.rows())).toEqual(SHOP_SHAPE);
    expect((await view.rows()).filter((r) => r.errorOrigin).map((r) => r.name)).toEqual(['INSERT payments']);

    const otlpFile = join(files, 'shop.otlp.json');
    writeFileSync(otlpFile, JSON.stringify(otlpJson(SHOP_TRACE_ID, SHOP_SPANS, base), null, 1));
    await view.fileInput.setInputFiles(otlpFile);
    await page.waitForFunction(() => window.__apoTraceView?.summary().services[0]?.selfMs === 45);
    expect(shape(await view.rows())).toEqual(SHOP_SHAPE);
    // Details come from the file itself: the exception event and its stack trace.
    await view.search.fill('charge card');
    await view.search.press('Enter');
    await expect(view.details.locator('pre.stacktrace')).toContainText('at charge (payments.ts:42:11)');
    await attachBothThemes(page, test.info(), 'traces-file');

    // A colon missing after a key, half way through the file.
    const text = JSON.stringify(jaegerJson(SHOP_TRACE_ID, SHOP_SPANS, base));
    const at = text.indexOf('"duration"', text.length / 2) + '"duration"'.length;
    const broken = join(files, 'broken.json');
    writeFileSync(broken, `${text.slice(0, at)}${text.slice(at + 1)}`);
    await view.fileInput.setInputFiles(broken);
    await expect(view.fileError).toHaveText(
      `Expected ':' after property name at byte ${at} (line 1, column ${at + 1})`,
    );
    await attachBothThemes(page, test.info(), 'traces-file-error');
  });

  test('the desktop app’s File → Open path: a file handed over in chunks opens like a chosen one, or says why not', async ({
    page,
  }) => {
    const view = new TraceViewPage(page);
    await view.open(e2eEnv().consoleUrl, '/traces/file', server.url);
    await page.waitForFunction(() => window.__apoOpenTraceFileBytes !== undefined);
    // What main would send for an unreadable choice, then for a readable one.
    await page.evaluate(() =>
      window.__apoOpenTraceFileBytes?.(
        'locked.json',
        '{}',
        'cannot read /home/me/locked.json: permission denied',
      ),
    );
    await expect(
      page.getByRole('alert').filter({ hasText: 'locked.json could not be opened' }),
    ).toBeVisible();
    await expect(view.fileError).toHaveText('cannot read /home/me/locked.json: permission denied');
    await attachBothThemes(page, test.info(), 'traces-file-open-failed');
    const text = JSON.stringify(jaegerJson(SHOP_TRACE_ID, SHOP_SPANS, Date.now() - 60_000));
    await page.evaluate((t) => window.__apoOpenTraceFileBytes?.('shop-menu.jaeger.json', t), text);
    await view.waitForTrace(6);
    expect(shape(await view.rows())).toEqual(SHOP_SHAPE);
    await expect(page.getByRole('heading', { name: 'shop-menu.jaeger.json' })).toBeVisible();
    await expect(view.fileError).toHaveCount(0);
  });

  for (const n of [10_000, 100_000, 1_000_000]) {
    test(`a generated ${n.toLocaleString('en')}-span trace: expand, collapse, scroll to the end, search — every row reachable`, async ({
      page,
    }) => {
      // A million spans is a 358 MB file: written, read and parsed well within this on a busy machine.
      test.setTimeout(n >= 1_000_000 ? 360_000 : 120_000);
      await observeLongTasks(page);
      const file = join(files, `big-${n}.jaeger.json`);
      writeFileSync(file, JSON.stringify(jaegerJson('b1'.repeat(16), bigTraceSpans(n), Date.now())));
      const view = new TraceViewPage(page);
      await view.open(e2eEnv().consoleUrl, '/traces/file', server.url);
      await view.fileInput.setInputFiles(file);
      await view.waitForTrace(n);
      const s = await view.summary();
      expect(s.rows).toBe(n);
      expect(s.maxDepth).toBeGreaterThan(100);

      await view.scrollToEnd();
      await expect.poll(async () => (await view.drawn()).last).toBe(n - 1);
      const [last] = await view.rows(n - 1, 1);
      expect(last?.row).toBe(n - 1);

      await view.button('Collapse all').click();
      await expect.poll(async () => (await view.summary()).rows).toBe(1);
      await view.button('Expand all').click();
      await expect.poll(async () => (await view.summary()).rows).toBe(n);
      await view.scrollToEnd();
      await expect.poll(async () => (await view.drawn()).last).toBe(n - 1);

      await view.search.fill('op-49');
      await view.search.press('Enter');
      // Fifty operations in turn (e2e/seed/trace-seed.ts): every fiftieth span is op-49.
      const matches = (n / 50).toLocaleString('en');
      await expect(page.getByTestId('search-count')).toHaveText(`1 of ${matches}`);
      await page.getByRole('button', { name: 'Previous match' }).click();
      await expect(page.getByTestId('search-count')).toHaveText(`${matches} of ${matches}`);
      const selected = await view.summary();
      expect(selected.selected).toBe('op-49');

      const longTasks = await page.evaluate(() => window.__longTasks ?? []);
      // Reported, not asserted: the timing targets live in bench/trace-view.bench.ts.
      test.info().annotations.push({
        type: 'long tasks',
        description: `${longTasks.length} over 50 ms, longest ${Math.round(Math.max(0, ...longTasks))} ms`,
      });
      expect(page.isClosed()).toBe(false);
    });
  }
});
