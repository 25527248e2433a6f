/** Event log records → RowBinary rows of `events` (the routing rule lives in rows/logs.ts). */
import type { LogsData } from '@apo/shared/model';
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import { eventsTable } from '../tables/events.ts';
import { appendLogRecords } from './logs.ts';
import type { RowContext } from './row-context.ts';

/** Appends one `events` row per event record (ordinary logs are skipped); returns the rows written. */
export function appendEventRows(w: RowBinaryWriter, data: LogsData, ctx: RowContext): number {
  return appendLogRecords(w, data, ctx, eventsTable.columns, 'events');
}
