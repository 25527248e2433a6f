/** Spans → RowBinary rows of `spans`, encoded straight from the decoded OTLP model. */
import type { TracesData } from '@apo/shared/model';
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import { spansTable } from '../tables/spans.ts';
import type { SpanRow } from '../tables/spans.ts';
import { writeRow } from '../tables/table-def.ts';
import type { RowContext } from './row-context.ts';
import { resourceColumns } from './semantic-columns.ts';

/** Appends one row per span; returns the number of rows written. */
export function appendSpanRows(w: RowBinaryWriter, data: TracesData, ctx: RowContext): number {
  const columns = spansTable.columns;
  let rows = 0;
  for (const rs of data.resourceSpans) {
    if (!rs.scopeSpans.some((ss) => ss.spans.length > 0)) continue;
    const resource = resourceColumns(rs.resource);
    for (const ss of rs.scopeSpans) {
      const first = ss.spans[0];
      if (first === undefined) continue;
      const row: SpanRow = {
        cluster: ctx.cluster,
        flushId: ctx.flushId,
        resource,
        scope: ss.scope,
        span: first,
      };
      for (const span of ss.spans) {
        row.span = span;
        writeRow(w, columns, row);
      }
      rows += ss.spans.length;
    }
  }
  return rows;
}
