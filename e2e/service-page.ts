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

  /** The delay source badge of an endpoint ("delay source dependency 75 %"), with the share in data-share. */
  delaySource(endpoint: string): Locator {
    return this.endpointRow(endpoint).getByLabel(/^delay source/);
  }

  instanceRow(instance: string): Locator {
    return this.page.getByRole('table', { name: 'Instances' }).getByRole('row').filter({ hasText: instance });
  }

  /** A database / external call row, found by its operation and table ("SELECT orders"). */
  callRow(statement: string): Locator {
    return this.page
      .getByRole('table', { name: 'Database and external calls' })
      .getByRole('row')
      .filter({ hasText: statement });
  }

  statusLight(name: 'Infra' | 'Network' | 'Kubernetes'): Locator {
    return this.page.getByRole('list', { name: 'Status lights' }).getByLabel(new RegExp(`^${name} `));
  }
}
