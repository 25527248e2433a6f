import type { Logger } from 'pino';
import type { Storage } from '../storage/index.ts';
import { RowBinaryWriter } from '../storage/row-binary-writer.ts';
import { appendSpanRows } from '../storage/rows/spans.ts';
import { appendLogRows } from '../storage/rows/logs.ts';
import { appendEventRows } from '../storage/rows/events.ts';
import { appendMetricRows } from '../storage/rows/metrics.ts';
import { appendLedgerRows } from '../storage/rows/ledger.ts';
import { appendRedClientRows, appendRedServerRows } from '../storage/rows/red.ts';
import { BatchLedger, bindingConflict, nextFlushId, type BatchBinding } from './batch-ledger.ts';
import type { DecodedBatch } from './decoded-batch.ts';
import { isolateRefusal, type Slice } from './flush-isolation.ts';
import { classifyStorageFailure, StorageTimeoutError } from './storage-failure.ts';
import { IngestError } from '@apo/otlp-transport';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';
import { RedIngest } from './red-ingest.ts';
import type { RedIngestRows } from './red-ingest.ts';

export interface WriterOptions {
  flushRows: number;
  flushIntervalMs: number;
  /** Server-side RED is written at most this often (0 = with every flush); see server-config.ts. */
  redFlushIntervalMs: number;
  maxInFlightRows: number;
  /**
   * How long a flush's writes may take in all, and each clean-up statement; beyond it the flush counts as
   * failed (503) and the storage as unable to write (/readyz) until a write succeeds again.
   */
  writeTimeoutMs: number;
}

/** While the storage cannot write and no request comes, a marker-only flush tries it this often. */
const PROBE_INTERVAL_MS = 2_000;

/** Seconds a sender is told to wait after a failed flush. */
const RETRY_AFTER_SECONDS = 2;

/** Inserts a refused flush may take to find the request(s) the engine refuses (flush-isolation.ts). */
const MAX_ISOLATION_INSERTS = 64;

/** Since when and why the storage cannot write; undefined while it can. */
export interface StorageProblem {
  since: number;
  reason: string;
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

/** One request of a flush: whom to answer, and where its rows are (for isolation after a refusal). */
interface PendingRequest {
  waiter: Waiter;
  slices: Slice<DataTable>[];
  batchId: string | undefined;
  cluster: string;
  binding: BatchBinding;
}

interface InProgressBatch {
  stored: Promise<void>;
  binding: BatchBinding;
}

/** A failed flush whose rows could not be removed yet; removed once the storage writes again. */
interface UnremovedFlush {
  flushId: bigint;
  /** False while a write of the flush that timed out may still land. */
  settled: boolean;
}

/**
 * Rows of the requests waiting for the next flush, already encoded as RowBinary: each request is encoded
 * when it arrives (a few hundred µs), so a flush only hands finished buffers to the engine and never holds
 * the event loop for the whole batch.
 */
class PendingFlush {
  readonly writers = new Map<DataTable, RowBinaryWriter>();
  readonly rows = new Map<DataTable, number>();
  readonly requests: PendingRequest[] = [];
  readonly batchIds = new Map<string, InProgressBatch>();
  /** Rows that belong to no request (the server-side RED drained when the flush starts). */
  ownSlices: Slice<DataTable>[] = [];
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
  #flushingBatchIds = new Map<string, InProgressBatch>();
  #inFlightRows = 0;
  #timer: NodeJS.Timeout | undefined;
  #problem: StorageProblem | undefined;
  /** Writes that timed out and have not finished: until they do, flushes fail at once (see #flush). */
  readonly #unsettled = new Set<Promise<void>>();
  #unremoved: UnremovedFlush[] = [];
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
    this.#metrics.storageWritable.set(1);
  }

  /** Set while the storage cannot write (the last flush failed for a storage reason), for /readyz. */
  get storageProblem(): StorageProblem | undefined {
    return this.#problem;
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
      const slices = this.#encode(pending, batch, cluster);
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

  /**
   * Appends a request's rows to the pending flush and returns where they are. All or nothing: if encoding
   * fails half-way, the bytes already appended are cut off again so the other requests of the flush are not
   * poisoned.
   */
  #encode(pending: PendingFlush, batch: DecodedBatch, cluster: string): Slice<DataTable>[] {
    const ctx = { cluster, flushId: pending.flushId };
    const marks = new Map([...pending.writers].map(([table, w]) => [table, w.length]));
    const rowsBefore = new Map(pending.rows);
    try {
      switch (batch.signal) {
        case 'traces': {
          const spans = appendSpanRows(pending.writer('spans'), batch.data, ctx);
          // After the spans are encoded (what is aggregated cannot be taken back); the rows of the
          // aggregates join the flush when it starts (#startFlush).
          this.#red.addSpans(batch.data.resourceSpans, cluster, Date.now());
          pending.add('spans', spans);
          break;
        }
        case 'logs': {
          const logs = appendLogRows(pending.writer('logs'), batch.data, ctx);
          const events = appendEventRows(pending.writer('events'), batch.data, ctx);
          pending.add('logs', logs);
          pending.add('events', events);
          break;
        }
        case 'metrics': {
          // RED points go to the rollups only; appendMetricRows leaves them out.
          const red = this.#red.fromMetrics(batch.data, cluster, Date.now());
          const metrics = appendMetricRows(pending.writer('metrics'), batch.data, ctx);
          const rollups = appendRedRows(pending, red);
          pending.add('metrics', metrics);
          this.#addRed(pending, red, rollups);
          break;
        }
      }
    } catch (err) {
      for (const [table, w] of pending.writers) w.truncate(marks.get(table) ?? 0);
      throw new IngestError('malformed', `cannot store the request: ${(err as Error).message}`);
    }
    return slicesSince(pending, marks, rowsBefore);
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
    const waiting = this.#pending.requests.length;
    if (waiting === 0 && this.#problem !== undefined && !this.#closed) {
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
    // The RED of spans that came without an agent, aggregated across flushes and written every
    // redFlushIntervalMs: two more inserts (and parts to merge) per flush cost the engine about as much as
    // the spans themselves. With an interval, a crash can lose that interval of these aggregates, never a
    // span. The aggregates are sharded and one due shard is drained per flush, so no flush start holds the
    // event loop for the whole interval's rows; with 0 (exactly once) or when closing, all of them.
    const redTables = ['red_server_1m', 'red_client_1m'] as const;
    const marks = redTables.map((t) => batch.writers.get(t)?.length ?? 0);
    const bytesBefore = new Map([...batch.writers].map(([table, w]) => [table, w.length]));
    try {
      const now = Date.now();
      const interval = this.#options.redFlushIntervalMs;
      const red =
        this.#closed || interval === 0 ? this.#red.drainSpans(now) : this.#red.drainDue(now, interval);
      const rowsBefore = new Map(batch.rows);
      this.#addRed(batch, red, appendRedRows(batch, red));
      batch.ownSlices = slicesSince(batch, bytesBefore, rowsBefore);
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
    const deadline = Date.now() + this.#options.writeTimeoutMs;
    const writes: Promise<void>[] = [];
    try {
      if (this.#unsettled.size > 0) {
        // Another statement would queue behind the one still running (chDB runs one at a time) and time out
        // too: answer now, and keep the number of statements waiting in the engine bounded.
        throw new StorageTimeoutError(
          `an earlier write has not finished after ${this.#options.writeTimeoutMs} ms`,
        );
      }
      for (const table of dataTables) {
        const w = batch.writers.get(table);
        const rows = batch.rows.get(table) ?? 0;
        if (!w || rows === 0) continue;
        const t0 = performance.now();
        await this.#bounded(this.#storage.insertRowBinary(this.#storage.tables[table], w.bytes(), rows), {
          deadline,
          writes,
          what: `the insert into ${table}`,
        });
        this.#metrics.insertSeconds.observe({ table }, (performance.now() - t0) / 1000);
        this.#metrics.storedRows.inc({ table }, rows);
      }
    } catch (err) {
      await this.#failed(batch, err, writes);
      return;
    }
    const requests = batch.requests;
    try {
      await this.#commit(batch, requests, deadline, writes);
    } catch (err) {
      // The ledger write failed: no request is acknowledged, and nothing is isolated (rows are not the cause).
      this.#unavailable(batch, requests, err, writes);
      return;
    }
    this.#log.debug(
      {
        flushId: flushId.toString(),
        requests: requests.length,
        rows: batch.totalRows,
        ms: performance.now() - started,
      },
      'flush stored',
    );
    await this.#removeUnremoved();
  }

  /**
   * Writes the ledger rows of `requests` (stored by now) and the flush's marker row, then answers them.
   * From here on their batch ids are acknowledged.
   */
  async #commit(
    batch: PendingFlush,
    requests: readonly PendingRequest[],
    deadline: number,
    writes: Promise<void>[],
  ): Promise<void> {
    const storedAt = Date.now();
    const ledger = new RowBinaryWriter();
    const entries: { batchId: string; cluster: string; signal: string; digest: string }[] = [
      { batchId: '', cluster: '', signal: '', digest: '' },
    ];
    for (const r of requests) {
      if (r.batchId !== undefined) {
        entries.push({ batchId: r.batchId, cluster: r.cluster, ...r.binding });
      }
    }
    const ledgerRows = appendLedgerRows(ledger, batch.flushId, storedAt, entries);
    await this.#bounded(
      this.#storage.insertRowBinary(this.#storage.tables.ingest_ledger, ledger.bytes(), ledgerRows),
      { deadline, writes, what: 'the ledger insert' },
    );
    this.#ledger.record(
      requests.flatMap((r) => (r.batchId === undefined ? [] : [[r.batchId, r.binding] as const])),
      storedAt,
    );
    this.#ledger.prune(storedAt);
    if (this.#problem !== undefined) {
      this.#log.info({ since: new Date(this.#problem.since).toISOString() }, 'storage writes again; ready');
      this.#problem = undefined;
      this.#metrics.storageWritable.set(1);
    }
    for (const r of requests) r.waiter.resolve();
  }

  /** A flush failed before its ledger write: answer its requests according to why. */
  async #failed(batch: PendingFlush, err: unknown, writes: Promise<void>[]): Promise<void> {
    const failure = classifyStorageFailure(err);
    if (failure.kind === 'unavailable') {
      this.#unavailable(batch, batch.requests, err, writes);
      return;
    }
    this.#metrics.failedFlushes.inc({ kind: 'refused' });
    this.#log.warn(
      { err, flushId: batch.flushId.toString(), requests: batch.requests.length },
      'the storage engine refused a flush; looking for the request(s) that cause it',
    );
    // The failed insert rejected, so every write of the flush has finished: removal is safe now.
    try {
      await this.#removeFlushes([batch.flushId], Date.now() + this.#options.writeTimeoutMs, writes);
    } catch (removeErr) {
      this.#unavailable(batch, batch.requests, removeErr, writes);
      return;
    }
    const units = batch.requests.map((r) => r.slices);
    if (batch.ownSlices.length > 0) units.push(batch.ownSlices);
    const outcome = await isolateRefusal(
      dataTables,
      units,
      failure.reason,
      {
        insert: (table, start, end, rows) =>
          this.#bounded(
            this.#storage.insertRowBinary(
              this.#storage.tables[table],
              batch.writers.get(table)!.bytes().subarray(start, end),
              rows,
            ),
            { deadline: Date.now() + this.#options.writeTimeoutMs, writes, what: `an insert into ${table}` },
          ),
        removeFlush: () =>
          this.#removeFlushes([batch.flushId], Date.now() + this.#options.writeTimeoutMs, writes),
      },
      MAX_ISOLATION_INSERTS,
    );
    const requests = batch.requests.length;
    // Every request refused alone, more than one of them: more likely the storage than all the data.
    const allRefused =
      outcome.kind === 'isolated' &&
      requests > 1 &&
      [...outcome.refused.keys()].filter((u) => u < requests).length === requests;
    if (outcome.kind === 'unavailable' || allRefused) {
      this.#unavailable(batch, batch.requests, outcome.kind === 'unavailable' ? outcome.cause : err, writes);
      return;
    }
    const stored: PendingRequest[] = [];
    for (const [u, r] of batch.requests.entries()) {
      const reason = outcome.refused.get(u);
      if (reason === undefined) {
        stored.push(r);
        continue;
      }
      this.#metrics.refusedRequests.inc();
      this.#log.warn(
        { flushId: batch.flushId.toString(), batchId: r.batchId, cluster: r.cluster, reason },
        'the storage engine refused a request; answered 400',
      );
      r.waiter.reject(new IngestError('unstorable', `the storage cannot store this request: ${reason}`));
    }
    if (outcome.refused.has(requests)) {
      this.#log.error(
        { flushId: batch.flushId.toString() },
        'the storage engine refused the RED rows of a flush',
      );
    }
    try {
      await this.#commit(batch, stored, Date.now() + this.#options.writeTimeoutMs, writes);
    } catch (commitErr) {
      this.#unavailable(batch, stored, commitErr, writes);
    }
  }

  /**
   * The storage cannot write: every request of the flush not answered yet gets 503 + Retry-After now, and
   * the rows the flush may have stored are removed once it writes again (a DELETE on a full disk hangs; with
   * chDB it holds up every statement after it). A crash before then leaves them to start-up recovery
   * (removeInterruptedFlushes), since no ledger row names the flush.
   */
  #unavailable(
    batch: PendingFlush,
    requests: readonly PendingRequest[],
    err: unknown,
    writes: Promise<void>[],
  ): void {
    const { reason } = classifyStorageFailure(err);
    this.#metrics.failedFlushes.inc({ kind: 'unavailable' });
    const since = this.#problem?.since ?? Date.now();
    if (this.#problem === undefined) {
      this.#log.error({ err, flushId: batch.flushId.toString(), reason }, 'storage cannot write; not ready');
    } else {
      this.#log.warn(
        { err, flushId: batch.flushId.toString(), reason },
        'flush failed; storage still cannot write',
      );
    }
    this.#problem = { since, reason };
    this.#metrics.storageWritable.set(0);
    // Nothing to remove when nothing was sent, or when the only write was a marker-only flush's ledger row
    // and the engine refused it (one row: stored whole or not at all). Keeps the list short while a full
    // disk fails a probe every few seconds.
    const onlyMarker = batch.requests.length === 0 && batch.totalRows === 0 && writes.length === 1;
    if (writes.length > 0 && !(onlyMarker && !(err instanceof StorageTimeoutError))) {
      const entry: UnremovedFlush = { flushId: batch.flushId, settled: false };
      this.#unremoved.push(entry);
      void Promise.allSettled(writes).then(() => {
        entry.settled = true;
      });
    }
    const failure = new IngestError(
      'unavailable',
      `storage is unavailable (${reason}); retry later`,
      RETRY_AFTER_SECONDS,
    );
    for (const r of requests) r.waiter.reject(failure);
  }

  /**
   * Removes the rows of failed flushes once nothing of theirs can still land (one statement per table for
   * all of them); keeps them for the next successful flush when it cannot.
   */
  async #removeUnremoved(): Promise<void> {
    const ready = this.#unremoved.filter((e) => e.settled);
    if (ready.length === 0) return;
    try {
      await this.#removeFlushes(
        ready.map((e) => e.flushId),
        Date.now() + this.#options.writeTimeoutMs,
        [],
      );
      this.#unremoved = this.#unremoved.filter((e) => !e.settled || !ready.includes(e));
    } catch (err) {
      this.#log.warn({ err, flushes: ready.length }, 'could not remove the rows of failed flushes yet');
    }
  }

  /**
   * Removes what failed flushes stored. Their ledger rows first (a timed-out ledger insert may have landed
   * after all): a crash half-way then leaves data rows without a ledger row, which start-up recovery removes,
   * never a ledger row that acknowledges removed data. The deletes are queued (`wait: false`), so they cannot
   * hang on a full disk; rows inserted afterwards under the same flush id (isolation) are not affected.
   */
  async #removeFlushes(
    flushIds: readonly bigint[],
    deadline: number,
    writes: Promise<void>[],
  ): Promise<void> {
    // As text: the parameter binder takes an Array(UInt64) only as JS numbers, which would round large ids.
    const params = { flushes: flushIds.map(String).join(',') };
    for (const table of ['ingest_ledger', ...dataTables] as const) {
      await this.#bounded(
        this.#storage.deleteRows(
          table,
          "has(splitByChar(',', {flushes:String}), toString(flush_id))",
          params,
          { wait: false },
        ),
        { deadline, writes, what: `removing failed flushes' rows from ${table}` },
      );
    }
  }

  /**
   * `op`, failed with a StorageTimeoutError once `deadline` passes. The operation itself cannot be cancelled
   * (chDB has no interrupt; a ClickHouse server goes on with an insert whose client left), so it is kept in
   * `writes` and in #unsettled until it finishes.
   */
  async #bounded(
    op: Promise<void>,
    { deadline, writes, what }: { deadline: number; writes: Promise<void>[]; what: string },
  ): Promise<void> {
    writes.push(op);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          reject(new StorageTimeoutError(`${what} did not finish within ${this.#options.writeTimeoutMs} ms`));
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      await Promise.race([op, timeout]);
    } catch (err) {
      if (err instanceof StorageTimeoutError) {
        const settled = op.then(
          () => undefined,
          () => undefined,
        );
        this.#unsettled.add(settled);
        void settled.then(() => this.#unsettled.delete(settled));
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
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

/** The slices appended to `pending` since `bytesBefore` / `rowsBefore` were taken. */
function slicesSince(
  pending: PendingFlush,
  bytesBefore: ReadonlyMap<DataTable, number>,
  rowsBefore: ReadonlyMap<DataTable, number>,
): Slice<DataTable>[] {
  const slices: Slice<DataTable>[] = [];
  for (const [table, w] of pending.writers) {
    const start = bytesBefore.get(table) ?? 0;
    if (w.length === start) continue;
    const rows = (pending.rows.get(table) ?? 0) - (rowsBefore.get(table) ?? 0);
    slices.push({ table, start, end: w.length, rows });
  }
  return slices;
}
