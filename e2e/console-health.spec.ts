// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { ConsolePage } from './console-page.ts';
import { e2eEnv } from './e2e-env.ts';
import { freePorts } from './free-port.ts';

// The server reports its package version; reading the same file keeps the test honest without hard-coding it.
const serverVersion = (
  JSON.parse(readFileSync(new URL('../apps/server/package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

test.describe('console: server status', () => {
  test('shows a running server: status ok, its version and embedded storage', async ({ page }) => {
    const { serverUrl, consoleUrl } = e2eEnv();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      // A CSP violation or a React error shows up here even when the page still renders.
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });

    const console = new ConsolePage(page);
    await console.open(consoleUrl, { server: serverUrl });

    await expect(page.getByRole('heading', { level: 1, name: 'APO' })).toBeVisible();
    await expect(console.statusPanel).toContainText(serverUrl);
    await expect(console.field('Status')).toHaveText('ok');
    await expect(console.field('Version')).toHaveText(serverVersion);
    await expect(console.field('Storage')).toContainText('embedded');
    await expect(console.field('Uptime')).toHaveText(/^\d+(s|m \d+s)$/);
    await expect(console.problem).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test('says plainly when the server cannot be reached, and offers a retry', async ({ page }) => {
    const { consoleUrl } = e2eEnv();
    // Free a moment ago and nothing listens on it: connections are refused.
    const [closedPort] = (await freePorts(1)) as [number];
    const deadServer = `http://127.0.0.1:${closedPort}`;

    const console = new ConsolePage(page);
    await console.open(consoleUrl, { server: deadServer });

    await expect(console.problem).toContainText(
      `Cannot reach the APO server at ${deadServer} — start it with pnpm start`,
    );
    await expect(console.problem.locator('code')).toHaveText('pnpm start');
    await expect(console.retryButton).toBeVisible();
    await expect(console.field('Status')).toHaveCount(0);

    await console.retryButton.click();
    // The retry really asks again (the button shows it), then lands back on the same clear message.
    await expect(console.retryButton).toHaveText('Retry');
    await expect(console.problem).toContainText(`Cannot reach the APO server at ${deadServer}`);
  });

  test('without ?server= it uses its own origin, which forwards /trpc to the server', async ({ page }) => {
    const { consoleUrl } = e2eEnv();
    const console = new ConsolePage(page);
    await console.open(consoleUrl);

    await expect(console.statusPanel).toContainText(new URL(consoleUrl).origin);
    await expect(console.field('Status')).toHaveText('ok');
    await expect(console.field('Storage')).toContainText('embedded');
  });
});
