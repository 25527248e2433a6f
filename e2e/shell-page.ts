import type { Locator, Page } from '@playwright/test';

/** The frame around every view: navigation, top bar, command palette, shortcuts, offline banner. */
export class ShellPage {
  readonly page: Page;
  readonly nav: Locator;
  readonly serverSwitcher: Locator;
  readonly timeRange: Locator;
  readonly offlineBanner: Locator;
  readonly palette: Locator;
  readonly themeMenu: Locator;

  constructor(page: Page) {
    this.page = page;
    this.nav = page.getByRole('navigation', { name: 'Main' });
    this.serverSwitcher = page.getByRole('button', { name: /^Server / });
    this.timeRange = page.getByRole('button', { name: /^Time range:/ });
    this.offlineBanner = page.getByRole('status', { name: 'Offline' });
    this.palette = page.getByRole('dialog', { name: 'Command palette' });
    this.themeMenu = page.getByRole('button', { name: /^Theme:/ });
  }

  /** Opens `hashPath` (e.g. `/services/cart?from=now-6h&to=now`) of the console talking to `server`. */
  async open(consoleUrl: string, hashPath: string, server?: string): Promise<void> {
    const url = new URL(consoleUrl);
    if (server !== undefined) url.searchParams.set('server', server);
    url.hash = hashPath;
    await this.page.goto(url.href);
  }

  /** The router's part of the URL (after `#`), search params parsed. */
  viewUrl(): URL {
    return new URL(new URL(this.page.url()).hash.slice(1), 'http://view');
  }

  async chooseTheme(name: 'Light' | 'Dark' | 'Follow the system'): Promise<void> {
    await this.themeMenu.click();
    await this.page.getByRole('menuitemradio', { name }).click();
  }
}
