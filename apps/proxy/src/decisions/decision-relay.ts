/**
 * Relays tail-sampling keep decisions between the agents behind this proxy and the server (agents long-poll
 * `GET /v1/sampling/decisions` and post `POST /v1/sampling/decisions`, see apps/agent/src/processors/traces/
 * decision-sync.ts). Coalesced both ways, so the server sees one client per proxy however many agents there
 * are: one upstream long poll feeds a local board that every agent reads with its own cursor, and the
 * decisions agents post are batched into one upstream POST per interval. Best effort by design, like the
 * agents' side: a lost decision only means a kept trace is incomplete on some host.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { DecisionBoard, type DecisionPage } from '@apo/otlp-transport';

export interface DecisionRelayOptions {
  /** The server's base URL (`/v1/sampling/decisions` is appended). */
  upstreamUrl: string;
  token: string | undefined;
  log: Logger;
  /** How long decisions stay readable here; the agents hold traces for about 15 s. Default 60 s. */
  retainMs?: number;
  maxDecisions?: number;
  /** Long-poll wait asked of the server. Default 10 s. */
  pollWaitMs?: number;
  /** Posted decisions are gathered for this long before going upstream. Default 250 ms. */
  flushIntervalMs?: number;
}

export interface DecisionRelayStats {
  /** Trace ids agents posted here. */
  posted: number;
  /** Trace ids posted upstream (acknowledged by the server). */
  forwarded: number;
  /** Trace ids the upstream poll brought in. */
  received: number;
  /** Agents' long polls waiting right now. */
  waiting: number;
  upstreamErrors: number;
}

/** Trace ids held for the next upstream POST at most (the server takes 100,000 per request). */
const MAX_PENDING = 100_000;
const ERROR_LOG_INTERVAL_MS = 60_000;

export class DecisionRelay {
  readonly #o: DecisionRelayOptions;
  readonly #url: string;
  readonly #board: DecisionBoard;
  readonly #abort = new AbortController();
  readonly #stats = { posted: 0, forwarded: 0, received: 0, upstreamErrors: 0 };
  #pending: string[] = [];
  #flushing: Promise<void> | undefined;
  readonly #timer: NodeJS.Timeout;
  #polling: Promise<void> | undefined;
  #cursor: string | undefined;
  #lastErrorLog = -Infinity;

  constructor(options: DecisionRelayOptions) {
    this.#o = options;
    this.#url = `${options.upstreamUrl}/v1/sampling/decisions`;
    this.#board = new DecisionBoard({
      retainMs: options.retainMs ?? 60_000,
      maxDecisions: options.maxDecisions ?? 200_000,
      cursorPrefix: 'p',
    });
    this.#timer = setInterval(() => {
      this.#flushing ??= this.#flush().finally(() => (this.#flushing = undefined));
    }, options.flushIntervalMs ?? 250);
    this.#timer.unref();
  }

  /** Decisions an agent posted: forwarded upstream with the next flush. */
  post(traceIds: readonly string[]): void {
    if (this.#abort.signal.aborted || traceIds.length === 0) return;
    this.#stats.posted += traceIds.length;
    this.#pending.push(...traceIds);
    // The server unreachable for long must not grow this without bound: the newest decisions matter most.
    if (this.#pending.length > MAX_PENDING) this.#pending = this.#pending.slice(-MAX_PENDING);
  }

  /** An agent's read: from the local board, which the upstream poll (started on the first read) fills. */
  read(cursor: string | undefined, waitMs: number, signal?: AbortSignal): Promise<DecisionPage> {
    this.#polling ??= this.#poll();
    if (this.#abort.signal.aborted) return this.#board.read(cursor, 0);
    return this.#board.read(cursor, waitMs, signal);
  }

  stats(): DecisionRelayStats {
    return { ...this.#stats, waiting: this.#board.waiting };
  }

  /** Answers waiting agents now, sends what is pending once more, stops the upstream poll. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#abort.abort();
    this.#board.wakeAll();
    await this.#flushing;
    await this.#flush(AbortSignal.timeout(2000));
    await this.#polling;
  }

  #headers(): Record<string, string> {
    return this.#o.token === undefined ? {} : { authorization: `Bearer ${this.#o.token}` };
  }

  async #flush(signal?: AbortSignal): Promise<void> {
    if (this.#pending.length === 0) return;
    const traceIds = this.#pending;
    this.#pending = [];
    try {
      const res = await fetch(this.#url, {
        method: 'POST',
        headers: { ...this.#headers(), 'content-type': 'application/json' },
        body: JSON.stringify({ traceIds }),
        signal: signal ?? AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
      this.#stats.forwarded += traceIds.length;
    } catch (err) {
      this.#failed(err, 'posting sampling decisions to the server failed');
      // Kept for the next flush, newest last, within the bound.
      if (!this.#abort.signal.aborted) this.#pending = [...traceIds, ...this.#pending].slice(-MAX_PENDING);
    }
  }

  async #poll(): Promise<void> {
    const wait = this.#o.pollWaitMs ?? 10_000;
    while (!this.#abort.signal.aborted) {
      try {
        // The first request only learns where "now" is; then each one waits for newer decisions.
        const query =
          this.#cursor === undefined
            ? '?waitMs=0'
            : `?waitMs=${wait}&after=${encodeURIComponent(this.#cursor)}`;
        const res = await fetch(this.#url + query, {
          headers: this.#headers(),
          signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(wait + 10_000)]),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
        const page = (await res.json()) as { traceIds?: unknown; cursor?: unknown };
        if (typeof page.cursor === 'string') this.#cursor = page.cursor;
        if (Array.isArray(page.traceIds) && page.traceIds.length > 0) {
          const ids = page.traceIds.filter((v): v is string => typeof v === 'string');
          this.#stats.received += ids.length;
          this.#board.post(ids);
        }
      } catch (err) {
        // Closing aborts the request in flight: that is no failure.
        if (this.#closing()) return;
        this.#failed(err, 'reading sampling decisions from the server failed');
        // Jittered, so many proxies do not come back at the same moment after a server restart.
        await sleep(1000 + Math.random() * 2000, undefined, { signal: this.#abort.signal }).catch(
          () => undefined,
        );
      }
    }
  }

  #closing(): boolean {
    return this.#abort.signal.aborted;
  }

  #failed(err: unknown, message: string): void {
    this.#stats.upstreamErrors++;
    const now = Date.now();
    if (now - this.#lastErrorLog < ERROR_LOG_INTERVAL_MS) return;
    this.#lastErrorLog = now;
    this.#o.log.warn({ err: (err as Error).message }, `${message}; retrying (logged once a minute)`);
  }
}
