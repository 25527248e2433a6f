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

/** Groups listed at most, most errors first. */
const GROUPS_LIMIT = 50;

/** Error spans (status ERROR) of a service in [from, to), grouped, most frequent first. */
export async function errorGroups(
  storage: Storage,
  input: { service: string; from: number; to: number; cluster?: string | undefined },
): Promise<ErrorGroupRow[]> {
  return readRows(
    storage,
    errorGroupsQuery,
    `FROM ${storage.qualified(storage.tables.spans)}
     WHERE service = {service:String}
       AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
       ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
       AND ${spans.name('status_code')} = 2
     GROUP BY exception_type, ex_message ORDER BY n DESC, last_ms DESC LIMIT {limit:UInt32}`,
    { ...input, limit: GROUPS_LIMIT },
  );
}
