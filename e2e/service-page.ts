import type { Locator, Page } from '@playwright/test';

export type DrawnSeries = Record<string, [number, number | null][]>;

/** One service's RED charts and endpoints. */
export class ServicePage {
  readonly page: Page;
  readonly endpoints: Locator;

  constructor(page: Page) {
    this.page = page;
    this.endpoints = page.getByRole('table', { name: 'Endpoints' });
  }

  chart(title: 'Throughput' | 'Error rate' | 'Latency'): Locator {
    return this.page.getByRole('region', { name: title }).getByTestId('chart');
  }

  /** What the chart drew (its data-series attribute): series name → [ms, value] points. */
  async drawn(title: 'Throughput' | 'Error rate' | 'Latency'): Promise<DrawnSeries> {
    const text = await this.chart(title).getAttribute('data-series');
    return JSON.parse(text ?? '{}') as DrawnSeries;
  }

  endpointRow(endpoint: string): Locator {
    return this.endpoints.getByRole('row').filter({ hasText: endpoint });
  }
}
