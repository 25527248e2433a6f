import type { Locator, Page } from '@playwright/test';

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
interface DrawnNeighbour {
  kind: string;
  name: string;
  calls: number;
  rate: number;
  errorRate: number | null;
  latencyP95: number | null;
  health: string;
}
export interface DrawnNeighbours {
  seconds: number;
  upstream: DrawnNeighbour[];
  downstream: DrawnNeighbour[];
}
export interface DrawnMap {
  nodes: { id: string; kind: string; name: string; health: string }[];
  edges: { from: string; to: string; rate: number; calls: number }[];
}

/** The topology panel of a service page, and the service map. */
export class TopologyPage {
  readonly page: Page;
  readonly panel: Locator;
  readonly map: Locator;

  constructor(page: Page) {
    this.page = page;
    this.panel = page.getByRole('region', { name: 'Topology' });
    this.map = page.getByRole('region', { name: 'Service map' });
  }

  /** What the panel drew (its data-topology attribute). */
  async neighbours(): Promise<DrawnNeighbours> {
    const text = await this.panel.getByTestId('topology-model').getAttribute('data-topology');
    return JSON.parse(text ?? '{}') as DrawnNeighbours;
  }

  /** What the map drew (its data-model attribute). */
  async drawnMap(): Promise<DrawnMap> {
    const text = await this.map.getByTestId('service-map-model').getAttribute('data-model');
    return JSON.parse(text ?? '{"nodes":[],"edges":[]}') as DrawnMap;
  }

  neighbour(name: string): Locator {
    return this.panel.getByRole('button').filter({ hasText: name });
  }
}
