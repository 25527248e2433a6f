import type { Logger } from 'pino';
import type { SignalType } from '@apo/shared/model';
import type { Storage } from '../storage/index.ts';
import type { DataTable } from './data-tables.ts';

/**
 * What a batch id stands for: the signal it was sent on and a digest of its decompressed body (the proxy may
 * compress a body the agent sent plain, so the bytes on the wire differ between hops; the content does not).
 * Empty strings = unknown, for ids stored before the ledger kept them: those are matched by id alone.
 */
export interface BatchBinding {
  signal: SignalType | '';
  digest: string;
}

interface StoredBatch extends BatchBinding {
  at: number;
}

/**
 * Why `wanted` cannot be acknowledged as a repeat of the batch stored (or being stored) under `batchId`;
 * undefined when it is the same batch. A sender that reuses an id for other data has a bug; answering 200
 * would drop that data silently.
 */
export function bindingConflict(
  batchId: string,
  stored: BatchBinding,
  wanted: BatchBinding,
): string | undefined {
  if (stored.signal !== '' && wanted.signal !== '' && stored.signal !== wanted.signal) {
    return `batch id ${batchId} was already used for ${stored.signal}; send this batch under a new id`;
  }
  if (stored.digest !== '' && wanted.digest !== '' && stored.digest !== wanted.digest) {
    return `batch id ${batchId} was already stored with different content; send this batch under a new id`;
  }
  return undefined;
}

/**
 * The ids of batches already stored, kept for a retention window, so a retried batch is acknowledged
 * without being stored twice. The table `ingest_ledger` is the durable copy (written by the writer in the
 * same flush that stores the batch's rows, after them); this map answers the hot-path lookups.
 */
export class BatchLedger {
  readonly #stored = new Map<string, StoredBatch>();
  readonly #retentionMs: number;

  constructor(retentionMs: number) {
    this.#retentionMs = retentionMs;
  }

  get size(): number {
    return this.#stored.size;
  }

  /** The stored batch under this id, if it is still within the retention. */
  get(batchId: string, now = Date.now()): BatchBinding | undefined {
    const stored = this.#stored.get(batchId);
    return stored !== undefined && now - stored.at < this.#retentionMs ? stored : undefined;
  }

  has(batchId: string, now = Date.now()): boolean {
    return this.get(batchId, now) !== undefined;
  }

  record(batches: Iterable<[string, BatchBinding]>, at: number): void {
    for (const [id, { signal, digest }] of batches) this.#stored.set(id, { at, signal, digest });
  }

  /** Maps iterate in insertion order, which is storage order: expired ids are a prefix. */
  prune(now = Date.now()): void {
    for (const [id, { at }] of this.#stored) {
      if (now - at < this.#retentionMs) break;
      this.#stored.delete(id);
    }
  }

  static async load(storage: Storage, retentionMs: number): Promise<BatchLedger> {
    const ledger = new BatchLedger(retentionMs);
    const result = await storage.client.query({
      query: `SELECT batch_id, toUnixTimestamp64Milli(stored_at) AS at_ms, signal, digest
              FROM ${storage.database}.ingest_ledger
              WHERE batch_id != '' AND stored_at > now64(3) - toIntervalMillisecond({retention:UInt64})
              ORDER BY stored_at
              SETTINGS output_format_json_quote_64bit_integers = 0`,
      query_params: { retention: retentionMs },
      format: 'JSONCompactEachRow',
    });
    for (const [id, at, signal, digest] of await result.json<[string, number, string, string]>()) {
      ledger.#stored.set(id, { at, signal: signalOf(signal), digest });
    }
    return ledger;
  }
}

function signalOf(value: string): SignalType | '' {
  return value === 'traces' || value === 'logs' || value === 'metrics' ? value : '';
}

/**
 * Flush ids grow with time (ms × 1000 + a sequence), so a flush's id says when it ran. A flush writes its
 * data tables first and its ledger rows last; a crash in between leaves rows whose flush id has no ledger
 * row. Within the ledger's retention those rows cannot be anything else, so they are deleted at start-up
 * and the unacknowledged senders' retries store them again — exactly once.
 */
export async function removeInterruptedFlushes(
  storage: Storage,
  dataTables: readonly DataTable[],
  retentionMs: number,
  log: Logger,
): Promise<void> {
  const since = (BigInt(Date.now() - retentionMs) * 1000n).toString();
  const db = storage.database;
  for (const table of dataTables) {
    const orphans = await storage.client.query({
      query: `SELECT count() AS n FROM ${db}.${table}
              WHERE flush_id > {since:UInt64}
                AND flush_id NOT IN (SELECT flush_id FROM ${db}.ingest_ledger WHERE flush_id > {since:UInt64})`,
      query_params: { since },
      format: 'JSONEachRow',
    });
    const [row] = await orphans.json<{ n: string | number }>();
    const n = Number(row?.n ?? 0);
    if (n === 0) continue;
    log.warn({ table, rows: n }, 'removing rows of a flush interrupted before it was acknowledged');
    await storage.deleteRows(
      table,
      `flush_id > {since:UInt64} AND flush_id NOT IN (SELECT flush_id FROM ${db}.ingest_ledger WHERE flush_id > {since:UInt64})`,
      { since },
    );
  }
}

/** Next flush id: time-based, strictly increasing even when the clock stalls or steps back. */
export function nextFlushId(previous: bigint, nowMs = Date.now()): bigint {
  const fromClock = BigInt(nowMs) * 1000n;
  return fromClock > previous ? fromClock : previous + 1n;
}
