import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
/**
 * Attaches a screenshot of the current view in the light and the dark theme (the console follows the OS
 * preference, which Playwright emulates). With APO_E2E_SHOTS_DIR set they are also written there, to look at.
 */
export async function attachBothThemes(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const dir = process.env.APO_E2E_SHOTS_DIR;
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.locator(`html[data-theme="${colorScheme}"]`).waitFor();
    // Charts redraw with the new tokens on the next frame.
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
    );
    const body = await page.screenshot();
    await testInfo.attach(`${name} (${colorScheme})`, { body, contentType: 'image/png' });
    if (dir !== undefined) {
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, `${name}-${colorScheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: null });
}
