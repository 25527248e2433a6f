// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { ownServer, type OwnServer } from './own-server.ts';
import { attachBothThemes } from './screenshots.ts';
import { seedRed } from './seed/red-seed.ts';
import { ServicePage } from './service-page.ts';
import { ShellPage } from './shell-page.ts';

const values = (points: [number, number | null][] | undefined) =>
  (points ?? []).map(([, v]) => v).filter((v): v is number => v !== null);

test.describe('console: offline', () => {
  // A private server, started, stopped and started again: chDB's first start creates its schema.
  test.setTimeout(240_000);
  let server: OwnServer | undefined;

  test.afterEach(async () => {
    await server?.dispose();
    server = undefined;
  });

  test('keeps showing the last data under an offline banner, and clears it when the server returns', async ({
    page,
  }, testInfo) => {
    const { consoleUrl } = e2eEnv();
    server = await ownServer(consoleUrl);
    await server.start();
    await seedRed(server.url);
    const shell = new ShellPage(page);
    const service = new ServicePage(page);
    await shell.open(consoleUrl, '/services/cart?from=now-1h&to=now', server.url);
    await expect.poll(async () => values((await service.drawn('Latency')).p95).length).toBeGreaterThan(0);
    const before = await service.drawn('Latency');
    await expect(shell.offlineBanner).toHaveCount(0);

    await server.stop();
    // A refresh that cannot reach the server makes the console check at once (else: the next health poll).
    await shell.page.getByRole('button', { name: 'Refresh now' }).click();
    await expect(shell.offlineBanner).toContainText(
      /Offline since \d\d:\d\d — showing data from \d\d:\d\d \((just now|\d+ (s|min) old)\)/,
    );
    await expect(shell.serverSwitcher).toHaveAccessibleName(/Offline$/);
    // The view keeps its data, labelled with its age, rather than turning into an error.
    await expect(page.getByText(/saved copy as of/).first()).toBeVisible();
    expect(await service.drawn('Latency')).toEqual(before);
    await attachBothThemes(page, testInfo, 'service-offline');

    // After a reload the saved copy (IndexedDB) is what the view shows.
    await page.reload();
    await expect(shell.offlineBanner).toBeVisible();
    await expect.poll(async () => values((await service.drawn('Latency')).p95)).toEqual(values(before.p95));

    await server.start();
    await expect(shell.offlineBanner).toHaveCount(0, { timeout: 20_000 });
    await expect(shell.serverSwitcher).toHaveAccessibleName(/Connected$/);
    await expect(page.getByText(/saved copy as of/)).toHaveCount(0);
  });

  test('without saved data, says the server cannot be reached and offers Retry', async ({ page }) => {
    const { consoleUrl } = e2eEnv();
    server = await ownServer(consoleUrl);
    const shell = new ShellPage(page);
    // Never started: nothing listens on its port.
    await shell.open(consoleUrl, '/services/cart', server.url);
    const problem = page.getByRole('alert').filter({ hasText: 'Latency' });
    await expect(problem).toContainText(
      `Cannot reach the APO server at ${server.url}, and there is no saved copy`,
    );
    await expect(problem.getByRole('button', { name: 'Retry' })).toBeVisible();
    await expect(shell.offlineBanner).toContainText('no saved data for this view');
  });
});
