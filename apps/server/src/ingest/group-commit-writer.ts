/**
 * Group commit: many requests become one insert per table per flush, and every request is answered only
 * after the flush that holds its rows is stored ("acknowledged = stored"). Flushes run one at a time;
 * requests that arrive meanwhile gather into the next one.
 *
 * The writer decides what joins a flush and when it starts: repeats of a batch id are answered from the
 * ledger (or wait for the flush storing it), the rest are encoded into the pending flush as they arrive
 * (flush-encoding.ts), shown to the server-side RED stage once (red-stage.ts), and stored by the flush store
 * (flush-store.ts), which also answers them.
 */
import type { Logger } from 'pino';
import { IngestError } from '@apo/otlp-transport';
import type { RowBinaryWriter, Storage } from '../storage/index.ts';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';
import { bindingConflict, nextFlushId, type BatchBinding, type BatchLedger } from './batch-ledger.ts';
import type { DecodedBatch } from './decoded-batch.ts';
import { encodeDueRed, encodeRequest } from './flush-encoding.ts';
import { FlushStore, type StorageProblem } from './flush-store.ts';
import { PendingFlush, type InProgressBatch } from './pending-flush.ts';
import type { RedStage } from './red-stage.ts';

export interface WriterOptions {
  flushRows: number;
  flushIntervalMs: number;
  maxInFlightRows: number;
  /**
   * How long a flush's writes may take in all, and each clean-up statement; beyond it the flush counts as
   * failed (503) and the storage as unable to write (/readyz) until a write succeeds again.
   */
  writeTimeoutMs: number;
}

/** While the storage cannot write and no request comes, a marker-only flush tries it this often. */
const PROBE_INTERVAL_MS = 2_000;

/**
 * A flush starts once no request has arrived for this long: the senders are waiting for their answers, so
 * nothing more is coming. While requests keep arriving (many independent senders) the flush keeps growing, up
 * to `flushIntervalMs` after it opened or `flushRows`. Larger flushes are fewer, larger parts, and merges cost
 * the engine less per row the larger the parts (bench/engine-insert.bench.ts: 4,096 rows per insert
 * ~16 µs/row, 32,768 ~9): at 50,000 spans/s offered by independent senders this stored 44–52 k spans per
 * server CPU-second where starting a flush 50 ms after the previous one stored 35–39 k (bench/README.md).
 */
const ARRIVAL_PAUSE_MS = 20;

export class GroupCommitWriter {
  readonly #ledger: BatchLedger;
  readonly #options: WriterOptions;
  readonly #log: Logger;
  readonly #metrics: IngestMetrics;
  readonly #red: RedStage;
  readonly #store: FlushStore;
  #pending: PendingFlush;
  readonly #writerPool: RowBinaryWriter[] = [];
  #flushing: Promise<void> | undefined;
  #flushingBatchIds = new Map<string, InProgressBatch>();
  #inFlightRows = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastArrivalAt = 0;
  #lastFlushId: bigint;
  #closed = false;

  /** `red`: the server-side RED stage, shown every request this writer stores, once. */
  constructor(
    storage: Storage,
    ledger: BatchLedger,
    red: RedStage,
    options: WriterOptions,
    log: Logger,
    metrics: IngestMetrics,
    lastFlushId = 0n,
  ) {
    this.#ledger = ledger;
    this.#red = red;
    this.#options = options;
    this.#log = log;
    this.#metrics = metrics;
    this.#store = new FlushStore(storage, ledger, options.writeTimeoutMs, log, metrics);
    this.#lastFlushId = lastFlushId;
    this.#pending = this.#openFlush();
  }

  /** Set while the storage cannot write (the last flush failed for a storage reason), for /readyz. */
  get storageProblem(): StorageProblem | undefined {
    return this.#store.problem;
  }

  #openFlush(): PendingFlush {
    this.#lastFlushId = nextFlushId(this.#lastFlushId);
    return new PendingFlush(this.#lastFlushId, this.#writerPool);
  }

  get inFlightRows(): number {
    return this.#inFlightRows;
  }

  /**
   * Resolves with `duplicate: true` when the batch id was already stored (or is being stored right now, in
   * which case it waits for that flush), `false` when this call stored the rows. A batch id already used for
   * another signal or other content is refused (409): see bindingConflict.
   *
   * Not async itself: the rows are encoded synchronously here and only the wait is async, so nothing keeps
   * the decoded batch alive while the request waits for its flush. Held across that wait (as an async
   * function's argument is), every decoded request survived a few young-generation GCs and was copied by
   * each — about half of the server's GC time under load.
   */
  submit(
    batch: DecodedBatch,
    rows: number,
    cluster: string,
    batchId?: string,
    digest = '',
  ): Promise<{ duplicate: boolean }> {
    try {
      if (this.#closed) throw new IngestError('unavailable', 'the server is shutting down', 5);
      const binding: BatchBinding = { signal: batch.signal, digest };
      if (batchId !== undefined) {
        const stored = this.#ledger.get(batchId);
        if (stored !== undefined) {
          const conflict = bindingConflict(batchId, stored, binding);
          if (conflict !== undefined) throw new IngestError('conflict', conflict);
          return Promise.resolve({ duplicate: true });
        }
        const inProgress = this.#pending.batchIds.get(batchId) ?? this.#flushingBatchIds.get(batchId);
        if (inProgress) {
          const conflict = bindingConflict(batchId, inProgress.binding, binding);
          if (conflict !== undefined) throw new IngestError('conflict', conflict);
          return inProgress.stored.then(() => ({ duplicate: true }));
        }
      }
      if (this.#inFlightRows + rows > this.#options.maxInFlightRows && this.#inFlightRows > 0) {
        throw new IngestError(
          'overloaded',
          `ingest queue is full (${this.#inFlightRows} rows waiting for storage); retry later`,
          1,
        );
      }
      const pending = this.#pending;
      // Past the ledger and the batch ids in progress: a repeat never reaches the RED stage.
      const slices = encodeRequest(pending, batch, cluster, this.#red);
      this.#inFlightRows += rows;
      this.#metrics.queueRows.set(this.#inFlightRows);
      const stored = new Promise<void>((resolve, reject) => {
        pending.requests.push({ waiter: { resolve, reject }, slices, batchId, cluster, binding });
      });
      if (batchId !== undefined) pending.batchIds.set(batchId, { stored, binding });
      this.#lastArrivalAt = Date.now();
      this.#schedule();
      return this.#awaitStored(stored, rows);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async #awaitStored(stored: Promise<void>, rows: number): Promise<{ duplicate: boolean }> {
    try {
      await stored;
    } finally {
      this.#inFlightRows -= rows;
      this.#metrics.queueRows.set(this.#inFlightRows);
    }
    return { duplicate: false };
  }

  #schedule(): void {
    if (this.#flushing) return; // the running flush picks up the next batch when it ends
    const waiting = this.#pending.requests.length;
    if (waiting === 0 && this.#store.problem !== undefined && !this.#closed) {
      this.#scheduleProbe();
      return;
    }
    if (this.#pending.totalRows >= this.#options.flushRows || waiting === 0) {
      if (waiting > 0) void this.#startFlush();
      return;
    }
    const due = Math.min(
      this.#pending.openedAt + this.#options.flushIntervalMs,
      this.#lastArrivalAt + ARRIVAL_PAUSE_MS,
    );
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        if (!this.#flushing && this.#pending.requests.length > 0) void this.#startFlush();
      },
      Math.max(0, due - Date.now()),
    );
  }

  /**
   * Nothing to store, but the storage could not write at the last try: an empty flush (its ledger marker
   * row only) tells when it can again, so /readyz recovers without waiting for traffic — which an
   * orchestrator may hold back while the server reports not ready.
   */
  #scheduleProbe(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#flushing && !this.#closed) void this.#startFlush();
    }, PROBE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Starts the flush of what is pending; resolves when it is stored (or failed and was cleaned up). */
  #startFlush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending;
    try {
      encodeDueRed(batch, this.#red, this.#closed);
    } catch (err) {
      // Not expected (the rows come from our own aggregator); the spans are still worth storing.
      this.#log.error({ err, flushId: batch.flushId.toString() }, 'could not encode the RED rows of a flush');
    }
    this.#pending = this.#openFlush();
    this.#flushingBatchIds = batch.batchIds;
    const flushing = this.#store.store(batch).finally(() => {
      batch.release();
      this.#flushing = undefined;
      this.#flushingBatchIds = new Map();
      this.#schedule();
    });
    this.#flushing = flushing;
    return flushing;
  }

  /** Stops accepting and stores everything accepted so far. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer && this.#pending.requests.length === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    while (this.#flushing || this.#pending.requests.length > 0) {
      if (this.#flushing) await this.#flushing;
      else void this.#startFlush();
    }
    // Aggregates not written yet leave with one last flush of their own.
    if (this.#red.hasPending) {
      await this.#startFlush();
    }
  }
}
