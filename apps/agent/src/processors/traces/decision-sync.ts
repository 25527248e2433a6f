/**
 * Shares keep decisions with the other agents through the server (or the proxy that relays it): posts the
 * traces kept here, long-polls the ones kept elsewhere. Best effort by design — a lost decision only
 * means a trace kept on one host is incomplete on another — so errors are logged and retried, never fatal.
 */
import type { Logger } from 'pino';

export interface DecisionSyncOptions {
  /** Base URL of the server or proxy (`…/v1/sampling/decisions` is appended). */
  baseUrl: string;
  token: string | undefined;
  onRemote(traceIds: string[]): void;
  log: Logger;
  /** Posts are batched for this long (default 500 ms). */
  postIntervalMs?: number;
  /** Long-poll wait sent to the server (default 10 s). */
  pollWaitMs?: number;
}

export interface DecisionSyncStats {
  posted: number;
  received: number;
  errors: number;
}

export class DecisionSync {
  readonly #o: DecisionSyncOptions;
  readonly #url: string;
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  #cursor: string | undefined;
  readonly #abort = new AbortController();
  #polling: Promise<void> | undefined;
  #lastErrorLog = 0;
  #closed = false;
  readonly #stats: DecisionSyncStats = { posted: 0, received: 0, errors: 0 };

  constructor(options: DecisionSyncOptions) {
    this.#o = options;
    this.#url = `${options.baseUrl}/v1/sampling/decisions`;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#flush(), this.#o.postIntervalMs ?? 500);
    this.#timer.unref();
    this.#polling = this.#poll();
  }

  publish(traceIds: readonly string[]): void {
    if (traceIds.length === 0) return;
    this.#pending.push(...traceIds);
    // A burst (an outage keeps many traces) must not grow the buffer without bound.
    if (this.#pending.length > 100_000) this.#pending = this.#pending.slice(-100_000);
  }

  stats(): DecisionSyncStats {
    return { ...this.#stats };
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#flush();
    this.#closed = true;
    this.#abort.abort();
    await this.#polling;
  }

  #headers(): Record<string, string> {
    return this.#o.token === undefined ? {} : { authorization: `Bearer ${this.#o.token}` };
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const traceIds = this.#pending;
    this.#pending = [];
    try {
      const res = await fetch(this.#url, {
        method: 'POST',
        headers: { ...this.#headers(), 'content-type': 'application/json' },
        body: JSON.stringify({ traceIds }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      this.#stats.posted += traceIds.length;
    } catch (err) {
      this.#failed(err, 'posting sampling decisions failed');
    }
  }

  async #poll(): Promise<void> {
    const wait = this.#o.pollWaitMs ?? 10_000;
    while (!this.#abort.signal.aborted) {
      try {
        const query = `?waitMs=${this.#cursor === undefined ? 0 : wait}${
          this.#cursor === undefined ? '' : `&after=${encodeURIComponent(this.#cursor)}`
        }`;
        const res = await fetch(this.#url + query, {
          headers: this.#headers(),
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(wait + 10_000)]),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
        const page = (await res.json()) as { traceIds?: unknown; cursor?: unknown };
        if (typeof page.cursor === 'string') this.#cursor = page.cursor;
        if (Array.isArray(page.traceIds) && page.traceIds.length > 0) {
          const ids = page.traceIds.filter((v): v is string => typeof v === 'string');
          this.#stats.received += ids.length;
          this.#o.onRemote(ids);
        }
      } catch (err) {
        if (this.#closed) return;
        this.#failed(err, 'reading sampling decisions failed');
        await new Promise((resolve) => setTimeout(resolve, 2000 + Math.random() * 3000));
      }
    }
  }

  #failed(err: unknown, message: string): void {
    this.#stats.errors++;
    const now = Date.now();
    if (now - this.#lastErrorLog > 60_000) {
      this.#lastErrorLog = now;
      this.#o.log.warn({ err: (err as Error).message }, `${message}; retrying (logged once a minute)`);
    }
  }
}
