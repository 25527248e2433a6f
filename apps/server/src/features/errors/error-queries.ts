/**
 * Recent error spans of a service grouped by exception type and message. Read from the stored spans: the
 * tail sampler keeps every trace with an error, so the counts are the errors' (not a sample's). The type
 * and message come from the span's first `exception` event (OpenTelemetry's convention), else the status
 * message; messages are cut to 300 characters so ids inside a long message rarely split a group.
 */
import type { Storage } from '../../storage/index.ts';
import {
  array,
  computed,
  defineQuery,
  int64Number,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint64Number,
} from '../../storage/index.ts';
import type { RowOf } from '../../storage/index.ts';
import { decodeCursor, millisPart, textPart, uint64Part } from '../cursor.ts';
import { keysetPage } from '../paging.ts';

const spans = tableColumns(storageTables.spans);
const EXCEPTION = `indexOf(${spans.name('event_names')}, 'exception')`;
const exceptionAttribute = (key: string) =>
  `if(${EXCEPTION} > 0, ${spans.name('event_attributes')}[${EXCEPTION}]['${key}'], '')`;

const errorGroupsQuery = defineQuery('errors.groups', {
  exception_type: computed(string, exceptionAttribute('exception.type')),
  ex_message: computed(
    string,
    `substring(coalesce(nullIf(${exceptionAttribute('exception.message')}, ''), ${spans.name('status_message')}), 1, 300)`,
  ),
  n: computed(uint64Number, 'count()'),
  last_ms: computed(int64Number, 'toInt64(toUnixTimestamp64Milli(max(ts)))'),
  last_trace: computed(string, 'argMax(trace_id, ts)'),
  last_span: computed(string, 'argMax(span_id, ts)'),
  last_name: computed(string, 'argMax(name, ts)'),
  instances: computed(array(string), 'groupUniqArray(5)(instance)'),
});

export type ErrorGroupRow = RowOf<(typeof errorGroupsQuery)['columns']>;

/** Groups on a page unless asked otherwise, most errors first. */
export const ERROR_GROUPS_PAGE = 50;

/**
 * Pages continue after the last group's sort key: (count, latest time) descending, then type and message.
 * Counts of a range still receiving errors can grow between pages; a group can then move across a page end.
 */
const AFTER_SQL = `HAVING n < {cN:UInt64} OR (n = {cN:UInt64} AND (last_ms < {cLast:Int64}
  OR (last_ms = {cLast:Int64} AND (exception_type, ex_message) > ({cType:String}, {cMessage:String}))))`;

function afterCursor(cursor: string | undefined): { sql: string; params: Record<string, unknown> } {
  if (cursor === undefined) return { sql: '', params: {} };
  const [cN, cLast, cType, cMessage] = decodeCursor(cursor, [uint64Part, millisPart, textPart, textPart]);
  return { sql: AFTER_SQL, params: { cN, cLast, cType, cMessage } };
}

/** Error spans (status ERROR) of a service in [from, to), grouped, most frequent first, a page at a time. */
export async function errorGroups(
  storage: Storage,
  input: {
    service: string;
    from: number;
    to: number;
    cluster?: string | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  },
): Promise<{ rows: ErrorGroupRow[]; nextCursor: string | null }> {
  const limit = input.limit ?? ERROR_GROUPS_PAGE;
  const after = afterCursor(input.cursor);
  const rows = await readRows(
    storage,
    errorGroupsQuery,
    `FROM ${storage.qualified(storage.tables.spans)}
     WHERE service = {service:String}
       AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
       ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
       AND ${spans.name('status_code')} = 2
     GROUP BY exception_type, ex_message ${after.sql}
     ORDER BY n DESC, last_ms DESC, exception_type, ex_message LIMIT {limit:UInt32}`,
    { ...input, ...after.params, limit: limit + 1 },
  );
  return keysetPage(rows, limit, (r) => [String(r.n), String(r.last_ms), r.exception_type, r.ex_message]);
}
