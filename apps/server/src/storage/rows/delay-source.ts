/** The delay source's per-window sums → RowBinary rows of `delay_source_1m`. */
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import { delaySourceTable } from '../tables/delay-source.ts';
import type { DelaySourceRow } from '../tables/delay-source.ts';
import { writeRow } from '../tables/table-def.ts';

/** Appends one row per key; returns the number of rows written. */
export function appendDelaySourceRows(w: RowBinaryWriter, rows: readonly DelaySourceRow[]): number {
  for (const row of rows) writeRow(w, delaySourceTable.columns, row);
  return rows.length;
}
