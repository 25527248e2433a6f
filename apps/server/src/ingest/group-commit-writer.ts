import type { Logger } from 'pino';
import type { Storage } from '../storage/index.ts';
import { RowBinaryWriter } from '../storage/row-binary-writer.ts';
import { appendSpanRows } from '../storage/rows/spans.ts';
import { appendLogRows } from '../storage/rows/logs.ts';
import { appendEventRows } from '../storage/rows/events.ts';
import { appendMetricRows } from '../storage/rows/metrics.ts';
import { appendLedgerRows } from '../storage/rows/ledger.ts';
import { appendRedClientRows, appendRedServerRows } from '../storage/rows/red.ts';
import { BatchLedger, nextFlushId } from './batch-ledger.ts';
import type { DecodedBatch } from './decoded-batch.ts';
import { IngestError } from '@apo/pipeline';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';
import { RedIngest } from './red-ingest.ts';
import type { RedIngestRows } from './red-ingest.ts';

export interface WriterOptions {
  flushRows: number;
  flushIntervalMs: number;
  /** Server-side RED is written at most this often (0 = with every flush); see server-config.ts. */
  redFlushIntervalMs: number;
  maxInFlightRows: number;
}

/**
 * A flush starts once no request has arrived for this long: the senders are waiting for their answers, so
 * nothing more is coming. While requests keep arriving (many independent senders) the flush keeps growing, up
 * to `flushIntervalMs` after it opened or `flushRows`. Larger flushes are fewer, larger parts, and merges cost
 * the engine less per row the larger the parts (bench/engine-insert.bench.ts: 4,096 rows per insert
 * ~16 µs/row, 32,768 ~9): at 50,000 spans/s offered by independent senders this stored 44–52 k spans per
 * server CPU-second where starting a flush 50 ms after the previous one stored 35–39 k (bench/README.md).
 */
const ARRIVAL_PAUSE_MS = 20;

/** The data tables a flush may write, in write order; the ledger is written after all of them. */
export const dataTables = ['spans', 'logs', 'events', 'metrics', 'red_server_1m', 'red_client_1m'] as const;
export type DataTable = (typeof dataTables)[number];

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Rows of the requests waiting for the next flush, already encoded as RowBinary: each request is encoded
 * when it arrives (a few hundred µs), so a flush only hands finished buffers to the engine and never holds
 * the event loop for the whole batch.
 */
class PendingFlush {
  readonly writers = new Map<DataTable, RowBinaryWriter>();
  readonly rows = new Map<DataTable, number>();
  readonly waiters: Waiter[] = [];
  readonly batchIds = new Map<string, Promise<void>>();
  readonly clusters = new Map<string, string>();
  totalRows = 0;
  readonly openedAt = Date.now();
  /** Known before the first row is encoded: every row carries it (see batch-ledger.ts for why). */
  readonly flushId: bigint;

  readonly #pool: RowBinaryWriter[];

  /** `pool`: idle writers of earlier flushes, reused so their grown buffers are not allocated again. */
  constructor(flushId: bigint, pool: RowBinaryWriter[]) {
    this.flushId = flushId;
    this.#pool = pool;
  }

  writer(table: DataTable): RowBinaryWriter {
    let w = this.writers.get(table);
    if (!w) {
      w = this.#pool.pop() ?? new RowBinaryWriter(1024 * 1024);
      this.writers.set(table, w);
    }
    return w;
  }

  /** Hands the writers back once the engine no longer reads their bytes. */
  release(): void {
    for (const w of this.writers.values()) {
      w.reset();
      this.#pool.push(w);
    }
    this.writers.clear();
  }

  add(table: DataTable, rows: number): void {
    this.rows.set(table, (this.rows.get(table) ?? 0) + rows);
    this.totalRows += rows;
  }
}

/** Appends rollup rows to the flush's writers; returns how many, for `add` once everything is encoded. */
function appendRedRows(pending: PendingFlush, red: RedIngestRows): { server: number; client: number } {
  return {
    server:
      red.server.length === 0
        ? 0
        : appendRedServerRows(pending.writer('red_server_1m'), red.server, pending.flushId),
    client:
      red.client.length === 0
        ? 0
        : appendRedClientRows(pending.writer('red_client_1m'), red.client, pending.flushId),
  };
}

/**
 * Group commit: many requests become one insert per table per flush, and every request is answered only
 * after the flush that holds its rows is stored ("acknowledged = stored"). Flushes run one at a time;
 * requests that arrive meanwhile gather into the next one.
 */
export class GroupCommitWriter {
  readonly #storage: Storage;
  readonly #ledger: BatchLedger;
  readonly #options: WriterOptions;
  readonly #log: Logger;
  readonly #metrics: IngestMetrics;
  readonly #red: RedIngest;
  #pending: PendingFlush;
  readonly #writerPool: RowBinaryWriter[] = [];
  #flushing: Promise<void> | undefined;
  #flushingBatchIds = new Map<string, Promise<void>>();
  #inFlightRows = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastFlushId: bigint;
  #closed = false;

  constructor(
    storage: Storage,
    ledger: BatchLedger,
    options: WriterOptions,
    log: Logger,
    metrics: IngestMetrics,
    lastFlushId = 0n,
  ) {
    this.#storage = storage;
    this.#ledger = ledger;
    this.#options = options;
    this.#log = log;
    this.#metrics = metrics;
    this.#lastFlushId = lastFlushId;
    this.#red = new RedIngest(storage.retention.red);
    this.#pending = this.#openFlush();
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
   * which case it waits for that flush), `false` when this call stored the rows.
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
  ): Promise<{ duplicate: boolean }> {
    try {
      if (this.#closed) throw new IngestError('unavailable', 'the server is shutting down', 5);
      if (batchId !== undefined) {
        if (this.#ledger.has(batchId)) return Promise.resolve({ duplicate: true });
        const inProgress = this.#pending.batchIds.get(batchId) ?? this.#flushingBatchIds.get(batchId);
        if (inProgress) return inProgress.then(() => ({ duplicate: true }));
      }
      if (this.#inFlightRows + rows > this.#options.maxInFlightRows && this.#inFlightRows > 0) {
        throw new IngestError(
          'overloaded',
          `ingest queue is full (${this.#inFlightRows} rows waiting for storage); retry later`,
          1,
        );
      }
      const pending = this.#pending;
      this.#encode(pending, batch, cluster);
      this.#inFlightRows += rows;
      this.#metrics.queueRows.set(this.#inFlightRows);
      const stored = new Promise<void>((resolve, reject) => pending.waiters.push({ resolve, reject }));
      if (batchId !== undefined) {
        pending.batchIds.set(batchId, stored);
        pending.clusters.set(batchId, cluster);
      }
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

  /**
   * Appends a request's rows to the pending flush. All or nothing: if encoding fails half-way, the bytes
   * already appended are cut off again so the other requests of the flush are not poisoned.
   */
  #encode(pending: PendingFlush, batch: DecodedBatch, cluster: string): void {
    const ctx = { cluster, flushId: pending.flushId };
    const marks = new Map([...pending.writers].map(([table, w]) => [table, w.length]));
    try {
      switch (batch.signal) {
        case 'traces': {
          const spans = appendSpanRows(pending.writer('spans'), batch.data, ctx);
          // After the spans are encoded (what is aggregated cannot be taken back); the rows of the
          // aggregates join the flush when it starts (#startFlush).
          this.#red.addSpans(batch.data.resourceSpans, cluster, Date.now());
          pending.add('spans', spans);
          return;
        }
        case 'logs': {
          const logs = appendLogRows(pending.writer('logs'), batch.data, ctx);
          const events = appendEventRows(pending.writer('events'), batch.data, ctx);
          pending.add('logs', logs);
          pending.add('events', events);
          return;
        }
        case 'metrics': {
          // RED points go to the rollups only; appendMetricRows leaves them out.
          const red = this.#red.fromMetrics(batch.data, cluster, Date.now());
          const metrics = appendMetricRows(pending.writer('metrics'), batch.data, ctx);
          const rollups = appendRedRows(pending, red);
          pending.add('metrics', metrics);
          this.#addRed(pending, red, rollups);
          return;
        }
      }
    } catch (err) {
      for (const [table, w] of pending.writers) w.truncate(marks.get(table) ?? 0);
      throw new IngestError('malformed', `cannot store the request: ${(err as Error).message}`);
    }
  }

  /** Counts rollup rows appended by appendRedRows; skipped points are counted, never an error. */
  #addRed(pending: PendingFlush, red: RedIngestRows, rows: { server: number; client: number }): void {
    if (rows.server > 0) pending.add('red_server_1m', rows.server);
    if (rows.client > 0) pending.add('red_client_1m', rows.client);
    if (red.skippedPoints > 0) this.#metrics.redPointsSkipped.inc(red.skippedPoints);
    if (red.outOfRangeRows > 0) this.#metrics.redRowsOutOfRange.inc(red.outOfRangeRows);
  }

  #lastArrivalAt = 0;

  #schedule(): void {
    if (this.#flushing) return; // the running flush picks up the next batch when it ends
    if (this.#pending.totalRows >= this.#options.flushRows || this.#pending.waiters.length === 0) {
      if (this.#pending.waiters.length > 0) void this.#startFlush();
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
        if (!this.#flushing && this.#pending.waiters.length > 0) void this.#startFlush();
      },
      Math.max(0, due - Date.now()),
    );
  }

  /** Starts the flush of what is pending; resolves when it is stored (or failed and was cleaned up). */
  #startFlush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const batch = this.#pending;
    // The RED of spans that came without an agent, aggregated across flushes and written every
    // redFlushIntervalMs: two more inserts (and parts to merge) per flush cost the engine about as much as
    // the spans themselves. With an interval, a crash can lose that interval of these aggregates, never a
    // span. The aggregates are sharded and one due shard is drained per flush, so no flush start holds the
    // event loop for the whole interval's rows; with 0 (exactly once) or when closing, all of them.
    const redTables = ['red_server_1m', 'red_client_1m'] as const;
    const marks = redTables.map((t) => batch.writers.get(t)?.length ?? 0);
    try {
      const now = Date.now();
      const interval = this.#options.redFlushIntervalMs;
      const red =
        this.#closed || interval === 0 ? this.#red.drainSpans(now) : this.#red.drainDue(now, interval);
      this.#addRed(batch, red, appendRedRows(batch, red));
    } catch (err) {
      // Not expected (the rows come from our own aggregator); the spans are still worth storing.
      redTables.forEach((t, i) => batch.writers.get(t)?.truncate(marks[i] ?? 0));
      this.#log.error({ err, flushId: batch.flushId.toString() }, 'could not encode the RED rows of a flush');
    }
    this.#pending = this.#openFlush();
    this.#flushingBatchIds = batch.batchIds;
    const flushing = this.#flush(batch).finally(() => {
      batch.release();
      this.#flushing = undefined;
      this.#flushingBatchIds = new Map();
      this.#schedule();
    });
    this.#flushing = flushing;
    return flushing;
  }

  async #flush(batch: PendingFlush): Promise<void> {
    const flushId = batch.flushId;
    const started = performance.now();
    try {
      for (const table of dataTables) {
        const w = batch.writers.get(table);
        const rows = batch.rows.get(table) ?? 0;
        if (!w || rows === 0) continue;
        const t0 = performance.now();
        await this.#storage.insertRowBinary(this.#storage.tables[table], w.bytes(), rows);
        this.#metrics.insertSeconds.observe({ table }, (performance.now() - t0) / 1000);
        this.#metrics.storedRows.inc({ table }, rows);
      }
      const storedAt = Date.now();
      const ledger = new RowBinaryWriter();
      const ledgerRows = appendLedgerRows(ledger, flushId, storedAt, [
        { batchId: '', cluster: '' },
        ...[...batch.clusters].map(([batchId, cluster]) => ({ batchId, cluster })),
      ]);
      await this.#storage.insertRowBinary(this.#storage.tables.ingest_ledger, ledger.bytes(), ledgerRows);
      this.#ledger.record(batch.batchIds.keys(), storedAt);
      this.#ledger.prune(storedAt);
      for (const w of batch.waiters) w.resolve();
      this.#log.debug(
        {
          flushId: flushId.toString(),
          requests: batch.waiters.length,
          rows: batch.totalRows,
          ms: performance.now() - started,
        },
        'flush stored',
      );
    } catch (err) {
      this.#metrics.failedFlushes.inc();
      this.#log.error({ err, flushId: flushId.toString() }, 'flush failed; senders will retry');
      await this.#removeFlush(flushId);
      const failure = new IngestError('unavailable', 'storage is unavailable; retry later', 2);
      for (const w of batch.waiters) w.reject(failure);
    }
  }

  /** A failed flush may have stored some tables; remove them so the senders' retries store them once. */
  async #removeFlush(flushId: bigint): Promise<void> {
    for (const table of dataTables) {
      try {
        await this.#storage.deleteRows(table, 'flush_id = {flush:UInt64}', { flush: flushId.toString() });
      } catch (err) {
        // Start-up recovery removes what is left (no ledger row was written for this flush).
        this.#log.error({ err, table }, 'could not remove the rows of a failed flush');
      }
    }
  }

  /** Stops accepting and stores everything accepted so far. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#flushing || this.#pending.waiters.length > 0) {
      if (this.#flushing) await this.#flushing;
      else void this.#startFlush();
    }
    // Aggregates not written yet leave with one last flush of their own.
    if (this.#red.hasPending) {
      await this.#startFlush();
    }
  }
}
