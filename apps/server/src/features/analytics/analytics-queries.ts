/**
 * The analytics of a set of traces (error origins, latency breakdown, attribute comparison): each picks its
 * traces first (trace-search-queries.ts `analysedTraces`: the search's filters or a scatter selection, at
 * most a bound), then reads only those traces' spans.
 */
import type { AttributeShare, ErrorOrigin, LatencyShare, TraceSample } from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import {
  computed,
  defineQuery,
  float64,
  int64Number,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint64Number,
} from '../../storage/index.ts';
import {
  analysedTraces,
  pickTraces,
  selectionCondition,
  spansOf,
  type Picked,
} from './trace-search-queries.ts';
import { ANALYTICS_MAX_TRACES, type TraceSelection, type TraceSetQuery } from './trace-set.ts';

const spans = tableColumns(storageTables.spans);

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
