/**
 * Storing a flush: its data tables, then its ledger rows ("acknowledged = stored"), then its requests are
 * answered. When the storage fails, the answer depends on why (storage-failure.ts): a refusal of the data is
 * narrowed down to the request(s) that carry it (flush-isolation.ts), the others stored; a storage that
 * cannot write answers every request 503 and is reported until a write succeeds again (/readyz).
 */
import type { Logger } from 'pino';
import { IngestError } from '@apo/otlp-transport';
import { appendLedgerRows, RowBinaryWriter, type Storage } from '../storage/index.ts';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';
import type { BatchLedger } from './batch-ledger.ts';
import { BoundedWrites } from './bounded-writes.ts';
import { dataTables } from './data-tables.ts';
import { isolateRefusal } from './flush-isolation.ts';
import type { PendingFlush, PendingRequest } from './pending-flush.ts';
import { classifyStorageFailure, StorageTimeoutError } from './storage-failure.ts';

/** Seconds a sender is told to wait after a failed flush. */
const RETRY_AFTER_SECONDS = 2;

/** Inserts a refused flush may take to find the request(s) the engine refuses (flush-isolation.ts). */
const MAX_ISOLATION_INSERTS = 64;

/** Since when and why the storage cannot write; undefined while it can. */
export interface StorageProblem {
  since: number;
  reason: string;
}

/** A failed flush whose rows could not be removed yet; removed once the storage writes again. */
interface UnremovedFlush {
  flushId: bigint;
  /** False while a write of the flush that timed out may still land. */
  settled: boolean;
}

export class FlushStore {
  readonly #storage: Storage;
  readonly #ledger: BatchLedger;
  readonly #log: Logger;
  readonly #metrics: IngestMetrics;
  readonly #bounded: BoundedWrites;
  #problem: StorageProblem | undefined;
  #unremoved: UnremovedFlush[] = [];

  /**
   * `writeTimeoutMs`: how long a flush's writes may take in all, and each clean-up statement; beyond it the
   * flush counts as failed (503) and the storage as unable to write until a write succeeds again.
   */
  constructor(
    storage: Storage,
    ledger: BatchLedger,
    writeTimeoutMs: number,
    log: Logger,
    metrics: IngestMetrics,
  ) {
    this.#storage = storage;
    this.#ledger = ledger;
    this.#bounded = new BoundedWrites(writeTimeoutMs);
    this.#log = log;
    this.#metrics = metrics;
    this.#metrics.storageWritable.set(1);
  }

  /** Set while the storage cannot write (the last flush failed for a storage reason), for /readyz. */
  get problem(): StorageProblem | undefined {
    return this.#problem;
  }

  /** Stores `batch` and answers its requests; resolves once they are answered (and failures cleaned up). */
  async store(batch: PendingFlush): Promise<void> {
    const flushId = batch.flushId;
    const started = performance.now();
    const timeoutMs = this.#bounded.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    const writes: Promise<void>[] = [];
    try {
      if (this.#bounded.stalled) {
        // Another statement would queue behind the one still running (chDB runs one at a time) and time out
        // too: answer now, and keep the number of statements waiting in the engine bounded.
        throw new StorageTimeoutError(`an earlier write has not finished after ${timeoutMs} ms`);
      }
      for (const table of dataTables) {
        const w = batch.writers.get(table);
        const rows = batch.rows.get(table) ?? 0;
        if (!w || rows === 0) continue;
        const t0 = performance.now();
        await this.#bounded.run(this.#storage.insertRowBinary(this.#storage.tables[table], w.bytes(), rows), {
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
    await this.#bounded.run(
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
    const timeoutMs = this.#bounded.timeoutMs;
    // The failed insert rejected, so every write of the flush has finished: removal is safe now.
    try {
      await this.#removeFlushes([batch.flushId], Date.now() + timeoutMs, writes, 'applied');
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
          this.#bounded.run(
            this.#storage.insertRowBinary(
              this.#storage.tables[table],
              batch.writers.get(table)!.bytes().subarray(start, end),
              rows,
            ),
            { deadline: Date.now() + timeoutMs, writes, what: `an insert into ${table}` },
          ),
        removeFlush: () => this.#removeFlushes([batch.flushId], Date.now() + timeoutMs, writes, 'applied'),
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
      await this.#commit(batch, stored, Date.now() + timeoutMs, writes);
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
        Date.now() + this.#bounded.timeoutMs,
        [],
        'queued',
      );
      this.#unremoved = this.#unremoved.filter((e) => !e.settled || !ready.includes(e));
    } catch (err) {
      this.#log.warn({ err, flushes: ready.length }, 'could not remove the rows of failed flushes yet');
    }
  }

  /**
   * Removes what failed flushes stored. Their ledger rows first (a timed-out ledger insert may have landed
   * after all): a crash half-way then leaves data rows without a ledger row, which start-up recovery removes,
   * never a ledger row that acknowledges removed data. Rows inserted afterwards under the same flush id
   * (isolation) are not affected either way.
   *
   * `queued` for flushes that failed because storage is unavailable: a waiting DELETE on a full disk hangs.
   * `applied` while isolating a refused request (the disk is fine): its neighbours are answered right after,
   * and a queued delete would let a reader see their re-inserted rows twice until it ran (a test saw 630
   * spans of 600 acknowledged).
   */
  async #removeFlushes(
    flushIds: readonly bigint[],
    deadline: number,
    writes: Promise<void>[],
    removal: 'queued' | 'applied',
  ): Promise<void> {
    // As text: the parameter binder takes an Array(UInt64) only as JS numbers, which would round large ids.
    const params = { flushes: flushIds.map(String).join(',') };
    for (const table of ['ingest_ledger', ...dataTables] as const) {
      await this.#bounded.run(
        this.#storage.deleteRows(
          table,
          "has(splitByChar(',', {flushes:String}), toString(flush_id))",
          params,
          { wait: removal === 'applied' },
        ),
        { deadline, writes, what: `removing failed flushes' rows from ${table}` },
      );
    }
  }
}
