import type { Locator, Page } from '@playwright/test';

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
const SCATTER = 'Trace durations over time';

/** The trace search page: filters, the duration-over-time scatter, the analytics tabs and the trace list. */
export class TraceSearchPage {
  readonly page: Page;
  readonly scatter: Locator;
  readonly scatterSummary: Locator;
  readonly traces: Locator;
  readonly analytics: Locator;

  constructor(page: Page) {
    this.page = page;
    this.scatter = page.getByRole('img', { name: SCATTER });
    this.scatterSummary = page.getByTestId('scatter-summary');
    this.traces = page.getByRole('table', { name: 'Matching traces' });
    this.analytics = page.getByRole('region', { name: 'Trace analytics' });
  }

  async open(consoleUrl: string, hash: string, server: string): Promise<void> {
    const url = new URL(consoleUrl);
    url.searchParams.set('server', server);
    url.hash = hash;
    await this.page.goto(url.href);
  }

  tab(name: 'Error origins' | 'Latency breakdown' | 'Attribute comparison'): Locator {
    return this.analytics.getByRole('tab', { name });
  }

  table(name: 'Error origins' | 'Latency breakdown' | 'Attribute comparison'): Locator {
    return this.analytics.getByRole('table', { name });
  }

  /** The cells' text of a table's data rows (the header row left out). */
  async rows(table: Locator, count?: number): Promise<string[][]> {
    const rows = table.getByRole('row');
    const n = (await rows.count()) - 1;
    const out: string[][] = [];
    for (let r = 1; r <= Math.min(n, count ?? n); r++)
      out.push((await rows.nth(r).getByRole('cell').allInnerTexts()).map((t) => t.trim()));
    return out;
  }

  /** Where the scatter drew a trace's dot, in page pixels (through the chart's test hook). */
  async dot(traceId: string): Promise<{ x: number; y: number }> {
    await this.page.waitForFunction(([label, id]) => window.__apoCharts?.get(label)?.pixelOf(id) != null, [
      SCATTER,
      traceId,
    ] as const);
    const px = await this.page.evaluate(
      ([label, id]) => window.__apoCharts?.get(label)?.pixelOf(id) ?? null,
      [SCATTER, traceId] as const,
    );
    const box = await this.scatter.boundingBox();
    if (px === null || box === null) throw new Error(`the scatter has no dot for trace ${traceId}`);
    return { x: box.x + px[0], y: box.y + px[1] };
  }

  /** Drags a rectangle on the scatter from one corner to the other. */
  async drag(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
    await this.page.mouse.move(from.x, from.y);
    await this.page.mouse.down();
    await this.page.mouse.move(to.x, to.y, { steps: 10 });
    await this.page.mouse.up();
  }
}

declare global {
  interface Window {
    __apoCharts?: Map<string, { pixelOf(key: string): [number, number] | null }>;
  }
}
