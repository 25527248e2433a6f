/**
 * The Jaeger query API's reads. Span conditions are the trace search's own (traces/trace-queries.ts
 * `spanSearchFilters`) and spans are selected and decoded as every trace read does (`spanSelection`); what
 * is Jaeger's own is grouping matches by trace, the service and operation lists, and reading many traces in
 * one statement.
 */
import type { Storage } from '../../storage/index.ts';
import { computed, defineQuery, int64, readRows, string, uint64Number, uint8 } from '../../storage/index.ts';
import {
  spanLimitParams,
  spanSearchFilters,
  spanSelection,
  toSpanView,
  type TraceReadLimits,
  type TraceView,
} from '../traces/trace-queries.ts';
import type { SpanView } from '../traces/span-view.ts';
import { spansPerTrace } from './jaeger-model.ts';
import type { JaegerSearch } from './jaeger-params.ts';

/** Names listed at most: a list longer than this is not something a picker can show. */
const MAX_NAMES = 10_000;

const servicesQuery = defineQuery('jaeger.services', { service: computed(string, 'service') });

/** Every service with spans still stored (the spans' retention), by name. */
export async function jaegerServices(storage: Storage): Promise<string[]> {
  const rows = await readRows(
    storage,
    servicesQuery,
    `FROM ${storage.qualified(storage.tables.spans)} GROUP BY service ORDER BY service LIMIT {max:UInt32}`,
    { max: MAX_NAMES },
  );
  return rows.map((r) => r.service);
}

const operationsQuery = defineQuery('jaeger.operations', {
  name: computed(string, 'name'),
  kind: computed(uint8, 'kind'),
});

/** A service's operations with the kinds of span they were seen as, by name (the `kind` filter when given). */
export async function jaegerOperations(
  storage: Storage,
  service: string,
  kind: number | undefined,
): Promise<{ name: string; kind: number }[]> {
  const kindFilter = kind === undefined ? '' : 'AND kind = {kind:UInt8}';
  return readRows(
    storage,
    operationsQuery,
    `FROM ${storage.qualified(storage.tables.spans)} WHERE service = {service:String} ${kindFilter}
     GROUP BY name, kind ORDER BY name, kind LIMIT {max:UInt32}`,
    { service, kind, max: MAX_NAMES },
  );
}

const traceIdsQuery = defineQuery('jaeger.traceIds', {
  trace_id: computed(string, 'trace_id'),
  last_ns: computed(int64, 'toUnixTimestamp64Nano(max(ts))'),
});

/** The traces with a span matching the search, latest match first, at most `limit`. */
export async function matchingTraceIds(storage: Storage, q: JaegerSearch): Promise<string[]> {
  const filters = spanSearchFilters(q).equal('kind', 'kind', q.kind, 'UInt8');
  if (q.notFailed) filters.add('status_code != 2');
  const rows = await readRows(
    storage,
    traceIdsQuery,
    `FROM ${storage.qualified(storage.tables.spans)} WHERE ${filters.sql}
     GROUP BY trace_id ORDER BY last_ns DESC, trace_id DESC LIMIT {traces:UInt32}`,
    { ...filters.params, traces: q.limit },
  );
  return rows.map((r) => r.trace_id);
}

const traceRangesQuery = defineQuery('jaeger.traceRanges', {
  trace_id: computed(string, 'trace_id'),
  start_ns: computed(int64, 'toUnixTimestamp64Nano(min(start))'),
  end_ns: computed(int64, 'toUnixTimestamp64Nano(max(`end`))'),
  span_total: computed(uint64Number, 'sum(span_count)'),
});
const traceSpansQuery = defineQuery('jaeger.traceSpans', spanSelection);

/**
 * Several traces by id in two statements, as `traceById` reads one: the trace index gives each trace's range
 * and size, then one read of the spans inside the ranges. All of them together bring at most
 * `maxTraceSpans` spans: the largest traces are cut to share that bound (spansPerTrace), earliest spans
 * first, and say so. Traces not stored are left out; the answer keeps the order of `traceIds`.
 */
export async function jaegerTraces(
  storage: Storage,
  traceIds: readonly string[],
  limits: TraceReadLimits,
): Promise<TraceView[]> {
  if (traceIds.length === 0) return [];
  const ranges = await readRows(
    storage,
    traceRangesQuery,
    `FROM ${storage.qualified(storage.tables.trace_index)} WHERE trace_id IN {ids:Array(String)}
     GROUP BY trace_id HAVING span_total > 0`,
    { ids: traceIds },
  );
  if (ranges.length === 0) return [];
  const perTrace = spansPerTrace(
    ranges.map((r) => r.span_total),
    limits.maxTraceSpans,
  );
  const start = ranges.reduce((min, r) => (r.start_ns < min ? r.start_ns : min), ranges[0]?.start_ns ?? 0n);
  const end = ranges.reduce((max, r) => (r.end_ns > max ? r.end_ns : max), 0n);
  const rows = await readRows(
    storage,
    traceSpansQuery,
    `FROM ${storage.qualified(storage.tables.spans)}
     WHERE trace_id IN {ids:Array(String)}
       AND ts >= fromUnixTimestamp64Nano({start:Int64}) AND ts <= fromUnixTimestamp64Nano({end:Int64})
     ORDER BY trace_id, ts, span_id LIMIT {perTrace:UInt32} BY trace_id`,
    { ids: ranges.map((r) => r.trace_id), start, end, perTrace, ...spanLimitParams(limits) },
  );
  const byTrace = new Map<string, SpanView[]>();
  for (const row of rows) {
    const spans = byTrace.get(row.trace_id) ?? [];
    if (spans.length === 0) byTrace.set(row.trace_id, spans);
    spans.push(toSpanView(row));
  }
  const totals = new Map(ranges.map((r) => [r.trace_id, r.span_total]));
  return traceIds.flatMap((traceId) => {
    const spans = byTrace.get(traceId);
    if (spans === undefined) return [];
    // The index may still count spans their table's TTL has dropped: only the cap cuts a trace.
    const truncated = spans.length >= perTrace && (totals.get(traceId) ?? 0) > spans.length;
    return [{ traceId, spans, totalSpans: truncated ? (totals.get(traceId) ?? 0) : spans.length, truncated }];
  });
}
