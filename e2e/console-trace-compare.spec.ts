// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { ownServer, type OwnServer } from './own-server.ts';
import { attachBothThemes } from './screenshots.ts';
import { seedSlowShop, SLOW_SHOP_TRACE_ID } from './seed/trace-compare-seed.ts';
import {
  BIG_EXPORT_SPANS,
  BIG_EXPORT_TRACE_ID,
  exportSeedAttributes,
  seedBigExportTrace,
} from './seed/trace-export-seed.ts';
import { bigTraceSpans, jaegerJson, seedTraces, SHOP_TRACE_ID } from './seed/trace-seed.ts';
import { TraceViewPage } from './trace-view-page.ts';

// The trace view's flame graph, export and comparison, on the seeded checkout (trace-seed.ts) and its slow
// second run (trace-compare-seed.ts). A private server: the seed's services must not reach the shared
// server's overview specs.
test.describe.configure({ mode: 'serial' });

let server: OwnServer;
let files: string;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await ownServer(e2eEnv().consoleUrl);
  await server.start();
  await seedTraces(server.url);
  await seedSlowShop(server.url);
  await seedBigExportTrace(server.url);
  files = mkdtempSync(join(tmpdir(), 'apo-e2e-trace-compare-'));
});

test.afterAll(async () => {
  await server.dispose();
  rmSync(files, { recursive: true, force: true });
});

const SHOP_SHAPE = [
  ['GET /checkout', 0, 120],
  ['get cart', 1, 20],
  ['place order', 1, 85],
  ['reserve stock', 2, 15],
  ['charge card', 2, 60],
  ['INSERT payments', 3, 15],
];
const ms = (v: number) => Math.round(v * 1000) / 1000;

async function openStored(page: Page, traceId: string, query = ''): Promise<TraceViewPage> {
  const view = new TraceViewPage(page);
  await view.open(e2eEnv().consoleUrl, `/traces/${traceId}${query}`, server.url);
  return view;
}

/** The comparison table's rows as text cells: path, calls A, calls B, duration A, B, Δ, self A, B, change. */
async function compareRows(page: Page): Promise<string[][]> {
  const table = page.getByRole('table', { name: 'Call paths compared' });
  await expect(table).toBeVisible();
  return table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent.trim())),
    );
}

test('the flame graph shows the seeded self times; hover tells a frame, a click selects its span', async ({
  page,
}) => {
  const view = await openStored(page, SHOP_TRACE_ID);
  await view.waitForTrace(6);
  await page.getByRole('tab', { name: 'Flame graph' }).click();
  await expect(page).toHaveURL(/view=flame/);
  await expect(page.getByTestId('flame-graph')).toBeVisible();

  // Merged by call path; a frame's width is its self time plus its children's (parallel work adds up).
  const frames = await view.flame();
  expect(frames.map((f) => [f.name, f.service, f.depth, f.calls, ms(f.widthMs), ms(f.selfMs)])).toEqual([
    ['GET /checkout', 'shop-web', 0, 1, 130, 15],
    ['get cart', 'shop-basket', 1, 1, 20, 20],
    ['place order', 'shop-orders', 1, 1, 95, 20],
    ['reserve stock', 'shop-stock', 2, 1, 15, 15],
    ['charge card', 'shop-payments', 2, 1, 60, 45],
    ['INSERT payments', 'shop-db', 3, 1, 15, 15],
  ]);

  const frame = await view.flameFrame('charge card');
  const box = await page.getByTestId('flame-graph').boundingBox();
  if (box === null) throw new Error('the flame graph has no box');
  await page.mouse.move(box.x + frame.x + frame.w / 2, box.y + frame.y + 10);
  const tip = page.getByTestId('flame-tip');
  await expect(tip).toContainText('charge card');
  await expect(tip).toContainText('shop-payments');
  await expect(tip.getByTestId('flame-tip-self')).toHaveText('45 ms');
  await expect(tip).toContainText('Duration60 ms');
  await attachBothThemes(page, test.info(), 'trace-flame');

  await page.mouse.click(box.x + frame.x + frame.w / 2, box.y + frame.y + 10);
  await expect(view.details.getByRole('heading', { name: 'charge card' })).toBeVisible();
  await expect(view.details.getByTestId('span-duration')).toHaveText('60 ms');
  expect((await view.summary()).selected).toBe('charge card');

  // The tab is URL state: a reload comes back to the flame graph, with the waterfall one click away.
  await page.reload();
  await expect(page.getByRole('tab', { name: 'Flame graph' })).toHaveAttribute('aria-selected', 'true');
  // The root frame again, from the graph's left edge (1 px in).
  expect((await view.flameFrame('GET /checkout')).x).toBe(1);
  await page.getByRole('tab', { name: 'Waterfall' }).click();
  await expect(view.waterfall).toBeVisible();
});

test('compare with the slow run: added, missing and slower call paths with their deltas', async ({
  page,
}) => {
  const view = await openStored(page, SHOP_TRACE_ID);
  await view.waitForTrace(6);
  await page.getByRole('textbox', { name: 'Compare with trace id' }).fill('not-a-trace');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('A trace id is 32 hex digits');
  await page.getByRole('textbox', { name: 'Compare with trace id' }).fill(SLOW_SHOP_TRACE_ID);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`#/traces/compare\\?a=${SHOP_TRACE_ID}&b=${SLOW_SHOP_TRACE_ID}`));

  await expect(page.getByTestId('cmp-summary')).toHaveText(
    'B took +60 ms against A. 3 slower · 0 faster · 2 added · 1 missing · 2 unchanged',
  );
  await expect(page.getByTestId('cmp-duration-A')).toHaveText('120 ms');
  await expect(page.getByTestId('cmp-duration-B')).toHaveText('180 ms');
  expect(await compareRows(page)).toEqual([
    ['GET /checkout shop-web', '1', '1', '120 ms', '180 ms', '+60 ms (+50 %)', '15 ms', '14 ms', '▲ slower'],
    ['get cart shop-basket', '1', '1', '20 ms', '21 ms', '+1 ms (+5 %)', '20 ms', '21 ms', ''],
    ['place order shop-orders', '1', '1', '85 ms', '145 ms', '+60 ms (+71 %)', '20 ms', '25 ms', '▲ slower'],
    ['reserve stock shop-stock', '1', '—', '15 ms', '—', '−15 ms', '15 ms', '—', '− missing'],
    [
      'charge card shop-payments',
      '1',
      '1',
      '60 ms',
      '120 ms',
      '+60 ms (+100 %)',
      '45 ms',
      '55 ms',
      '▲ slower',
    ],
    ['INSERT payments shop-db', '1', '1', '15 ms', '15 ms', '±0 (±0 %)', '15 ms', '15 ms', ''],
    ['retry charge shop-payments', '—', '1', '—', '50 ms', '+50 ms', '—', '35 ms', '+ added'],
    ['INSERT payments shop-db', '—', '1', '—', '15 ms', '+15 ms', '—', '15 ms', '+ added'],
  ]);
  await attachBothThemes(page, test.info(), 'trace-compare');

  // Only the changes (with the paths above them), and a looser threshold: both in the URL.
  await page.getByRole('checkbox', { name: 'Only changes' }).check();
  await expect(page).toHaveURL(/changes=true/);
  expect((await compareRows(page)).map((r) => [r[0], r[8]])).toEqual([
    ['GET /checkout shop-web', '▲ slower'],
    ['place order shop-orders', '▲ slower'],
    ['reserve stock shop-stock', '− missing'],
    ['charge card shop-payments', '▲ slower'],
    ['retry charge shop-payments', '+ added'],
    ['INSERT payments shop-db', '+ added'],
  ]);
  await page.getByRole('spinbutton', { name: 'Change threshold, percent' }).fill('90');
  await expect(page).toHaveURL(/threshold=90/);
  await expect(page.getByTestId('cmp-summary')).toContainText('1 slower · 0 faster · 2 added · 1 missing');
});

test('compare: no traces chosen, a malformed id, a trace the server does not store', async ({ page }) => {
  const view = new TraceViewPage(page);
  await view.open(e2eEnv().consoleUrl, '/traces/compare', server.url);
  await expect(page.getByRole('status').filter({ hasText: 'Choose two traces to compare' })).toBeVisible();
  await attachBothThemes(page, test.info(), 'trace-compare-empty');

  const missing = 'f'.repeat(32);
  await view.open(e2eEnv().consoleUrl, `/traces/compare?a=xyz&b=${missing}`, server.url);
  // Each side says which it is and what is wrong with it.
  await expect(page.getByRole('alert').nth(0)).toContainText(
    'A: "xyz" is not a trace id: a trace id is 32 hex digits, or file:<id>',
  );
  await expect(page.getByRole('alert').nth(1)).toContainText(
    `B: trace ${missing} is not stored on this server`,
  );
  await expect(page.getByRole('alert').nth(1).getByRole('button', { name: 'Retry' })).toBeVisible();
  await attachBothThemes(page, test.info(), 'trace-compare-error');
});

test('export as OTLP JSON and Jaeger JSON: each file reopens in the file view, details included', async ({
  page,
}) => {
  for (const [button, suffix] of [
    ['OTLP JSON', 'otlp'],
    ['Jaeger JSON', 'jaeger'],
  ] as const) {
    const view = await openStored(page, SHOP_TRACE_ID);
    await view.waitForTrace(6);
    const downloading = page.waitForEvent('download');
    await view.button(button).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`trace-${SHOP_TRACE_ID}.${suffix}.json`);
    const path = join(files, download.suggestedFilename());
    await download.saveAs(path);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(suffix === 'otlp' ? '{"resourceSpans":[' : '{"data":[{"traceID":')).toBe(true);

    // A fresh page: the file view must show this file, not the one the last round opened.
    await view.open(e2eEnv().consoleUrl, '/traces/file', server.url);
    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: 'No file open' })).toBeVisible();
    await view.fileInput.setInputFiles(path);
    await view.waitForTrace(6);
    const rows = await view.rows();
    expect(rows.map((r) => [r.name, r.depth, ms(r.durationMs)])).toEqual(SHOP_SHAPE);
    expect((await view.summary()).traceId).toBe(SHOP_TRACE_ID);
    expect(rows.filter((r) => r.errorOrigin).map((r) => r.name)).toEqual(['INSERT payments']);
    // The span details travelled with the export: the exception's stack trace, the resource.
    await view.search.fill('charge card');
    await view.search.press('Enter');
    await expect(view.details.locator('pre.stacktrace')).toContainText('at charge (payments.ts:42:11)');
    await expect(view.details.getByText('service.instance.id')).toBeVisible();
  }
  // The file trace against the stored slow run.
  const view = new TraceViewPage(page);
  await page.getByRole('textbox', { name: 'Compare with trace id' }).fill(SLOW_SHOP_TRACE_ID);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`a=file%3A${SHOP_TRACE_ID}|a=file:${SHOP_TRACE_ID}`));
  await expect(page.getByTestId('cmp-summary')).toContainText('3 slower · 0 faster · 2 added · 1 missing');
  expect(view.page.isClosed()).toBe(false);
});

test('exporting a stored trace of 3,000 spans: every span of the file carries its seeded attributes', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Stored whole before the view opens (three requests of 1,000 spans each).
  await expect
    .poll(async () => {
      const res = await fetch(`${server.url}/api/traces/${BIG_EXPORT_TRACE_ID}`);
      if (!res.ok) return 0;
      const body = (await res.json()) as { data: { spans: unknown[] }[] };
      return body.data[0]?.spans.length ?? 0;
    })
    .toBe(BIG_EXPORT_SPANS);
  const view = await openStored(page, BIG_EXPORT_TRACE_ID);
  await view.waitForTrace(BIG_EXPORT_SPANS);
  const seeded = new Map(
    Array.from({ length: BIG_EXPORT_SPANS }, (_, i) => [
      (i + 1).toString(16).padStart(16, '0'),
      exportSeedAttributes(i),
    ]),
  );
  for (const [button, suffix] of [
    ['OTLP JSON', 'otlp'],
    ['Jaeger JSON', 'jaeger'],
  ] as const) {
    const downloading = page.waitForEvent('download');
    await view.button(button).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`trace-${BIG_EXPORT_TRACE_ID}.${suffix}.json`);
    const path = join(files, download.suggestedFilename());
    await download.saveAs(path);
    const doc: unknown = JSON.parse(readFileSync(path, 'utf8'));
    // Span id → its attributes, as the file has them (OTLP: attributes; Jaeger: string tags).
    const got = new Map<string, Record<string, string>>();
    if (suffix === 'otlp') {
      const otlp = doc as {
        resourceSpans: {
          scopeSpans: {
            spans: { spanId: string; attributes: { key: string; value: { stringValue: string } }[] }[];
          }[];
        }[];
      };
      for (const r of otlp.resourceSpans)
        for (const sc of r.scopeSpans)
          for (const sp of sc.spans)
            got.set(sp.spanId, Object.fromEntries(sp.attributes.map((a) => [a.key, a.value.stringValue])));
    } else {
      const jaeger = doc as {
        data: { spans: { spanID: string; tags: { key: string; value: unknown }[] }[] }[];
      };
      for (const sp of jaeger.data[0]?.spans ?? [])
        got.set(
          sp.spanID,
          Object.fromEntries(
            sp.tags
              .filter((t) => t.key === 'seq.n' || t.key === 'order.id')
              .map((t) => [t.key, String(t.value)]),
          ),
        );
    }
    expect(got.size).toBe(BIG_EXPORT_SPANS);
    const mismatched = [...seeded].filter(([id, attrs]) => {
      const g = got.get(id);
      return g?.['seq.n'] !== attrs['seq.n'] || g?.['order.id'] !== attrs['order.id'];
    });
    expect(mismatched).toEqual([]);
  }
  await expect(page.getByTestId('export-status')).toHaveText(
    'Download started — see the browser’s downloads',
  );
  await attachBothThemes(page, test.info(), 'trace-export-started');
});

test('the flame graph of a generated 100,000-span trace: merged paths, widths adding up, no long freeze', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks?.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const n = 100_000;
  const file = join(files, 'big.jaeger.json');
  writeFileSync(file, JSON.stringify(jaegerJson('b1'.repeat(16), bigTraceSpans(n), Date.now())));
  const view = new TraceViewPage(page);
  await view.open(e2eEnv().consoleUrl, '/traces/file?view=flame', server.url);
  await view.fileInput.setInputFiles(file);
  const root = await view.flameFrame('op-0');
  expect(root.x).toBe(1);
  const frames = await view.flame();
  const summary = await view.summary();
  // Every span is in exactly one frame, and the root's width is the trace's summed self time.
  const calls = await page.evaluate(() => {
    const all = window.__apoTraceView?.flame(1_000_000) ?? [];
    return all.reduce((sum, f) => sum + f.calls, 0);
  });
  expect(calls).toBe(n);
  const selfMs = summary.services.reduce((sum, s) => sum + s.selfMs, 0);
  expect(Math.abs((frames[0]?.widthMs ?? 0) - selfMs)).toBeLessThan(1e-6 * selfMs);
  expect(frames[0]?.depth).toBe(0);
  await attachBothThemes(page, test.info(), 'trace-flame-large');
  const longTasks = await page.evaluate(() => window.__longTasks ?? []);
  // Reported, not asserted: the timing targets live in the benchmark.
  test.info().annotations.push({
    type: 'long tasks',
    description: `${longTasks.length} over 50 ms, longest ${Math.round(Math.max(0, ...longTasks))} ms`,
  });
});
