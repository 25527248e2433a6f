import type { Locator, Page } from '@playwright/test';

/** The services overview, found the way a user finds it: the table, its rows, the filters. */
export class OverviewPage {
  readonly page: Page;
  readonly table: Locator;
  readonly search: Locator;
  readonly cluster: Locator;
  readonly namespace: Locator;
  readonly problem: Locator;
  readonly retryButton: Locator;

  constructor(page: Page) {
    this.page = page;
    this.table = page.getByRole('table', { name: 'Services' });
    this.search = page.getByRole('searchbox');
    this.cluster = page.getByLabel('Cluster');
    this.namespace = page.getByLabel('Namespace');
    this.problem = page.getByRole('alert');
    this.retryButton = page.getByRole('button', { name: /^Retry/ });
  }

  /** Data rows (one per service), in display order. */
  rows(): Locator {
    return this.table.locator('tbody > tr.data-row');
  }

  row(service: string): Locator {
    return this.rows().filter({ has: this.page.getByRole('link', { name: service, exact: true }) });
  }

  async serviceNames(): Promise<string[]> {
    return this.rows().locator('.service-link').allTextContents();
  }

  /** The cell of `service` under the column header `column` ("p95", "Error rate", …). */
  async cell(service: string, column: string): Promise<Locator> {
    const headers = await this.table.locator('thead th').allTextContents();
    const index = headers.findIndex((h) => h.replace(/[↕▲▼]/g, '').trim() === column);
    if (index === -1) throw new Error(`no column "${column}" among ${JSON.stringify(headers)}`);
    return this.row(service).locator('td').nth(index);
  }

  healthBadge(service: string): Locator {
    return this.row(service).getByRole('button', { name: /^Health:/ });
  }

  sortBy(column: string): Promise<void> {
    return this.table.getByRole('button', { name: column, exact: true }).click();
  }
}
