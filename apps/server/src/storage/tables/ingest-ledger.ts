/**
 * The ids of the batches already stored, so a retried batch is acknowledged without being stored
 * twice. Kept only as long as a sender may still retry (hours, configurable).
 */
import { defineTable } from './table-def.ts';
import type { WritableColumn } from './table-def.ts';

export interface LedgerRow {
  batchId: string;
  cluster: string;
  flushId: bigint;
  /** Epoch milliseconds. */
  storedAtMs: number;
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
];

export const ingestLedgerTable = defineTable<LedgerRow>({
  name: 'ingest_ledger',
  columns,
  engine: 'MergeTree',
  orderBy: 'batch_id',
  ttl: { expression: 'toDateTime(stored_at)', unit: 'HOUR', retention: 'ledgerHours' },
  placement: { kind: 'sharded', shardingKey: 'cityHash64(batch_id)' },
});
