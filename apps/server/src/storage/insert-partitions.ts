/**
 * The engine refuses an insert whose rows fall in more than `max_partitions_per_insert_block` partitions
 * (default 100), and one refused insert used to fail the whole flush of every sender. Tables partitioned by
 * day get a limit sized from their retention instead: ingest admits timestamps in [now − retention,
 * now + 1 day], which touches at most retention + 2 calendar days, plus one for the time between a request's
 * check and its flush. So anything ingest admits fits one insert, and the limit still stops rows far outside
 * the window (a bug upstream of the writer) from creating a part per day of their spread.
 *
 * The setting, not a split per partition: the engine writes one part per partition of an insert either way,
 * so splitting would only add round trips; a per-statement setting costs nothing.
 */
import type { Retention, TableDef } from './tables/table-def.ts';

const DAYS_BEYOND_RETENTION = 3;

/** Undefined for tables the engine's default suits (not partitioned by day, or without a TTL in days). */
function maxPartitionsPerInsert(
  table: Pick<TableDef<unknown>, 'partitionBy' | 'ttl'>,
  retention: Retention,
): number | undefined {
  if (table.partitionBy === undefined || table.ttl?.unit !== 'DAY') return undefined;
  return retention[table.ttl.retention] + DAYS_BEYOND_RETENTION;
}

/** The SETTINGS items of an insert into `table` (empty when none are needed). */
export function insertSettings(
  table: Pick<TableDef<unknown>, 'partitionBy' | 'ttl'>,
  retention: Retention,
): string[] {
  const max = maxPartitionsPerInsert(table, retention);
  return max === undefined ? [] : [`max_partitions_per_insert_block = ${max}`];
}
