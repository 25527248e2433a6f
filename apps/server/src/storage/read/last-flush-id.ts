/**
 * The highest flush id the ingest ledger holds: the writer continues after it, so a flush id is never
 * reused across restarts (interrupted flushes are removed by their id).
 */
import type { Storage } from '../open-storage.ts';
import { uint64 } from './column-types.ts';
import { computed, defineQuery, readRows } from './read-query.ts';
import { tableColumns } from './table-columns.ts';
import { ingestLedgerTable } from '../tables/ingest-ledger.ts';

const ledger = tableColumns(ingestLedgerTable);

const lastFlush = defineQuery('storage.lastFlushId', {
  // max() of an empty table is 0, the id before the first flush.
  id: computed(uint64, `max(${ledger.name('flush_id')})`),
});

export async function lastFlushId(storage: Pick<Storage, 'client' | 'qualified'>): Promise<bigint> {
  const [row] = await readRows(storage, lastFlush, `FROM ${storage.qualified(ingestLedgerTable)}`);
  return row?.id ?? 0n;
}
