import type { Locator, Page } from '@playwright/test';

/** The server status panel (Admin → Server, also in the server switcher's popover). */
export class ConsolePage {
  readonly page: Page;
  readonly statusPanel: Locator;
  readonly problem: Locator;
  readonly retryButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.statusPanel = page.getByRole('region', { name: 'Server status' });
    this.problem = this.statusPanel.getByRole('alert');
    this.retryButton = this.statusPanel.getByRole('button', { name: /^Retry/ });
  }

  async open(consoleUrl: string, options: { server?: string } = {}): Promise<void> {
    const url = new URL(consoleUrl);
    if (options.server !== undefined) url.searchParams.set('server', options.server);
    url.hash = '/admin?tab=server';
    await this.page.goto(url.href);
  }

  /** For a console already open elsewhere (Electron's first window): go to Admin → Server. */
  async showServerStatus(): Promise<void> {
    await this.page.evaluate(() => {
      window.location.hash = '/admin?tab=server';
    });
  }

  /** The value shown next to a label in the status panel ("Status", "Version", "Storage", …). */
  field(label: string): Locator {
    return this.statusPanel.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  }
}
