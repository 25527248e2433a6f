import type { Locator, Page } from '@playwright/test';

interface RowInfo {
  row: number;
  name: string;
  service: string;
  depth: number;
  startMs: number;
  durationMs: number;
  selfMs: number;
  critical: boolean;
  error: boolean;
  errorPath: boolean;
  errorOrigin: boolean;
  collapsed: boolean;
}

interface Summary {
  traceId: string;
  spans: number;
  rows: number;
  maxDepth: number;
  errors: number;
  endMs: number;
  highlight: string;
  matches: number;
  selected: string | null;
  services: { name: string; spans: number; errors: number; selfMs: number }[];
}

interface FrameInfo {
  name: string;
  service: string;
  depth: number;
  calls: number;
  xMs: number;
  widthMs: number;
  selfMs: number;
  durationMs: number;
}

/**
 * The trace view (stored or from a file). The waterfall is a canvas: what it shows is read through the
 * view's test hook (`window.__apoTraceView`), as values.
 */
export class TraceViewPage {
  readonly page: Page;
  readonly waterfall: Locator;
  readonly fileInput: Locator;
  readonly search: Locator;
  readonly details: Locator;
  readonly fileError: Locator;

  constructor(page: Page) {
    this.page = page;
    this.waterfall = page.getByTestId('waterfall');
    this.fileInput = page.getByLabel('Open a trace file');
    this.search = page.getByRole('searchbox', { name: 'Find spans' });
    this.details = page.getByRole('complementary', { name: 'Span details' });
    this.fileError = page.getByTestId('file-error');
  }

  async open(consoleUrl: string, hash: string, server?: string): Promise<void> {
    const url = new URL(consoleUrl);
    if (server !== undefined) url.searchParams.set('server', server);
    url.hash = hash;
    await this.page.goto(url.href);
  }

  button(name: string): Locator {
    return this.page.getByRole('button', { name, exact: true });
  }

  /** Waits until a trace of `spans` spans is drawn. */
  async waitForTrace(spans: number): Promise<void> {
    await this.page.waitForFunction(
      (n) => window.__apoTraceView?.summary().spans === n && window.__apoTraceView.drawn().first >= 0,
      spans,
      { timeout: 60_000 },
    );
  }

  summary(): Promise<Summary> {
    return this.page.evaluate(() => {
      const hook = window.__apoTraceView;
      if (hook === undefined) throw new Error('no trace view');
      return hook.summary();
    });
  }

  rows(from = 0, count = 1000): Promise<RowInfo[]> {
    return this.page.evaluate(([f, c]) => window.__apoTraceView?.rows(f, c) ?? [], [from, count] as const);
  }

  drawn(): Promise<{ first: number; last: number }> {
    return this.page.evaluate(() => window.__apoTraceView?.drawn() ?? { first: -1, last: -1 });
  }

  /** The flame graph's frames in preorder, as values. */
  flame(): Promise<FrameInfo[]> {
    return this.page.evaluate(() => window.__apoTraceView?.flame() ?? []);
  }

  /** Where the flame graph drew the frame of this operation (CSS px in its viewport), once it has. */
  async flameFrame(name: string): Promise<{ x: number; y: number; w: number }> {
    const handle = await this.page.waitForFunction(
      (n) => window.__apoTraceView?.flameDrawn().find((f) => f.name === n) ?? null,
      name,
    );
    const rect: unknown = await handle.jsonValue();
    if (typeof rect !== 'object' || rect === null || !('x' in rect) || !('y' in rect) || !('w' in rect))
      throw new Error(`no frame ${name}`);
    return { x: Number(rect.x), y: Number(rect.y), w: Number(rect.w) };
  }

  /** Scrolls the waterfall to its end. */
  async scrollToEnd(): Promise<void> {
    await this.waterfall.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
  }
}

declare global {
  interface Window {
    __apoTraceView?: {
      summary(): Summary;
      rows(from: number, count: number): RowInfo[];
      drawn(): { first: number; last: number };
      flame(limit?: number): FrameInfo[];
      flameDrawn(): { name: string; service: string; x: number; y: number; w: number }[];
    };
    __longTasks?: number[];
    /** The desktop app's File → Open path (renderer features/traces/bridge-file-hook.ts). */
    __apoOpenTraceFileBytes?: (name: string, text: string, failWith?: string) => Promise<void>;
  }
}
