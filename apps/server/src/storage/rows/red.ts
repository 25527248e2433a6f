/** RED rollup rows (from `redRollupRows`) → RowBinary rows of `red_server_1m` and `red_client_1m`. */
import type { RedClientRollupRow, RedServerRollupRow } from '@apo/shared/red';
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import { redClientTable, redServerTable } from '../tables/red-rollups.ts';
import type { RedClientRow, RedServerRow } from '../tables/red-rollups.ts';
import { writeRow } from '../tables/table-def.ts';

/** Appends one row per rollup row; returns the number of rows written. */
export function appendRedServerRows(
  w: RowBinaryWriter,
  rollups: readonly RedServerRollupRow[],
  flushId: bigint,
): number {
  const first = rollups[0];
  if (first === undefined) return 0;
  const row: RedServerRow = { flushId, rollup: first };
  for (const rollup of rollups) {
    row.rollup = rollup;
    writeRow(w, redServerTable.columns, row);
  }
  return rollups.length;
}

/** Appends one row per rollup row; returns the number of rows written. */
export function appendRedClientRows(
  w: RowBinaryWriter,
  rollups: readonly RedClientRollupRow[],
  flushId: bigint,
): number {
  const first = rollups[0];
  if (first === undefined) return 0;
  const row: RedClientRow = { flushId, rollup: first };
  for (const rollup of rollups) {
    row.rollup = rollup;
    writeRow(w, redClientTable.columns, row);
  }
  return rollups.length;
}
