/**
 * The ids of the batches already stored, so a retried batch is acknowledged without being stored
 * twice. Kept only as long as a sender may still retry (hours, configurable). Each id is bound to its
 * signal and a digest of its content (migration 0005), so a different batch under a used id is refused
 * rather than acknowledged and dropped; rows written before that have both empty.
 */
import { defineTable } from './table-def.ts';
import type { WritableColumn } from './table-def.ts';

export interface LedgerRow {
  batchId: string;
  cluster: string;
  flushId: bigint;
  /** Epoch milliseconds. */
  storedAtMs: number;
  /** `traces` / `logs` / `metrics`; empty on a flush's marker row. */
  signal: string;
  /** SHA-256 of the decompressed request body, base64; empty on a flush's marker row. */
  digest: string;
}

const columns: WritableColumn<LedgerRow>[] = [
  {
    name: 'batch_id',
    type: 'String',
    write: (w, r) => {
      w.string(r.batchId);
    },
  },
  {
    name: 'flush_id',
    type: 'UInt64',
    write: (w, r) => {
      w.uint64(r.flushId);
    },
  },
  {
    name: 'cluster',
    type: 'LowCardinality(String)',
    write: (w, r) => {
      w.string(r.cluster);
    },
  },
  {
    name: 'stored_at',
    type: 'DateTime64(3)',
    write: (w, r) => {
      w.dateTime64Millis(r.storedAtMs);
    },
  },
  {
    name: 'signal',
    type: 'LowCardinality(String)',
    write: (w, r) => {
      w.string(r.signal);
    },
  },
  {
    name: 'digest',
    type: 'String',
    write: (w, r) => {
      w.string(r.digest);
    },
  },
];

export const ingestLedgerTable = defineTable<LedgerRow>({
  name: 'ingest_ledger',
  columns,
  engine: 'MergeTree',
  orderBy: 'batch_id',
  ttl: { expression: 'toDateTime(stored_at)', unit: 'HOUR', retention: 'ledgerHours' },
  placement: { kind: 'sharded', shardingKey: 'cityHash64(batch_id)' },
});
