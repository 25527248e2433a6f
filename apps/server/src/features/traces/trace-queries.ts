import type { Storage } from '../../storage/index.ts';
import { readRows } from '../read-rows.ts';
import { SearchFilters } from '../search-filters.ts';
import { decodeCursor, encodeCursor, hexIdPart, nanosPart } from '../time-range.ts';
import { NotFoundError } from '../../trpc/errors.ts';
import {
  spanColumns,
  spanLimitParams,
  toSpanView,
  type SpanReadLimits,
  type SpanRow,
  type SpanView,
} from './span-view.ts';

/** What `traces.byId` returns at most: spans per trace, and events and links per span. */
export interface TraceReadLimits extends SpanReadLimits {
  maxTraceSpans: number;
}

export interface TraceView {
  traceId: string;
  /** The trace's first `maxTraceSpans` spans by start time (then span id). */
  spans: SpanView[];
  /** Every span stored for the trace (in the cluster, when one is given). */
  totalSpans: number;
  /** True when `spans` holds fewer than `totalSpans`. */
  truncated: boolean;
}

/**
 * Trace by id in two steps: the small trace index gives the time range, then only the spans' partitions
 * and granules inside it are read (the trace-id bloom filter skips the rest). Never a scan of all spans.
 * The answer is bounded (`limits`): one trace can hold millions of spans, or a span millions of events, and
 * serializing those would take the server minutes and hundreds of MB. A cut trace says so and gives its
 * exact size; paging through a large trace is a later, separate procedure.
 */
export async function traceById(
  storage: Storage,
  traceId: string,
  cluster: string | undefined,
  limits: TraceReadLimits,
): Promise<TraceView> {
  const db = storage.database;
  const clusterFilter = cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const [range] = await readRows<{ start_ns: string; end_ns: string; spans: string }>(
    storage,
    `SELECT toString(toUnixTimestamp64Nano(min(start))) AS start_ns, toString(toUnixTimestamp64Nano(max(end))) AS end_ns,
            sum(span_count) AS spans
     FROM ${db}.trace_index WHERE trace_id = {traceId:String} ${clusterFilter}
     HAVING spans > 0`,
    { traceId, cluster },
  );
  if (!range) throw new NotFoundError(`trace ${traceId} not found`);
  const where = `trace_id = {traceId:String} ${clusterFilter}
       AND ts >= fromUnixTimestamp64Nano({start:Int64}) AND ts <= fromUnixTimestamp64Nano({end:Int64})`;
  const params = { traceId, cluster, start: range.start_ns, end: range.end_ns };
  const rows = await readRows<SpanRow>(
    storage,
    `SELECT ${spanColumns} FROM ${db}.spans WHERE ${where}
     ORDER BY ts, span_id LIMIT {limit:UInt32}`,
    { ...params, ...spanLimitParams(limits), limit: limits.maxTraceSpans + 1 },
  );
  if (rows.length === 0) throw new NotFoundError(`trace ${traceId} not found`);
  const truncated = rows.length > limits.maxTraceSpans;
  // Counted only when cut: the spans table, not the trace index, so the total is exactly what could be read.
  const totalSpans = truncated
    ? Number(
        (
          await readRows<{ n: string }>(
            storage,
            `SELECT count() AS n FROM ${db}.spans WHERE ${where}`,
            params,
          )
        )[0]?.n ?? 0,
      )
    : rows.length;
  return {
    traceId,
    spans: rows.slice(0, limits.maxTraceSpans).map(toSpanView),
    totalSpans,
    truncated,
  };
}

export interface TraceSearch {
  from: number;
  to: number;
  cluster?: string | undefined;
  service?: string | undefined;
  operation?: string | undefined;
  status?: 'unset' | 'ok' | 'error' | undefined;
  minDurationMs?: number | undefined;
  maxDurationMs?: number | undefined;
  attributes?: { key: string; value: string }[] | undefined;
  limit: number;
  cursor?: string | undefined;
}

const statusCodes = { unset: 0, ok: 1, error: 2 } as const;

/** Milliseconds (possibly fractional) as a decimal count of nanoseconds, for a UInt64 parameter. */
const nanosText = (ms: number): string => BigInt(Math.round(ms * 1e6)).toString();

/** Matching spans, newest first, keyset-paged on (start time, trace id, span id). */
export async function searchSpans(
  storage: Storage,
  q: TraceSearch,
  limits: SpanReadLimits,
): Promise<{ items: SpanView[]; nextCursor: string | null }> {
  const filters = new SearchFilters(q)
    .equal('service', 'service', q.service)
    .equal('name', 'operation', q.operation)
    .equal('status_code', 'status', q.status === undefined ? undefined : statusCodes[q.status], 'UInt8');
  if (q.minDurationMs !== undefined)
    filters.add('duration_ns >= {minDur:UInt64}', { minDur: nanosText(q.minDurationMs) });
  if (q.maxDurationMs !== undefined)
    filters.add('duration_ns <= {maxDur:UInt64}', { maxDur: nanosText(q.maxDurationMs) });
  (q.attributes ?? []).forEach((a, i) => {
    filters.add(
      `(attributes[{k${i}:String}] = {v${i}:String} OR resource_attributes[{k${i}:String}] = {v${i}:String})`,
      { [`k${i}`]: a.key, [`v${i}`]: a.value },
    );
  });
  if (q.cursor !== undefined) {
    const [ts, traceId, spanId] = decodeCursor(q.cursor, [nanosPart, hexIdPart, hexIdPart]);
    filters.add(
      '(ts, trace_id, span_id) < (fromUnixTimestamp64Nano({cTs:Int64}), {cTrace:String}, {cSpan:String})',
      { cTs: ts, cTrace: traceId, cSpan: spanId },
    );
  }
  const rows = await readRows<SpanRow>(
    storage,
    `SELECT ${spanColumns} FROM ${storage.database}.spans WHERE ${filters.sql}
     ORDER BY ts DESC, trace_id DESC, span_id DESC LIMIT {limit:UInt32}`,
    { ...filters.params, ...spanLimitParams(limits) },
  );
  const page = rows.slice(0, q.limit).map(toSpanView);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > q.limit && last
      ? encodeCursor([last.startTimeUnixNano.toString(), last.traceId, last.spanId])
      : null;
  return { items: page, nextCursor };
}
