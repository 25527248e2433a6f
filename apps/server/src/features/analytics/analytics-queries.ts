/**
 * Reads over many traces: the trace search (one row per trace), the duration-over-time scatter, and the
 * analytics of a set of traces (error origins, latency breakdown, attribute comparison).
 *
 * A trace is the spans of one trace id inside the time range: its start is their first start, its duration
 * runs to their last end. Every read first picks its traces (`pickTraces`: the search's filters, newest first,
 * at most a bound), then reads only those traces' spans, so one request never reads more than the bound and
 * says when it was cut.
 */
import type { AttributeShare, ErrorOrigin, LatencyShare, TraceSample } from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import {
  array,
  computed,
  defineQuery,
  float64,
  int64,
  int64Number,
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

interface Picked {
  having: string[];
  params: Record<string, unknown>;
}

/** The selection as HAVING conditions on the trace's start and duration; `inside` false for its complement. */
function selectionCondition(s: TraceSelection, inside: boolean): Picked {
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
async function pickTraces(storage: Storage, q: TraceSetQuery, extra: Picked, max: number) {
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
async function analysedTraces(
  storage: Storage,
  q: TraceSetQuery & { selection?: TraceSelection | undefined },
) {
  const extra = q.selection ? selectionCondition(q.selection, true) : { having: [], params: {} };
  return pickTraces(storage, q, extra, ANALYTICS_MAX_TRACES);
}

/** `WHERE` of the spans of the picked traces (the range keeps partition pruning). */
function spansOf(storage: Storage, q: TraceSetQuery, ids: string[]) {
  const f = new SearchFilters({ ...q, limit: 0 }).add('trace_id IN {ids:Array(String)}', { ids });
  return { from: storage.qualified(storage.tables.spans), where: f.sql, params: f.params };
}

/**
 * The exception type of a failed span: its first `exception` event's `exception.type`, else the span's own
 * `exception.type` or `error.type` attribute (newer semantic conventions put it there), else ''.
 */
const EXCEPTION_TYPE = `arrayFirst(x -> x != '', [
  arrayFirst((m, n) -> n = 'exception', ${spans.name('event_attributes')}, ${spans.name('event_names')})['exception.type'],
  ${spans.name('attributes')}['exception.type'],
  ${spans.name('attributes')}['error.type']])`;

const errorOriginsQuery = defineQuery('traces.analytics.errorOrigins', {
  service: computed(string, 'service'),
  operation: computed(string, 'name'),
  exception_type: computed(string, 'exception_type'),
  trace_count: computed(uint64Number, 'uniqExact(trace_id)'),
  span_count: computed(uint64Number, 'count()'),
  example_trace_id: computed(string, 'any(trace_id)'),
  example_message: computed(string, "anyIf(status_message, status_message != '')"),
});

/**
 * Where errors start: each failed span none of whose children failed (the deepest error on its path — the
 * spans above it only passed the failure on), grouped by service, operation and exception type, most
 * traces first.
 */
export async function errorOrigins(
  storage: Storage,
  q: TraceSetQuery & { selection?: TraceSelection | undefined },
): Promise<TraceSample & { errorTraces: number; origins: ErrorOrigin[] }> {
  const picked = await analysedTraces(storage, q);
  const ids = picked.rows.map((r) => r.trace_id);
  const sample = { traces: ids.length, capped: picked.capped, maxTraces: ANALYTICS_MAX_TRACES };
  const errorTraces = picked.rows.filter((r) => r.error_count > 0).length;
  if (errorTraces === 0) return { ...sample, errorTraces, origins: [] };
  const s = spansOf(storage, q, ids);
  const rows = await readRows(
    storage,
    errorOriginsQuery,
    `FROM (
       SELECT trace_id, service, name, status_message, ${EXCEPTION_TYPE} AS exception_type
       FROM ${s.from}
       WHERE ${s.where} AND status_code = 2
         AND (trace_id, span_id) NOT IN
           (SELECT trace_id, parent_span_id FROM ${s.from} WHERE ${s.where} AND status_code = 2)
     )
     GROUP BY service, name, exception_type
     ORDER BY trace_count DESC, span_count DESC, service, name, exception_type
     LIMIT 25`,
    s.params,
  );
  return {
    ...sample,
    errorTraces,
    origins: rows.map((r) => ({
      service: r.service,
      operation: r.operation,
      exceptionType: r.exception_type,
      traces: r.trace_count,
      spans: r.span_count,
      exampleTraceId: r.example_trace_id,
      message: r.example_message,
    })),
  };
}

const latencyQuery = defineQuery('traces.analytics.latencyBreakdown', {
  service: computed(string, 'service'),
  operation: computed(string, 'name'),
  span_count: computed(uint64Number, 'count()'),
  trace_count: computed(uint64Number, 'uniqExact(trace_id)'),
  self_total_ns: computed(int64Number, 'toInt64(sum(own_ns))'),
  duration_total_ns: computed(int64Number, 'toInt64(sum(span_ns))'),
  all_self_ns: computed(int64Number, 'toInt64(sum(sum(own_ns)) OVER ())'),
});

/**
 * Where the time goes: per service and operation, the self time (a span's duration minus its children's,
 * never below zero — children running in parallel can add up to more than their parent) and its share of
 * all self time in the traces.
 */
export async function latencyBreakdown(
  storage: Storage,
  q: TraceSetQuery & { selection?: TraceSelection | undefined },
): Promise<TraceSample & { operations: LatencyShare[] }> {
  const picked = await analysedTraces(storage, q);
  const ids = picked.rows.map((r) => r.trace_id);
  const sample = { traces: ids.length, capped: picked.capped, maxTraces: ANALYTICS_MAX_TRACES };
  if (ids.length === 0) return { ...sample, operations: [] };
  const s = spansOf(storage, q, ids);
  const rows = await readRows(
    storage,
    latencyQuery,
    `FROM (
       SELECT s.trace_id AS trace_id, s.service AS service, s.name AS name, s.duration_ns AS span_ns,
              greatest(toInt64(s.duration_ns) - toInt64(c.child_ns), 0) AS own_ns
       FROM (SELECT trace_id, span_id, service, name, duration_ns FROM ${s.from} WHERE ${s.where}) AS s
       LEFT JOIN (
         SELECT trace_id, parent_span_id, sum(duration_ns) AS child_ns
         FROM ${s.from} WHERE ${s.where} GROUP BY trace_id, parent_span_id
       ) AS c ON s.trace_id = c.trace_id AND s.span_id = c.parent_span_id
     )
     GROUP BY service, name
     ORDER BY self_total_ns DESC, service, name
     LIMIT 30`,
    s.params,
  );
  return {
    ...sample,
    operations: rows.map((r) => ({
      service: r.service,
      operation: r.operation,
      spans: r.span_count,
      traces: r.trace_count,
      selfNs: r.self_total_ns,
      durationNs: r.duration_total_ns,
      share: r.all_self_ns > 0 ? r.self_total_ns / r.all_self_ns : 0,
    })),
  };
}

const comparisonQuery = defineQuery('traces.analytics.attributeComparison', {
  key: computed(string, 'attr_key'),
  value: computed(string, 'attr_value'),
  group_traces: computed(uint64Number, 'countIf(trace_id IN {group:Array(String)})'),
  baseline_traces: computed(uint64Number, 'countIf(trace_id IN {baseline:Array(String)})'),
  difference: computed(
    float64,
    'toFloat64(countIf(trace_id IN {group:Array(String)}) / {groupSize:UInt32} - countIf(trace_id IN {baseline:Array(String)}) / {baselineSize:UInt32})',
  ),
});

/**
 * What sets the selected traces apart: attribute values (span and resource) whose share of traces is
 * higher in the group than in the baseline, ranked by the difference. The group is the scatter selection
 * (baseline: the same search outside it) or, without one, the traces with an error (baseline: without).
 */
export async function attributeComparison(
  storage: Storage,
  q: TraceSetQuery & { selection?: TraceSelection | undefined },
): Promise<{
  group: 'selection' | 'errors';
  groupSample: TraceSample;
  baselineSample: TraceSample;
  attributes: AttributeShare[];
}> {
  const errors = (n: '> 0' | '= 0'): Picked => ({ having: [`error_count ${n}`], params: {} });
  const [group, baseline] = await Promise.all([
    pickTraces(
      storage,
      q,
      q.selection ? selectionCondition(q.selection, true) : errors('> 0'),
      ANALYTICS_MAX_TRACES,
    ),
    pickTraces(
      storage,
      q,
      q.selection ? selectionCondition(q.selection, false) : errors('= 0'),
      ANALYTICS_MAX_TRACES,
    ),
  ]);
  const sampleOf = (p: typeof group): TraceSample => ({
    traces: p.rows.length,
    capped: p.capped,
    maxTraces: ANALYTICS_MAX_TRACES,
  });
  const answer = {
    group: q.selection ? ('selection' as const) : ('errors' as const),
    groupSample: sampleOf(group),
    baselineSample: sampleOf(baseline),
  };
  const groupIds = group.rows.map((r) => r.trace_id);
  const baselineIds = baseline.rows.map((r) => r.trace_id);
  if (groupIds.length === 0) return { ...answer, attributes: [] };
  const s = spansOf(storage, q, [...groupIds, ...baselineIds]);
  const pairs = `arrayConcat(CAST(${spans.name('attributes')}, 'Array(Tuple(String, String))'),
    CAST(${spans.name('resource_attributes')}, 'Array(Tuple(String, String))'))`;
  const rows = await readRows(
    storage,
    comparisonQuery,
    // One row per trace and attribute value (DISTINCT), so a count of rows is a count of traces.
    `FROM (
       SELECT DISTINCT trace_id, kv.1 AS attr_key, substring(kv.2, 1, 256) AS attr_value
       FROM ${s.from} ARRAY JOIN ${pairs} AS kv
       WHERE ${s.where}
     )
     GROUP BY attr_key, attr_value
     HAVING difference > 0
     ORDER BY difference DESC, group_traces DESC, attr_key, attr_value
     LIMIT 25`,
    {
      ...s.params,
      group: groupIds,
      baseline: baselineIds,
      // An empty baseline counts as one trace, so shares stay finite (its counts are all 0).
      groupSize: groupIds.length,
      baselineSize: Math.max(1, baselineIds.length),
    },
  );
  return {
    ...answer,
    attributes: rows.map((r) => ({
      key: r.key,
      value: r.value,
      groupTraces: r.group_traces,
      baselineTraces: r.baseline_traces,
      groupShare: r.group_traces / groupIds.length,
      baselineShare: baselineIds.length === 0 ? 0 : r.baseline_traces / baselineIds.length,
      difference: r.difference,
    })),
  };
}
