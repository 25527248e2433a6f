/**
 * The traces feature's reads: a trace by id, and span search. Spans are read with the same selection in
 * both, decoded into SpanView.
 */
import type { Storage } from '../../storage/index.ts';
import {
  array,
  attributeList,
  attributeListsSql,
  computed,
  defineQuery,
  int64,
  int64Number,
  readRows,
  streamRowBinary,
  string,
  tableColumns,
  uint32,
  uint64,
  uint64Number,
  uint8,
} from '../../storage/index.ts';
import { storageTables } from '../../storage/index.ts';
import type { BinaryField, RowOf } from '../../storage/index.ts';
import {
  allocateSpanColumns,
  sliceSpanColumns,
  StringDictionary,
  type SpanColumns,
} from '@apo/shared/console';
import { decodeCursor, encodeCursor, hexIdPart, nanosPart } from '../cursor.ts';
import { NotFoundError } from '../domain-errors.ts';
import { SearchFilters } from '../search-filters.ts';
import { addSpanConditions, nanosText, type SpanFilterInput } from './span-filters.ts';
import type { SpanReadLimits, SpanView } from './span-view.ts';

const spans = tableColumns(storageTables.spans);
const traceIndex = tableColumns(storageTables.trace_index);

/** The query parameters `spanSelection` uses. */
export const spanLimitParams = (limits: SpanReadLimits) => ({
  maxEvents: limits.maxSpanEvents,
  maxLinks: limits.maxSpanLinks,
});

/** The first `{max…:UInt32}` elements of a stored array column. */
const firstOf = (column: string, max: 'maxEvents' | 'maxLinks'): string =>
  `arraySlice(${spans.name(column)}, 1, {${max}:UInt32})`;

/** What was cut off an array column, added to the span's own count of dropped ones. */
const droppedWith = (dropped: string, column: string, max: 'maxEvents' | 'maxLinks'): string =>
  `${spans.name(dropped)} + (greatest(length(${spans.name(column)}), {${max}:UInt32}) - {${max}:UInt32})`;

/**
 * Events and links are cut in SQL (arraySlice) so the cut-off part never leaves the engine; what was cut
 * is added to the span's dropped counts, as a sender's own drops are. Aliases differ from column names
 * (defineQuery refuses `arraySlice(event_ts, …) AS event_ts`: ClickHouse would make it refer to itself).
 */
export const spanSelection = {
  trace_id: spans.read('trace_id', string),
  span_id: spans.read('span_id', string),
  parent_span_id: spans.read('parent_span_id', string),
  trace_state: spans.read('trace_state', string),
  flags: spans.read('flags', uint32),
  name: spans.read('name', string),
  kind: spans.read('kind', uint8),
  service: spans.read('service', string),
  service_version: spans.read('service_version', string),
  instance: spans.read('instance', string),
  cluster: spans.read('cluster', string),
  start_ns: computed(int64, `toUnixTimestamp64Nano(${spans.name('ts')})`),
  duration_ns: spans.read('duration_ns', uint64),
  status_code: spans.read('status_code', uint8),
  status_message: spans.read('status_message', string),
  attribute_list: spans.attributes('attributes'),
  resource_list: spans.attributes('resource_attributes'),
  scope_name: spans.read('scope_name', string),
  scope_version: spans.read('scope_version', string),
  event_ns: computed(
    array(int64),
    `arrayMap(x -> toUnixTimestamp64Nano(x), ${firstOf('event_ts', 'maxEvents')})`,
  ),
  event_name_list: computed(array(string), firstOf('event_names', 'maxEvents')),
  event_attribute_lists: computed(
    array(attributeList),
    attributeListsSql(firstOf('event_attributes', 'maxEvents')),
  ),
  link_trace_id_list: computed(array(string), firstOf('link_trace_ids', 'maxLinks')),
  link_span_id_list: computed(array(string), firstOf('link_span_ids', 'maxLinks')),
  link_trace_state_list: computed(array(string), firstOf('link_trace_states', 'maxLinks')),
  link_attribute_lists: computed(
    array(attributeList),
    attributeListsSql(firstOf('link_attributes', 'maxLinks')),
  ),
  dropped_attributes: spans.read('dropped_attributes', uint32),
  dropped_events_n: computed(int64Number, droppedWith('dropped_events', 'event_ts', 'maxEvents')),
  dropped_links_n: computed(int64Number, droppedWith('dropped_links', 'link_trace_ids', 'maxLinks')),
};

type SpanRow = RowOf<typeof spanSelection>;

export function toSpanView(r: SpanRow): SpanView {
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    traceState: r.trace_state,
    flags: r.flags,
    name: r.name,
    kind: r.kind,
    service: r.service,
    serviceVersion: r.service_version,
    instance: r.instance,
    cluster: r.cluster,
    startTimeUnixNano: r.start_ns,
    endTimeUnixNano: r.start_ns + r.duration_ns,
    durationNs: r.duration_ns,
    status: { code: r.status_code, message: r.status_message },
    attributes: r.attribute_list,
    resource: r.resource_list,
    scope: { name: r.scope_name, version: r.scope_version },
    events: r.event_ns.map((t, i) => ({
      timeUnixNano: t,
      name: r.event_name_list[i] ?? '',
      attributes: r.event_attribute_lists[i] ?? [],
    })),
    links: r.link_trace_id_list.map((traceId, i) => ({
      traceId,
      spanId: r.link_span_id_list[i] ?? '',
      traceState: r.link_trace_state_list[i] ?? '',
      attributes: r.link_attribute_lists[i] ?? [],
    })),
    dropped: {
      attributes: r.dropped_attributes,
      events: r.dropped_events_n,
      links: r.dropped_links_n,
    },
  };
}

const traceRangeQuery = defineQuery('traces.byId.range', {
  start_ns: computed(int64, `toUnixTimestamp64Nano(min(${traceIndex.name('start')}))`),
  end_ns: computed(int64, `toUnixTimestamp64Nano(max(${traceIndex.name('end')}))`),
  spans: computed(uint64Number, `sum(${traceIndex.name('span_count')})`),
});
const traceSpansQuery = defineQuery('traces.byId.spans', spanSelection);
const traceSizeQuery = defineQuery('traces.byId.size', { n: computed(uint64Number, 'count()') });
const searchSpansQuery = defineQuery('traces.search', spanSelection);

/** The trace's time range and span count from the small trace index; NotFoundError when it has none. */
export async function traceRange(storage: Storage, traceId: string, cluster: string | undefined) {
  const clusterFilter = cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const [range] = await readRows(
    storage,
    traceRangeQuery,
    `FROM ${storage.qualified(storage.tables.trace_index)} WHERE trace_id = {traceId:String} ${clusterFilter}
     HAVING spans > 0`,
    { traceId, cluster },
  );
  if (!range) throw new NotFoundError(`trace ${traceId} not found`);
  return range;
}

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
  const clusterFilter = cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const range = await traceRange(storage, traceId, cluster);
  const where = `trace_id = {traceId:String} ${clusterFilter}
       AND ts >= fromUnixTimestamp64Nano({start:Int64}) AND ts <= fromUnixTimestamp64Nano({end:Int64})`;
  const params = { traceId, cluster, start: range.start_ns, end: range.end_ns };
  const table = storage.qualified(storage.tables.spans);
  const rows = await readRows(
    storage,
    traceSpansQuery,
    `FROM ${table} WHERE ${where} ORDER BY ts, span_id LIMIT {limit:UInt32}`,
    { ...params, ...spanLimitParams(limits), limit: limits.maxTraceSpans + 1 },
  );
  if (rows.length === 0) throw new NotFoundError(`trace ${traceId} not found`);
  const truncated = rows.length > limits.maxTraceSpans;
  // Counted only when cut: the spans table, not the trace index, so the total is exactly what could be read.
  const totalSpans = truncated
    ? ((await readRows(storage, traceSizeQuery, `FROM ${table} WHERE ${where}`, params))[0]?.n ?? 0)
    : rows.length;
  return {
    traceId,
    spans: rows.slice(0, limits.maxTraceSpans).map(toSpanView),
    totalSpans,
    truncated,
  };
}

/**
 * What the waterfall needs of a span, read as RowBinary (storage/read/row-binary-stream.ts): ids as their 8
 * bytes, start relative to the trace's (`{start:Int64}`).
 */
const spanColumnFields = {
  span_id: { sql: `substring(unhex(${spans.name('span_id')}), 1, 8)`, type: 'FixedString(8)' },
  parent_span_id: { sql: `substring(unhex(${spans.name('parent_span_id')}), 1, 8)`, type: 'FixedString(8)' },
  name: { sql: spans.name('name'), type: 'String' },
  service: { sql: spans.name('service'), type: 'String' },
  start_offset_ns: { sql: `toUnixTimestamp64Nano(${spans.name('ts')}) - {start:Int64}`, type: 'Int64' },
  duration_ns: { sql: spans.name('duration_ns'), type: 'UInt64' },
  status_code: { sql: spans.name('status_code'), type: 'UInt8' },
  kind: { sql: spans.name('kind'), type: 'UInt8' },
} as const satisfies Record<string, BinaryField>;

export interface TraceColumnRead {
  traceId: string;
  /** The earliest start, nanoseconds since the epoch. */
  startNs: bigint;
  totalSpans: number;
  /**
   * Reads every span by start time into batches of `batchRows` columns; `onBatch` gets each batch and the
   * strings it added to the trace's dictionary, and may hold on to neither. Returns the spans read.
   */
  read(
    batchRows: number,
    onBatch: (batch: SpanColumns, newStrings: string[]) => Promise<void>,
  ): Promise<number>;
}

/**
 * A whole trace, however large, as columns: the same two steps as `traceById` (the trace index gives the
 * range; only spans inside it are read), no limit on spans, and only the columns the waterfall draws.
 * Details of one span come from `traceSpan`.
 */
export async function traceColumns(
  storage: Storage,
  traceId: string,
  cluster: string | undefined,
): Promise<TraceColumnRead> {
  const clusterFilter = cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const range = await traceRange(storage, traceId, cluster);
  const read: TraceColumnRead['read'] = async (batchRows, onBatch) => {
    const dict = new StringDictionary();
    let sent = 0;
    let c = allocateSpanColumns(batchRows);
    let n = 0;
    const flush = async () => {
      if (n === 0) return;
      const batch = n === batchRows ? c : sliceSpanColumns(c, n);
      await onBatch(batch, dict.strings.slice(sent));
      sent = dict.strings.length;
      c = allocateSpanColumns(batchRows);
      n = 0;
    };
    const rows = await streamRowBinary(
      storage,
      spanColumnFields,
      `FROM ${storage.qualified(storage.tables.spans)}
       WHERE trace_id = {traceId:String} ${clusterFilter}
         AND ts >= fromUnixTimestamp64Nano({start:Int64}) AND ts <= fromUnixTimestamp64Nano({end:Int64})
       ORDER BY ts`,
      { traceId, cluster, start: range.start_ns, end: range.end_ns },
      (r) => {
        // Fields in declaration order; the row counts only once all are read (a cut row is read again).
        r.fixed8Words(c.spanIds, 2 * n);
        r.fixed8Words(c.parentIds, 2 * n);
        const name = r.string();
        const service = r.string();
        const start = r.int64();
        const duration = r.uint64();
        const status = r.uint8();
        const kind = r.uint8();
        c.name[n] = dict.add(name);
        c.service[n] = dict.add(service);
        c.startNs[n] = start;
        c.durationNs[n] = duration;
        c.status[n] = status;
        c.kind[n] = kind;
        n++;
        return n === batchRows;
      },
      flush,
    );
    await flush();
    return rows;
  };
  return { traceId, startNs: range.start_ns, totalSpans: range.spans, read };
}

/** One span in full (attributes, events, links), for the details panel. */
export async function traceSpan(
  storage: Storage,
  traceId: string,
  spanId: string,
  cluster: string | undefined,
  limits: SpanReadLimits,
): Promise<SpanView> {
  const clusterFilter = cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const range = await traceRange(storage, traceId, cluster);
  const [row] = await readRows(
    storage,
    traceSpansQuery,
    `FROM ${storage.qualified(storage.tables.spans)}
     WHERE trace_id = {traceId:String} AND span_id = {spanId:String} ${clusterFilter}
       AND ts >= fromUnixTimestamp64Nano({start:Int64}) AND ts <= fromUnixTimestamp64Nano({end:Int64})
     LIMIT 1`,
    { traceId, spanId, cluster, start: range.start_ns, end: range.end_ns, ...spanLimitParams(limits) },
  );
  if (!row) throw new NotFoundError(`span ${spanId} of trace ${traceId} not found`);
  return toSpanView(row);
}

export interface TraceSearch extends SpanFilterInput {
  from: number;
  to: number;
  cluster?: string | undefined;
  minDurationMs?: number | undefined;
  maxDurationMs?: number | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * The conditions of a span search, paging aside: `searchSpans` pages through the spans they match, the Jaeger
 * query API (features/jaeger) groups them by trace.
 */
export function spanSearchFilters(q: Omit<TraceSearch, 'cursor'>): SearchFilters {
  const filters = new SearchFilters(q);
  addSpanConditions(filters, q);
  if (q.minDurationMs !== undefined)
    filters.add('duration_ns >= {minDur:UInt64}', { minDur: nanosText(q.minDurationMs) });
  if (q.maxDurationMs !== undefined)
    filters.add('duration_ns <= {maxDur:UInt64}', { maxDur: nanosText(q.maxDurationMs) });
  return filters;
}

/** Matching spans, newest first, keyset-paged on (start time, trace id, span id). */
export async function searchSpans(
  storage: Storage,
  q: TraceSearch,
  limits: SpanReadLimits,
): Promise<{ items: SpanView[]; nextCursor: string | null }> {
  const filters = spanSearchFilters(q);
  if (q.cursor !== undefined) {
    const [ts, traceId, spanId] = decodeCursor(q.cursor, [nanosPart, hexIdPart, hexIdPart]);
    filters.add(
      '(ts, trace_id, span_id) < (fromUnixTimestamp64Nano({cTs:Int64}), {cTrace:String}, {cSpan:String})',
      { cTs: ts, cTrace: traceId, cSpan: spanId },
    );
  }
  const rows = await readRows(
    storage,
    searchSpansQuery,
    `FROM ${storage.qualified(storage.tables.spans)} WHERE ${filters.sql}
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
