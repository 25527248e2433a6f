// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { expect, test } from '@playwright/test';
import { e2eEnv } from './e2e-env.ts';
import { attachBothThemes } from './screenshots.ts';
import { ShellPage } from './shell-page.ts';

test.describe('console: shell', () => {
  test('navigation: views to come are disabled and say so', async ({ page }) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    await shell.open(consoleUrl, '/admin?tab=server', serverUrl);
    await expect(shell.nav.getByRole('link', { name: 'Overview' })).toBeVisible();
    await expect(shell.nav.getByRole('link', { name: 'Admin' })).toHaveAttribute('aria-current', 'page');
    const logs = shell.nav.getByText('Logs');
    await expect(shell.nav.getByRole('link', { name: 'Logs' })).toHaveCount(0);
    await logs.hover();
    await expect(page.getByRole('tooltip')).toContainText('Coming in a later release');
    await expect(
      page.getByRole('button', { name: 'Local mode: no sign-in, you are the local admin' }),
    ).toHaveCount(0);
    await expect(page.getByLabel('Local mode: no sign-in, you are the local admin')).toBeVisible();
  });

  test('command palette jumps to a service; a trace id says its view comes later', async ({ page }) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    await shell.open(consoleUrl, '/admin?tab=server&from=now-6h&to=now', serverUrl);
    await expect(shell.serverSwitcher).toHaveAccessibleName(/Connected$/);
    await page.keyboard.press('Control+k');
    await expect(shell.palette).toBeVisible();
    await page.keyboard.type('0af7651916cd43dd8448eb211c80319c');
    await expect(shell.palette.getByRole('option', { name: /trace view arrives later/ })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    await page.keyboard.press('Control+a');
    await page.keyboard.type('cart');
    await shell.palette.getByRole('option', { name: 'cart' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'cart' })).toBeVisible();
    // The range moved with the jump.
    expect(shell.viewUrl().searchParams.get('from')).toBe('now-6h');
  });

  test('? lists the shortcuts, Esc closes; an unknown page offers a way back', async ({ page }, testInfo) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    await shell.open(consoleUrl, '/admin?tab=server', serverUrl);
    await expect(shell.serverSwitcher).toHaveAccessibleName(/Connected$/);
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toContainText('Open the command palette');
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await attachBothThemes(page, testInfo, 'admin-server');

    await shell.open(consoleUrl, '/no/such/view', serverUrl);
    await expect(page.getByText('There is no page here')).toBeVisible();
    await page.getByRole('link', { name: 'Back to the overview' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Services' })).toBeVisible();
  });

  test('the theme follows the OS and can be chosen', async ({ page }) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const shell = new ShellPage(page);
    await page.emulateMedia({ colorScheme: 'dark' });
    await shell.open(consoleUrl, '/admin?tab=server', serverUrl);
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await shell.chooseTheme('Light');
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await page.reload();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  });
});
