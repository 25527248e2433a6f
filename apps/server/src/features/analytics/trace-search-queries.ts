/**
 * Reads over many traces: the trace search (one row per trace), the duration-over-time scatter, and the
 * traces an analysis reads (analytics-queries.ts: error origins, latency breakdown, attribute comparison).
 *
 * A trace is the spans of one trace id inside the time range: its start is their first start, its duration
 * runs to their last end. Every read first picks its traces (`pickTraces`: the search's filters, newest first,
 * at most a bound), then reads only those traces' spans, so one request never reads more than the bound and
 * says when it was cut.
 */
import type { Storage } from '../../storage/index.ts';
import {
  array,
  computed,
  defineQuery,
  int64,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint64Number,
} from '../../storage/index.ts';
import { decodeCursor, encodeCursor, hexIdPart, nanosPart } from '../cursor.ts';
import { SearchFilters } from '../search-filters.ts';
import { addSpanConditions, nanosText } from '../traces/span-filters.ts';
import {
  ANALYTICS_MAX_TRACES,
  SCATTER_MAX_POINTS,
  type TraceSelection,
  type TraceSetQuery,
} from './trace-set.ts';

const spans = tableColumns(storageTables.spans);
const ts = spans.name('ts');
const START_NS = `toUnixTimestamp64Nano(min(${ts}))`;
const END_NS = `max(toUnixTimestamp64Nano(${ts}) + toInt64(${spans.name('duration_ns')}))`;
/** The trace's root: the span without a parent (the earliest, when a broken trace has several or none). */
const rootOf = (column: string) =>
  `argMin(${spans.name(column)}, (${spans.name('parent_span_id')} != '', ${ts}))`;

/** What every trace-level read selects, so the HAVING conditions below can name these aliases. */
const traceBasics = {
  trace_id: spans.read('trace_id', string),
  start_ns: computed(int64, START_NS),
  trace_duration_ns: computed(int64, `${END_NS} - ${START_NS}`),
  error_count: computed(uint64Number, `countIf(${spans.name('status_code')} = 2)`),
  root_service: computed(string, rootOf('service')),
  root_name: computed(string, rootOf('name')),
};

const traceSummaryQuery = defineQuery('traces.searchTraces', {
  ...traceBasics,
  root_cluster: computed(string, rootOf('cluster')),
  span_count: computed(uint64Number, 'count()'),
  service_count: computed(uint64Number, `uniqExact(${spans.name('service')})`),
  service_names: computed(array(string), `arraySort(groupUniqArray(12)(${spans.name('service')}))`),
});
const tracePointQuery = defineQuery('traces.scatter', traceBasics);

/** One trace as the search lists it. */
interface TraceSummary {
  traceId: string;
  startTimeUnixNano: bigint;
  durationNs: bigint;
  rootService: string;
  rootOperation: string;
  /** The root span's cluster: where the trace view reads it. */
  cluster: string;
  spanCount: number;
  errorCount: number;
  serviceCount: number;
  /** Up to 12 of the trace's services, sorted. */
  services: string[];
}

/** One dot of the scatter. */
interface TracePoint {
  traceId: string;
  startMs: number;
  durationMs: number;
  errors: number;
  root: string;
}

export interface Picked {
  having: string[];
  params: Record<string, unknown>;
}

/** The selection as HAVING conditions on the trace's start and duration; `inside` false for its complement. */
export function selectionCondition(s: TraceSelection, inside: boolean): Picked {
  const sql = `(start_ns BETWEEN {selFrom:Int64} AND {selTo:Int64}
    AND trace_duration_ns BETWEEN {selMin:Int64} AND {selMax:Int64})`;
  return {
    having: [inside ? sql : `NOT ${sql}`],
    params: {
      selFrom: nanosText(s.fromMs),
      selTo: nanosText(s.toMs),
      selMin: nanosText(s.minDurationMs),
      selMax: nanosText(s.maxDurationMs),
    },
  };
}

/**
 * `FROM … GROUP BY trace_id HAVING …` of the traces the search matches: one span matching every span filter
 * (found first, so only those traces are grouped), a whole-trace duration in range, and `extra` conditions.
 */
function tracesMatching(storage: Storage, q: TraceSetQuery, extra: Picked): { sql: string; params: object } {
  const table = storage.qualified(storage.tables.spans);
  const outer = new SearchFilters({ ...q, limit: 0 });
  if (q.traceId !== undefined) outer.add('trace_id = {traceId:String}', { traceId: q.traceId });
  const inner = new SearchFilters({ ...q, limit: 0 });
  if (addSpanConditions(inner, q) > 0)
    outer.add(`trace_id IN (SELECT trace_id FROM ${table} WHERE ${inner.sql})`, inner.params);
  const having = [...extra.having];
  const params: Record<string, unknown> = { ...outer.params, ...extra.params };
  if (q.minDurationMs !== undefined) {
    having.push('trace_duration_ns >= {minTraceDur:Int64}');
    params.minTraceDur = nanosText(q.minDurationMs);
  }
  if (q.maxDurationMs !== undefined) {
    having.push('trace_duration_ns <= {maxTraceDur:Int64}');
    params.maxTraceDur = nanosText(q.maxDurationMs);
  }
  return {
    sql: `FROM ${table} WHERE ${outer.sql} GROUP BY trace_id ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}`,
    params,
  };
}

/** Matching traces, newest first, keyset-paged on (start, trace id). */
export async function searchTraces(
  storage: Storage,
  q: TraceSetQuery & {
    selection?: TraceSelection | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: TraceSummary[]; nextCursor: string | null }> {
  const extra: Picked = q.selection ? selectionCondition(q.selection, true) : { having: [], params: {} };
  if (q.cursor !== undefined) {
    const [start, traceId] = decodeCursor(q.cursor, [nanosPart, hexIdPart]);
    extra.having.push('(start_ns, trace_id) < ({cStart:Int64}, {cTrace:String})');
    extra.params = { ...extra.params, cStart: start, cTrace: traceId };
  }
  const { sql, params } = tracesMatching(storage, q, extra);
  const rows = await readRows(
    storage,
    traceSummaryQuery,
    `${sql} ORDER BY start_ns DESC, trace_id DESC LIMIT {pageRows:UInt32}`,
    { ...params, pageRows: q.limit + 1 },
  );
  const items = rows.slice(0, q.limit).map((r): TraceSummary => ({
    traceId: r.trace_id,
    startTimeUnixNano: r.start_ns,
    durationNs: r.trace_duration_ns,
    rootService: r.root_service,
    rootOperation: r.root_name,
    cluster: r.root_cluster,
    spanCount: r.span_count,
    errorCount: r.error_count,
    serviceCount: r.service_count,
    services: r.service_names,
  }));
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > q.limit && last ? encodeCursor([last.startTimeUnixNano.toString(), last.traceId]) : null,
  };
}

/** The newest `max` traces the search (and `extra`) matches, and whether there were more. */
export async function pickTraces(storage: Storage, q: TraceSetQuery, extra: Picked, max: number) {
  const { sql, params } = tracesMatching(storage, q, extra);
  const rows = await readRows(
    storage,
    tracePointQuery,
    `${sql} ORDER BY start_ns DESC, trace_id DESC LIMIT {pickRows:UInt32}`,
    { ...params, pickRows: max + 1 },
  );
  return { rows: rows.slice(0, max), capped: rows.length > max };
}

const NS_PER_MS = 1_000_000n;

/** The scatter: one point per matching trace (the newest 2,000; `capped` when there were more). */
export async function traceScatter(
  storage: Storage,
  q: TraceSetQuery,
): Promise<{ points: TracePoint[]; capped: boolean; maxPoints: number }> {
  const { rows, capped } = await pickTraces(storage, q, { having: [], params: {} }, SCATTER_MAX_POINTS);
  return {
    points: rows.map((r) => ({
      traceId: r.trace_id,
      startMs: Number(r.start_ns / NS_PER_MS),
      // Microsecond precision is plenty for a dot; Number() of the ns would lose nothing below 104 days.
      durationMs: Number(r.trace_duration_ns / 1000n) / 1000,
      errors: r.error_count,
      root: `${r.root_service}: ${r.root_name}`,
    })),
    capped,
    maxPoints: SCATTER_MAX_POINTS,
  };
}

/** The analysed traces: the selection's when there is one, else every matching trace. */
export async function analysedTraces(
  storage: Storage,
  q: TraceSetQuery & { selection?: TraceSelection | undefined },
) {
  const extra = q.selection ? selectionCondition(q.selection, true) : { having: [], params: {} };
  return pickTraces(storage, q, extra, ANALYTICS_MAX_TRACES);
}

/** `WHERE` of the spans of the picked traces (the range keeps partition pruning). */
export function spansOf(storage: Storage, q: TraceSetQuery, ids: string[]) {
  const f = new SearchFilters({ ...q, limit: 0 }).add('trace_id IN {ids:Array(String)}', { ids });
  return { from: storage.qualified(storage.tables.spans), where: f.sql, params: f.params };
}
