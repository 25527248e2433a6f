/**
 * Log records → RowBinary rows of `logs` or `events`. One decoded batch feeds both: a record with an
 * event name (OTLP `event_name`, or a string `event.name` attribute) is an event and only an event.
 */
import type { LogsData } from '@apo/shared/model';
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import { logsTable } from '../tables/logs.ts';
import type { LogRow } from '../tables/logs.ts';
import { writeRow } from '../tables/table-def.ts';
import type { WritableColumn } from '../tables/table-def.ts';
import type { RowContext } from './row-context.ts';
import { eventNameOf, resourceColumns } from './semantic-columns.ts';

/** Writes the ordinary logs or the events of a batch (each record is exactly one of the two). */
export function appendLogRecords(
  w: RowBinaryWriter,
  data: LogsData,
  ctx: RowContext,
  columns: readonly WritableColumn<LogRow>[],
  which: 'logs' | 'events',
): number {
  const events = which === 'events';
  let rows = 0;
  for (const rl of data.resourceLogs) {
    let resource: LogRow['resource'] | undefined;
    for (const sl of rl.scopeLogs) {
      let row: LogRow | undefined;
      for (const record of sl.logRecords) {
        const eventName = eventNameOf(record.eventName, record.attributes);
        if ((eventName !== '') !== events) continue;
        resource ??= resourceColumns(rl.resource);
        if (row === undefined)
          row = { cluster: ctx.cluster, flushId: ctx.flushId, resource, scope: sl.scope, record, eventName };
        row.record = record;
        row.eventName = eventName;
        writeRow(w, columns, row);
        rows++;
      }
    }
  }
  return rows;
}

/** Appends one `logs` row per ordinary log record (events are skipped); returns the rows written. */
export function appendLogRows(w: RowBinaryWriter, data: LogsData, ctx: RowContext): number {
  return appendLogRecords(w, data, ctx, logsTable.columns, 'logs');
}
