import { setTimeout as sleep } from 'node:timers/promises';
import type { SignalType } from '@apo/shared/model';
import type { Logger } from 'pino';
import type { DiskQueue } from '../disk-queue/disk-queue.ts';
import type { QueuedRecord } from '../disk-queue/queue-types.ts';
import type { OutboundBatch } from '../batch.ts';
import { combineExportStats, type ExporterSignalStats, type ExportStats } from '../export-stats.ts';
import { answerMessage } from './answer-message.ts';
import { HttpSender, type SendOutcome } from './http-sender.ts';
import { LogThrottle } from './log-throttle.ts';
import {
  classifyStatus,
  defaultBackoff,
  parseRetryAfter,
  retryDelayMs,
  type BackoffOptions,
} from './retry-policy.ts';

export interface BatchExporterOptions {
  queue: DiskQueue;
  /** The next hop (proxy or server), e.g. `http://proxy:4318`: batches go to `${baseUrl}/v1/<signal>`. */
  baseUrl: string;
  /** Sent as `authorization: Bearer <token>` when set. */
  token?: string;
  /** Sent with every batch (e.g. a relay's `X-APO-Cluster-Id`, an agent's `X-APO-Agent-Id`). */
  headers?: Readonly<Record<string, string>>;
  /** Called once per batch settled for good: delivered (2xx) or refused permanently by the next hop. */
  onSettled?: (batch: OutboundBatch, outcome: SettledOutcome) => void;
  /** Requests in flight at most (each holds one batch, in its retries too). Default 4. */
  concurrency?: number;
  /** Deadline of one request, answer included. Default 30 s (the server answers after storing). */
  requestTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  log: Logger;
  /** For tests of the jitter only; Math.random otherwise. */
  random?: () => number;
}

export type SettledOutcome = 'exported' | 'rejected';

export interface CloseOptions {
  /** How long requests already sent may take to finish; the rest stays on disk. Default 5 s. */
  drainMs?: number;
}

const AUTH_LOG_INTERVAL_MS = 60_000;
const REJECT_LOG_INTERVAL_MS = 10_000;

function emptySignalStats(): ExporterSignalStats {
  return {
    exportedBatches: 0,
    exportedItems: 0,
    retries: 0,
    rejectedBatches: 0,
    rejectedItems: 0,
    inFlight: 0,
    lastError: null,
  };
}

/**
 * Delivers the disk queue to the next hop over OTLP/HTTP: `concurrency` workers each take the next batch,
 * POST it with its batch id, and ack it in the queue on a 2xx (or on a permanent rejection, counted and
 * logged). A retryable failure keeps the batch in its worker, which waits (backoff with full jitter, or the
 * server's Retry-After) and tries again — other workers go on, so ordering is loose and a stuck batch holds
 * one slot, never more. Nothing is removed from disk before the next hop answered, so a crash anywhere
 * means redelivery of the same batch id, which the server stores once.
 */
export class BatchExporter {
  readonly #queue: DiskQueue;
  readonly #baseUrl: string;
  readonly #headers: Record<string, string>;
  readonly #onSettled: ((batch: OutboundBatch, outcome: SettledOutcome) => void) | undefined;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #backoff: BackoffOptions;
  readonly #log: Logger;
  readonly #random: () => number;
  readonly #sender: HttpSender;
  /** Aborted by close(): workers stop taking batches and stop waiting for retries. */
  readonly #stopping = new AbortController();
  /** Aborted when close()'s drain time is up: requests still running are cut. */
  readonly #cutting = new AbortController();
  readonly #stats: Record<SignalType, ExporterSignalStats> = {
    traces: emptySignalStats(),
    logs: emptySignalStats(),
    metrics: emptySignalStats(),
  };
  readonly #authLog = new LogThrottle(AUTH_LOG_INTERVAL_MS);
  readonly #rejectLog = new LogThrottle(REJECT_LOG_INTERVAL_MS);
  #workers: Promise<void>[] = [];
  #closing: Promise<void> | undefined;

  constructor(options: BatchExporterOptions) {
    this.#queue = options.queue;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.#headers = {
      ...options.headers,
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    };
    this.#onSettled = options.onSettled;
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 4));
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#backoff = { ...defaultBackoff, ...options.backoff };
    this.#log = options.log;
    this.#random = options.random ?? Math.random;
    this.#sender = new HttpSender(this.#concurrency);
    // Fail at construction, not on the first batch, when the URL is not one.
    new URL(`${this.#baseUrl}/v1/traces`);
  }

  start(): void {
    if (this.#workers.length > 0 || this.#closing !== undefined) return;
    for (let i = 0; i < this.#concurrency; i++) this.#workers.push(this.#work());
  }

  stats(): ExportStats {
    const own = {} as Record<SignalType, ExporterSignalStats>;
    for (const [signal, s] of Object.entries(this.#stats) as [SignalType, ExporterSignalStats][]) {
      own[signal] = { ...s };
    }
    return combineExportStats(this.#queue.stats(), own);
  }

  /**
   * Stops taking batches, lets requests already sent finish for up to `drainMs`, then cuts them. Batches
   * not acknowledged stay in the queue (close the queue after this) and are sent after the next start.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopping.abort();
      const cut = setTimeout(() => {
        this.#cutting.abort();
      }, options.drainMs ?? 5000);
      try {
        await Promise.all(this.#workers);
      } finally {
        clearTimeout(cut);
        this.#sender.close();
      }
    })();
    return this.#closing;
  }

  async #work(): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      let record: QueuedRecord | null;
      try {
        record = await this.#queue.take(this.#stopping.signal);
      } catch (err) {
        this.#log.error({ err }, 'export: reading the disk queue failed; trying again in 1 s');
        await sleep(1000, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
        continue;
      }
      if (record === null) return;
      const stats = this.#stats[record.batch.signal];
      stats.inFlight++;
      try {
        await this.#deliver(record);
      } catch (err) {
        // Only the queue's own I/O can throw here; the batch stays on disk for the next start.
        this.#log.error({ err, batchId: record.batch.batchId }, 'export: settling a batch failed');
        this.#queue.release(record);
      } finally {
        stats.inFlight--;
      }
    }
  }

  async #deliver(record: QueuedRecord): Promise<void> {
    const { batch } = record;
    const stats = this.#stats[batch.signal];
    const url = new URL(`${this.#baseUrl}/v1/${batch.signal}`);
    const headers: Record<string, string> = {
      ...batch.headers,
      ...this.#headers,
      'content-type': batch.contentType,
      'x-apo-batch-id': batch.batchId,
    };
    if (batch.contentEncoding !== 'identity') headers['content-encoding'] = batch.contentEncoding;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#sender.send(
        url,
        headers,
        batch.body,
        this.#timeoutMs,
        this.#cutting.signal,
      );
      if (outcome.kind === 'failure' && outcome.aborted) {
        this.#queue.release(record);
        return;
      }
      const verdict = outcome.kind === 'answer' ? classifyStatus(outcome.status) : 'retry';
      if (verdict === 'delivered') {
        await this.#queue.ack(record);
        stats.exportedBatches++;
        stats.exportedItems += batch.items;
        this.#onSettled?.(batch, 'exported');
        return;
      }
      const problem = describe(outcome);
      stats.lastError = problem;
      if (verdict === 'rejected') {
        await this.#queue.ack(record);
        stats.rejectedBatches++;
        stats.rejectedItems += batch.items;
        this.#onSettled?.(batch, 'rejected');
        this.#logRejection(record, outcome, problem);
        return;
      }
      stats.retries++;
      this.#logRetry(record, outcome, problem, attempt);
      if (this.#stopping.signal.aborted) {
        this.#queue.release(record);
        return;
      }
      const retryAfter =
        outcome.kind === 'answer' ? parseRetryAfter(header(outcome, 'retry-after'), Date.now()) : undefined;
      const delay = retryDelayMs(attempt, retryAfter, this.#backoff, this.#random);
      const waited = await sleep(delay, true, { signal: this.#stopping.signal }).catch(() => false);
      if (!waited) {
        this.#queue.release(record);
        return;
      }
    }
  }

  #logRejection(record: QueuedRecord, outcome: SendOutcome, problem: string): void {
    const status = outcome.kind === 'answer' ? outcome.status : 0;
    const { log, suppressed } = this.#rejectLog.check(`reject:${status}`, Date.now());
    if (!log) return;
    this.#log.warn(
      {
        status,
        signal: record.batch.signal,
        batchId: record.batch.batchId,
        items: record.batch.items,
        suppressed,
      },
      `export: the next hop refused a batch for good (${problem}); it is dropped and counted as rejected`,
    );
  }

  #logRetry(record: QueuedRecord, outcome: SendOutcome, problem: string, attempt: number): void {
    const status = outcome.kind === 'answer' ? outcome.status : 0;
    if (status === 401 || status === 403) {
      const { log, suppressed } = this.#authLog.check('auth', Date.now());
      if (log) {
        this.#log.error(
          { status, url: this.#baseUrl, suppressed },
          `export: the next hop does not accept this agent's credentials (${problem}). Check the ingest token; batches stay queued and are retried`,
        );
      }
      return;
    }
    this.#log.debug(
      { signal: record.batch.signal, batchId: record.batch.batchId, attempt },
      `export attempt failed, will retry: ${problem}`,
    );
  }
}

function header(outcome: Extract<SendOutcome, { kind: 'answer' }>, name: string): string | undefined {
  const value = outcome.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function describe(outcome: SendOutcome): string {
  if (outcome.kind === 'failure') {
    const code = (outcome.error as NodeJS.ErrnoException).code;
    return code === undefined ? outcome.error.message : `${code}: ${outcome.error.message}`;
  }
  const message = answerMessage(outcome.body, header(outcome, 'content-type'));
  return message === '' ? `HTTP ${outcome.status}` : `HTTP ${outcome.status}: ${message}`;
}
