// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test, type Locator } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { ownServer, type OwnServer } from './own-server.ts';
import { attachBothThemes } from './screenshots.ts';
import {
  PAGING_GROUPS,
  PAGING_INSTANCES,
  pagingInstance,
  pagingMessage,
  seedPaging,
} from './seed/paging-seed.ts';
import { ShellPage } from './shell-page.ts';

// A private server holding only the paging seed, so every count below is exact.
test.describe.configure({ mode: 'serial' });

let server: OwnServer;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await ownServer(e2eEnv().consoleUrl);
  await server.start();
  await seedPaging(server.url);
});

test.afterAll(async () => {
  await server.dispose();
});

/** The data rows of a table (its header row left out), as their first cell's text. */
async function firstCells(table: Locator): Promise<string[]> {
  const rows = table.getByRole('row').filter({ has: table.page().getByRole('cell') });
  return rows.evaluateAll((els) => els.map((r) => (r.querySelector('td')?.textContent ?? '').trim()));
}

test('the instances and error groups beyond the first page load on demand, in order, each once', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const shell = new ShellPage(page);
  await shell.open(e2eEnv().consoleUrl, '/services/ledger?from=now-1h&to=now', server.url);

  const instances = page.getByRole('table', { name: 'Instances' });
  const instancesPanel = page.getByRole('region', { name: 'Instances' });
  await expect(instances.getByRole('row')).toHaveCount(101, { timeout: 60_000 });
  await expect(instancesPanel.getByText('100 instances shown; more in this range')).toBeVisible();
  const errors = page.getByRole('table', { name: 'Error groups' });
  const errorsPanel = page.getByRole('region', { name: 'Errors' });
  await expect(errors.getByRole('row')).toHaveCount(51);
  await instancesPanel.getByRole('button', { name: 'Load more instances' }).scrollIntoViewIfNeeded();
  await attachBothThemes(page, testInfo, 'service-paging-first-pages');

  await instancesPanel.getByRole('button', { name: 'Load more instances' }).click();
  await expect(instances.getByRole('row')).toHaveCount(PAGING_INSTANCES + 1);
  await expect(instancesPanel.getByRole('button', { name: 'Load more instances' })).toHaveCount(0);
  await expect(instancesPanel.getByText(`${PAGING_INSTANCES} instances`, { exact: true })).toBeVisible();
  const names = (await firstCells(instances)).map((t) => /^ledger-\d{3}/.exec(t)?.[0]);
  expect(names).toEqual(Array.from({ length: PAGING_INSTANCES }, (_, i) => pagingInstance(i)));

  await errorsPanel.getByRole('button', { name: 'Load more error groups' }).click();
  await expect(errors.getByRole('row')).toHaveCount(PAGING_GROUPS + 1);
  await expect(errorsPanel.getByRole('button', { name: 'Load more error groups' })).toHaveCount(0);
  // One failed span per group, so the newest first: entry 59 … entry 00.
  const messages = (await firstCells(errors)).map((t) => /entry \d{2}/.exec(t)?.[0]);
  expect(messages).toEqual(
    Array.from({ length: PAGING_GROUPS }, (_, g) => pagingMessage(PAGING_GROUPS - 1 - g)),
  );
  await errorsPanel.getByText(`${PAGING_GROUPS} error groups`, { exact: true }).scrollIntoViewIfNeeded();
  await attachBothThemes(page, testInfo, 'service-paging-all-loaded');
});

test('a next page that fails says so beside its button, and the rows shown stay', async ({
  page,
}, testInfo) => {
  test.setTimeout(120_000);
  const shell = new ShellPage(page);
  await shell.open(e2eEnv().consoleUrl, '/services/ledger?from=now-1h&to=now', server.url);
  const instances = page.getByRole('table', { name: 'Instances' });
  const instancesPanel = page.getByRole('region', { name: 'Instances' });
  await expect(instances.getByRole('row')).toHaveCount(101, { timeout: 60_000 });
  // The last test: the server goes away under the page.
  await server.stop();
  await instancesPanel.getByRole('button', { name: 'Load more instances' }).click();
  await expect(instancesPanel.getByRole('alert')).toContainText('Could not load more instances (');
  await expect(instances.getByRole('row')).toHaveCount(101);
  await expect(instancesPanel.getByRole('button', { name: 'Load more instances' })).toBeEnabled();
  await instancesPanel.getByRole('button', { name: 'Load more instances' }).scrollIntoViewIfNeeded();
  await attachBothThemes(page, testInfo, 'service-paging-load-more-failed');
});
