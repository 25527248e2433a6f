// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { ownServer, type OwnServer } from './own-server.ts';
import { attachBothThemes } from './screenshots.ts';
import { analyticsTraceId, seedAnalytics } from './seed/analytics-seed.ts';
import { TraceSearchPage } from './trace-search-page.ts';
import { TraceViewPage } from './trace-view-page.ts';

// A private server holding only the analytics seed, so every count below is exact; the last test stops it.
test.describe.configure({ mode: 'serial' });

let server: OwnServer;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await ownServer(e2eEnv().consoleUrl);
  await server.start();
  await seedAnalytics(server.url);
});

test.afterAll(async () => {
  await server.dispose();
});

test('the analytics name the seeded culprits: error origin, failed-trace attribute, and for a dragged selection of slow traces its replica and operation', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const search = new TraceSearchPage(page);
  await search.open(e2eEnv().consoleUrl, '/traces', server.url);
  await expect(search.scatterSummary).toContainText('60 traces');
  await expect(search.scatterSummary).toContainText('15 with errors');
  const drawn = JSON.parse((await search.scatter.getAttribute('data-series')) ?? '{}') as Record<
    string,
    [number, number][]
  >;
  expect([drawn.traces?.length, drawn['with errors']?.length]).toEqual([45, 15]);
  expect(new Set(drawn.traces?.map(([, ms]) => ms))).toEqual(new Set([85, 865]));

  // Error origins (the default tab): the deepest failed spans, not the ones that passed the failure on.
  await expect(search.analytics.getByTestId('analysis-note')).toContainText('60 traces searched');
  await expect(search.table('Error origins').getByRole('row')).toHaveCount(3);
  expect((await search.rows(search.table('Error origins'))).map((r) => r.slice(0, 5))).toEqual([
    ['payments-db', 'INSERT payment', 'DeadlockError', '10', '10'],
    ['checkout', 'place order', 'ValidationError', '5', '5'],
  ]);
  await search.analytics.scrollIntoViewIfNeeded();
  await attachBothThemes(page, test.info(), 'trace-analytics-errors');

  // Failed traces against healthy ones: the app version every failed trace runs.
  await search.tab('Attribute comparison').click();
  await expect(page).toHaveURL(/tab=attributes/);
  await expect(search.table('Attribute comparison').getByRole('row').nth(1)).toContainText(
    'app.version=5.2.0',
  );
  expect((await search.rows(search.table('Attribute comparison'), 1))[0]).toEqual([
    'app.version=5.2.0',
    '100 %',
    '4.44 %',
    '+95.6 pts',
  ]);

  // Drag a rectangle around the slow dots (865 ms), from the oldest to the newest, above the 85 ms ones.
  const oldestSlow = await search.dot(analyticsTraceId(3));
  const newestSlow = await search.dot(analyticsTraceId(57));
  const fast = await search.dot(analyticsTraceId(2));
  await search.drag(
    { x: oldestSlow.x - 12, y: oldestSlow.y - 15 },
    { x: newestSlow.x + 12, y: (newestSlow.y + fast.y) / 2 },
  );
  await expect(page).toHaveURL(/sel=\d+%2C\d+%2C[\d.]+%2C[\d.]+/);
  await expect(page.getByTestId('scatter-selection')).toContainText('Selected 10 traces');
  await expect(search.analytics.getByTestId('analysis-note')).toContainText('10 traces selected');
  expect((await search.rows(search.table('Attribute comparison'), 1))[0]).toEqual([
    'db.replica=replica-3',
    '100 %',
    '0 %',
    '+100 pts',
  ]);
  // The list shows the selected traces only: the 10 slow ones.
  await expect(search.traces.getByRole('row')).toHaveCount(11);
  expect(new Set((await search.rows(search.traces)).map((r) => r[5]))).toEqual(new Set(['865 ms']));
  await attachBothThemes(page, test.info(), 'trace-analytics-selection');

  await search.tab('Latency breakdown').click();
  await expect(search.table('Latency breakdown').getByRole('row').nth(1)).toContainText('SELECT stock');
  expect((await search.rows(search.table('Latency breakdown'), 2)).map((r) => r.slice(0, 5))).toEqual([
    ['inventory', 'SELECT stock', '92.5 %', '800 ms', '8 s'],
    ['payments', 'charge', '3.47 %', '30 ms', '300 ms'],
  ]);
  await attachBothThemes(page, test.info(), 'trace-analytics-latency');

  // A row narrows the search to what it names: the slow operation's 60 traces, selection dropped.
  await search.table('Latency breakdown').getByRole('row').nth(1).click();
  await expect(page).toHaveURL(/service=inventory/);
  await expect(page).not.toHaveURL(/sel=/);
  await expect(search.scatterSummary).toContainText('60 traces');

  // Back to the attribute: its row adds the filter, and the list shows the 10 slow traces.
  await search.open(e2eEnv().consoleUrl, '/traces?tab=attributes&attr=db.replica%21%3Dreplica-1', server.url);
  await expect(search.scatterSummary).toContainText('10 traces');
  await expect(search.traces.getByRole('row')).toHaveCount(11);
  await expect(search.traces.getByRole('row').nth(1)).toContainText('865 ms');
});

test('a click on a dot opens its trace', async ({ page }) => {
  const search = new TraceSearchPage(page);
  await search.open(e2eEnv().consoleUrl, '/traces', server.url);
  await expect(search.scatterSummary).toContainText('60 traces');
  const dot = await search.dot(analyticsTraceId(9));
  await page.mouse.click(dot.x, dot.y);
  await expect(page).toHaveURL(new RegExp(`#/traces/${analyticsTraceId(9)}`));
  const view = new TraceViewPage(page);
  await view.waitForTrace(5);
  expect((await view.rows()).map((r) => [r.name, Math.round(r.durationMs)])).toEqual([
    ['GET /checkout', 865],
    ['place order', 855],
    ['SELECT stock', 800],
    ['charge', 40],
    ['INSERT payment', 10],
  ]);
});

test('by keyboard: the scatter takes focus, the arrow keys move between traces and Enter opens one', async ({
  page,
}) => {
  const search = new TraceSearchPage(page);
  await search.open(e2eEnv().consoleUrl, '/traces', server.url);
  await expect(search.scatterSummary).toContainText('60 traces');
  // One focus stop; its name says how to use it, then (below) which trace is focused.
  await expect(
    page.getByRole('group', {
      name: 'Trace durations over time: arrow keys move between traces, Enter opens one',
    }),
  ).toBeVisible();
  const plot = page.getByTestId('scatter-keys');
  await plot.focus();
  // Focus lands on the first trace in time (trace 0); nine steps right is trace 9, a slow one (865 ms).
  const said = page.getByTestId('scatter-focus');
  await expect(said).toContainText('Trace 1 of 60 by time: web: GET /checkout, 85 ms');
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  await expect(said).toContainText('Trace 10 of 60 by time: web: GET /checkout, 865 ms');
  await expect(plot).toHaveAttribute(
    'aria-label',
    /^Trace 10 of 60 by time: web: GET \/checkout, 865 ms, .*no errors\. Enter opens it\.$/,
  );
  // Down and up walk by duration (ties in time order): down from trace 9 is trace 3, the other slow one
  // before it; down again, the slowest of the fast ones (85 ms, the newest: trace 59); up, back to trace 3.
  await page.keyboard.press('ArrowDown');
  await expect(said).toContainText('Trace 4 of 60 by time: web: GET /checkout, 865 ms');
  await page.keyboard.press('ArrowDown');
  await expect(said).toContainText('Trace 60 of 60 by time: web: GET /checkout, 85 ms');
  await page.keyboard.press('ArrowUp');
  await expect(said).toContainText('Trace 4 of 60 by time');
  await page.keyboard.press('Home');
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  await expect(said).toContainText('Trace 10 of 60 by time');
  await attachBothThemes(page, test.info(), 'trace-scatter-keyboard');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/traces/${analyticsTraceId(9)}`));
  const view = new TraceViewPage(page);
  await view.waitForTrace(5);
  expect((await view.rows()).map((r) => [r.name, Math.round(r.durationMs)])).toEqual([
    ['GET /checkout', 865],
    ['place order', 855],
    ['SELECT stock', 800],
    ['charge', 40],
    ['INSERT payment', 10],
  ]);
});

test('a search that matches nothing says so in every panel', async ({ page }) => {
  const search = new TraceSearchPage(page);
  await search.open(e2eEnv().consoleUrl, '/traces?service=nobody', server.url);
  await expect(page.getByText('No trace to plot in this time range')).toBeVisible();
  await expect(page.getByText('No trace to analyse: nothing matches in this range')).toBeVisible();
  await expect(page.getByText('No trace matches these filters in this time range')).toBeVisible();
  await attachBothThemes(page, test.info(), 'trace-analytics-empty');
});

test('with the server stopped, each panel says what failed and offers a retry', async ({ page }) => {
  await server.stop();
  const search = new TraceSearchPage(page);
  await search.open(e2eEnv().consoleUrl, '/traces?service=web', server.url);
  // The scatter, the analysis and the list each fail on their own, saying what they could not load.
  const problems = page.getByRole('alert').filter({ has: page.getByRole('button', { name: /^Retry/ }) });
  await expect(problems).toHaveCount(3, { timeout: 30_000 });
  await expect(problems.nth(0)).toContainText("the traces' durations");
  await expect(problems.nth(1)).toContainText('the error origins');
  await expect(problems.nth(2)).toContainText('the matching traces');
  await attachBothThemes(page, test.info(), 'trace-analytics-error');
});
