/**
 * Hands event records to the proxy's queue, one at a time and in order. The queue may refuse for a while
 * (disk full, queue full): records then wait here, bounded, and are offered again with backoff; past the
 * bound the oldest are dropped and counted — Kubernetes keeps events for an hour only, so there is nothing
 * to re-read them from later anyway.
 */
import type { OutboundBatch } from '@apo/otlp-transport';
import type { Logger } from 'pino';
import { eventBatchOf, type KubeEventRecord } from './event-records.ts';

export interface EventForwarderStats {
  forwarded: number;
  dropped: number;
  backlog: number;
  enqueueFailures: number;
}

export class EventForwarder {
  readonly #enqueue: (batch: OutboundBatch) => Promise<void> | void;
  readonly #log: Logger;
  readonly #maxBacklog: number;
  readonly #backlog: KubeEventRecord[] = [];
  readonly #stats = { forwarded: 0, dropped: 0, enqueueFailures: 0 };
  #pumping: Promise<void> | undefined;
  #retryDelay = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: {
    enqueue: (batch: OutboundBatch) => Promise<void> | void;
    log: Logger;
    maxBacklog?: number;
  }) {
    this.#enqueue = options.enqueue;
    this.#log = options.log;
    this.#maxBacklog = options.maxBacklog ?? 10_000;
  }

  get stats(): EventForwarderStats {
    return { ...this.#stats, backlog: this.#backlog.length };
  }

  forward(record: KubeEventRecord): void {
    if (this.#closed) return;
    this.#backlog.push(record);
    if (this.#backlog.length > this.#maxBacklog) {
      this.#backlog.shift();
      this.#stats.dropped++;
    }
    if (this.#retryTimer === undefined) this.#pump();
  }

  /** Offers what is waiting once more, then gives up on the rest (counted as dropped). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    await this.#pumping;
    this.#stats.dropped += this.#backlog.length;
    this.#backlog.length = 0;
  }

  #pump(): void {
    this.#pumping ??= this.#drain().finally(() => {
      this.#pumping = undefined;
      // A record that arrived between the drain's last look and now would otherwise wait for the next one.
      if (this.#backlog.length > 0 && this.#retryTimer === undefined && !this.#closed) this.#pump();
    });
  }

  async #drain(): Promise<void> {
    for (;;) {
      const next = this.#backlog[0];
      if (next === undefined) return;
      try {
        await this.#enqueue(await eventBatchOf(next));
        // The record may have been dropped from the front meanwhile (backlog overflow): remove this one.
        const at = this.#backlog.indexOf(next);
        if (at >= 0) this.#backlog.splice(at, 1);
        this.#stats.forwarded++;
        this.#retryDelay = 0;
      } catch (err) {
        this.#stats.enqueueFailures++;
        if (this.#closed) return;
        this.#retryDelay = Math.min(Math.max(this.#retryDelay * 2, 500), 30_000);
        this.#log.warn(
          { err: (err as Error).message, backlog: this.#backlog.length, retryInMs: this.#retryDelay },
          'kubernetes event not queued; retrying',
        );
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          this.#pump();
        }, this.#retryDelay);
        this.#retryTimer.unref();
        return;
      }
    }
  }
}
