/**
 * The same first screen inside the real Electron shell (preload bridge, IPC, sandbox). Runs only where the
 * Electron binary is installed; elsewhere every test here is skipped with the reason.
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';
import {
  detectElectronBinary,
  electronPathWithoutDownload,
} from '../apps/desktop/scripts/electron-binary.ts';
import { ConsolePage } from './console-page.ts';
import { e2eEnv } from './e2e-env.ts';
import { run } from './processes.ts';

const repoDir = dirname(dirname(fileURLToPath(import.meta.url)));
const desktopDir = join(repoDir, 'apps', 'desktop');
const binary = detectElectronBinary(() => electronPathWithoutDownload(desktopDir));

test.describe('Electron console', () => {
  test.skip(!binary.found, 'Electron binary not installed (cannot be downloaded here)');

  let app: ElectronApplication | undefined;

  test.beforeAll(async () => {
    await run(
      process.execPath,
      [
        join(desktopDir, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
        'build',
        '--logLevel',
        'warn',
      ],
      { cwd: desktopDir },
    );
  });

  test.afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  test('shows the server status through the preload bridge', async () => {
    if (!binary.found) return;
    const { serverUrl } = e2eEnv();
    app = await electron.launch({
      executablePath: binary.path,
      args: [desktopDir],
      env: { ...process.env, APO_SERVER_URL: serverUrl },
    });
    const page = await app.firstWindow();
    const console = new ConsolePage(page);

    // The bridge exists and is the only thing exposed: no Node in the page.
    expect(await page.evaluate(() => typeof (window as unknown as { apoBridge?: unknown }).apoBridge)).toBe(
      'object',
    );
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');

    await console.showServerStatus();
    await expect(console.statusPanel).toContainText(serverUrl);
    await expect(console.field('Status')).toHaveText('ok');
    await expect(console.field('Storage')).toContainText('embedded');
  });

  test('refuses to open new windows or navigate away', async () => {
    if (!binary.found) return;
    const { serverUrl } = e2eEnv();
    app = await electron.launch({
      executablePath: binary.path,
      args: [desktopDir],
      env: { ...process.env, APO_SERVER_URL: serverUrl },
    });
    const page = await app.firstWindow();
    const before = page.url();
    await page.evaluate(() => {
      window.open('https://example.com/');
      window.location.href = 'https://example.com/';
    });
    // Denials leave nothing to wait for; give a would-be window or navigation time to appear.
    await page.waitForTimeout(1_000);
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toBe(before);
  });
});
