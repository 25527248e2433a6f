import type { Locator, Page } from '@playwright/test';

/** The console's first screen: the header and the server status panel. */
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
    await this.page.goto(url.href);
  }

  /** The value shown next to a label in the status panel ("Status", "Version", "Storage", …). */
  field(label: string): Locator {
    return this.statusPanel.locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
  }
}
