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
import { StallWatch, WorkerSlot, workerStepStats, type WorkerSnapshot } from './worker-watch.ts';
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
  /**
   * Slack of the stall watchdog on top of each step's bound (default 10 s): a worker sending past the
   * request deadline plus this, or acking longer than this, is logged with every worker's state.
   */
  stallGraceMs?: number;
}

export type SettledOutcome = 'exported' | 'rejected';

export interface CloseOptions {
  /** How long requests already sent may take to finish; the rest stays on disk. Default 5 s. */
  drainMs?: number;
}

const AUTH_LOG_INTERVAL_MS = 60_000;
const REJECT_LOG_INTERVAL_MS = 10_000;
const STALL_LOG_INTERVAL_MS = 60_000;

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
  readonly #slots: WorkerSlot[] = [];
  readonly #stallWatch: StallWatch;
  readonly #stallLog = new LogThrottle(STALL_LOG_INTERVAL_MS);
  #watchdog: NodeJS.Timeout | undefined;
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
    this.#stallWatch = new StallWatch({
      requestTimeoutMs: this.#timeoutMs,
      graceMs: options.stallGraceMs ?? 10_000,
    });
    // Fail at construction, not on the first batch, when the URL is not one.
    new URL(`${this.#baseUrl}/v1/traces`);
  }

  start(): void {
    if (this.#workers.length > 0 || this.#closing !== undefined) return;
    for (let i = 0; i < this.#concurrency; i++) {
      const slot = new WorkerSlot(Date.now);
      this.#slots.push(slot);
      this.#workers.push(this.#work(slot));
    }
    this.#watchdog = setInterval(() => this.#checkStalls(), 1000);
    this.#watchdog.unref();
  }

  /** What each worker is doing and for how long: for diagnostics and tests. */
  workers(): WorkerSnapshot[] {
    const now = Date.now();
    return this.#slots.map((slot) => slot.snapshot(now));
  }

  stats(): ExportStats {
    const own = {} as Record<SignalType, ExporterSignalStats>;
    for (const [signal, s] of Object.entries(this.#stats) as [SignalType, ExporterSignalStats][]) {
      own[signal] = { ...s };
    }
    return combineExportStats(this.#queue.stats(), own, workerStepStats(this.workers()));
  }

  /**
   * Stops taking batches, lets requests already sent finish for up to `drainMs`, then cuts them. Batches
   * not acknowledged stay in the queue (close the queue after this) and are sent after the next start.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= (async () => {
      this.#stopping.abort();
      clearInterval(this.#watchdog);
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

  async #work(slot: WorkerSlot): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      let record: QueuedRecord | null;
      slot.enter('taking');
      try {
        record = await this.#queue.take(this.#stopping.signal);
      } catch (err) {
        this.#log.error({ err }, 'export: reading the disk queue failed; trying again in 1 s');
        await sleep(1000, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
        continue;
      }
      if (record === null) break;
      const stats = this.#stats[record.batch.signal];
      stats.inFlight++;
      try {
        await this.#deliver(record, slot);
      } catch (err) {
        // Only the queue's own I/O can throw here; the batch stays on disk for the next start.
        this.#log.error({ err, batchId: record.batch.batchId }, 'export: settling a batch failed');
        this.#queue.release(record);
      } finally {
        stats.inFlight--;
      }
    }
    slot.enter('stopped');
  }

  /** Logs (at most once a minute) every worker's state when one is stuck past what its step can take. */
  #checkStalls(): void {
    const now = Date.now();
    const workers = this.workers();
    const queue = this.#queue.stats();
    const unread = Object.values(queue.signals).reduce((n, s) => n + s.queuedBatches - s.inFlight, 0);
    const overdue = this.#stallWatch.overdue(workers, unread, now);
    if (overdue.length === 0) return;
    const { log, suppressed } = this.#stallLog.check('stall', now);
    if (!log) return;
    this.#log.error(
      {
        overdue: overdue.length,
        workers,
        unread,
        queuedBatches: Object.values(queue.signals).reduce((n, s) => n + s.queuedBatches, 0),
        sockets: this.#sender.state(),
        requestTimeoutMs: this.#timeoutMs,
        suppressed,
      },
      `export stalled: ${overdue.length} worker(s) stuck (${overdue.map((w) => `${w.step} ${w.forMs} ms`).join(', ')}); every worker's state attached`,
    );
  }

  async #deliver(record: QueuedRecord, slot: WorkerSlot): Promise<void> {
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
      slot.enter('sending', { batchId: batch.batchId, attempt });
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
        slot.enter('acking', { batchId: batch.batchId, attempt });
        await this.#queue.ack(record);
        stats.exportedBatches++;
        stats.exportedItems += batch.items;
        this.#onSettled?.(batch, 'exported');
        return;
      }
      const problem = describe(outcome);
      stats.lastError = problem;
      if (verdict === 'rejected') {
        slot.enter('acking', { batchId: batch.batchId, attempt });
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
      slot.enter('backing_off', { batchId: batch.batchId, attempt });
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
