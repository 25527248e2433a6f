/** Stored batch ids → RowBinary rows of `ingest_ledger`. */
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import { ingestLedgerTable } from '../tables/ingest-ledger.ts';
import type { LedgerRow } from '../tables/ingest-ledger.ts';
import { writeRow } from '../tables/table-def.ts';

export interface LedgerBatch {
  batchId: string;
  cluster: string;
  signal: string;
  digest: string;
}

/** Appends one row per batch of the flush; returns the number of rows written. */
export function appendLedgerRows(
  w: RowBinaryWriter,
  flushId: bigint,
  storedAtMs: number,
  batches: readonly LedgerBatch[],
): number {
  const columns = ingestLedgerTable.columns;
  const row: LedgerRow = { batchId: '', cluster: '', flushId, storedAtMs, signal: '', digest: '' };
  for (const b of batches) {
    row.batchId = b.batchId;
    row.cluster = b.cluster;
    row.signal = b.signal;
    row.digest = b.digest;
    writeRow(w, columns, row);
  }
  return batches.length;
}
