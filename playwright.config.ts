// End-to-end tests: the console in Chromium (and in Electron where its binary exists) against a real APO
// server started by e2e/global-setup.ts. Run: `pnpm exec playwright test`.
// Linted in typescript-eslint's default project (root *.ts), which under TypeScript 6 loads no @types
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium when installed (`apt-get install chromium`): Playwright's own browser download is not
// available everywhere. The flags keep it quiet and headless-friendly in containers (no sandbox as root).
const debianChromium = '/usr/bin/chromium';
const chromiumLaunch = existsSync(debianChromium)
  ? {
      launchOptions: {
        executablePath: debianChromium,
        args: [
          '--no-sandbox',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-gpu',
        ],
      },
    }
  : {};

export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: './test-results',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: process.env.CI !== undefined,
  retries: 0,
  reporter: process.env.CI !== undefined ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'chromium',
      testIgnore: /\.electron\.spec\.ts$/,
      use: { ...devices['Desktop Chrome'], headless: true, ...chromiumLaunch },
    },
    {
      // Skips itself (with the reason) when the Electron binary is not installed.
      name: 'electron',
      testMatch: /\.electron\.spec\.ts$/,
    },
  ],
});
