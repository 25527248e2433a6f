// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { OverviewPage } from './overview-page.ts';
import { ownServer, type OwnServer } from './own-server.ts';
import { manyServiceName, seedManyServices } from './seed/red-seed.ts';
import { ShellPage } from './shell-page.ts';

// A private server with only this seed: the row count below is exact.
const SERVICES = 150;
let server: OwnServer;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await ownServer(e2eEnv().consoleUrl);
  await server.start();
  await seedManyServices(server.url, SERVICES);
});

test.afterAll(async () => {
  await server.dispose();
});

test('a long overview keeps only the visible rows in the page; End and Home reach both ends; rows never overlap', async ({
  page,
}) => {
  const shell = new ShellPage(page);
  const overview = new OverviewPage(page);
  const overviewRequests: string[] = [];
  page.on('request', (request) => {
    if (request.url().includes('/trpc/overview.services')) overviewRequests.push(request.url());
  });
  await shell.open(e2eEnv().consoleUrl, '/?from=now-1h&to=now&sort=name&dir=asc', server.url);
  await expect(overview.table).toHaveAttribute('aria-rowcount', String(SERVICES + 1), { timeout: 60_000 });
  // The request boot/early-data.ts sends before the app has loaded is the one the page shows: not asked twice.
  expect(overviewRequests).toHaveLength(1);
  await expect(overview.row(manyServiceName(0))).toBeVisible();
  // Virtualised: a screenful and its overscan, not all 150 rows.
  const rendered = await overview.rows().count();
  expect(rendered).toBeGreaterThan(10);
  expect(rendered).toBeLessThan(60);

  // Rows are measured by the browser's layout (a ResizeObserver), not guessed: consecutive rows touch
  // without overlapping, however tall a row turns out to be.
  const gaps = async () =>
    overview.rows().evaluateAll((rows) =>
      rows.slice(1).map((row, i) => {
        const above = rows[i]?.getBoundingClientRect();
        return Math.round(row.getBoundingClientRect().top - (above?.bottom ?? 0));
      }),
    );
  expect(new Set(await gaps())).toEqual(new Set([0]));

  await overview.row(manyServiceName(0)).focus();
  await page.keyboard.press('End');
  const last = overview.row(manyServiceName(SERVICES - 1));
  await expect(last).toBeInViewport();
  await expect(last).toBeFocused();
  await expect(overview.row(manyServiceName(0))).toHaveCount(0);
  expect(new Set(await gaps())).toEqual(new Set([0]));

  await page.keyboard.press('Home');
  await expect(overview.row(manyServiceName(0))).toBeInViewport();
  await expect(overview.row(manyServiceName(0))).toBeFocused();
});
