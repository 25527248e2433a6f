/**
 * Spans: ORDER BY led by service and operation then time (the shape of every service/endpoint
 * query), typed hot columns for the filters the views use, the rest in maps; a trace id is found
 * through `trace_index` first, then read here within that time range with the bloom filter.
 */
import type { Span } from '@apo/shared/model';
import { supportsProjectionRebuild, type StorageCapabilities } from '../capabilities.ts';
import { dbSystemOf, httpRouteOf, httpStatusOf, peerOf } from '../rows/semantic-columns.ts';
import { defineTable } from './table-def.ts';
import type { ProjectionSpec, TableSettings, WritableColumn } from './table-def.ts';
import { LC, MAP, telemetryColumns } from './telemetry-columns.ts';
import type { TelemetryRow } from './telemetry-columns.ts';

/** The encoder's cursor: mutated in place for each span, so encoding allocates no row objects. */
export interface SpanRow extends TelemetryRow {
  span: Span;
}

const columns: WritableColumn<SpanRow>[] = [
  telemetryColumns.cluster,
  {
    name: 'ts',
    type: 'DateTime64(9)',
    codec: 'Delta, ZSTD(1)',
    write: (w, r) => {
      w.dateTime64Nanos(r.span.startTimeUnixNano);
    },
  },
  {
    name: 'duration_ns',
    type: 'UInt64',
    codec: 'T64, ZSTD(1)',
    write: (w, r) => {
      // A span that ended "before" it started (clock skew, or no end time) has no meaningful duration.
      const d = r.span.endTimeUnixNano - r.span.startTimeUnixNano;
      w.uint64(d > 0n ? d : 0n);
    },
  },
  {
    name: 'trace_id',
    type: 'String',
    write: (w, r) => {
      w.string(r.span.traceId);
    },
  },
  {
    name: 'span_id',
    type: 'String',
    write: (w, r) => {
      w.string(r.span.spanId);
    },
  },
  {
    name: 'parent_span_id',
    type: 'String',
    write: (w, r) => {
      w.string(r.span.parentSpanId);
    },
  },
  {
    name: 'trace_state',
    type: 'String',
    write: (w, r) => {
      w.string(r.span.traceState);
    },
  },
  {
    name: 'flags',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.span.flags);
    },
  },
  telemetryColumns.service,
  telemetryColumns.serviceVersion,
  telemetryColumns.instance,
  {
    name: 'name',
    type: LC,
    write: (w, r) => {
      w.string(r.span.name);
    },
  },
  {
    name: 'kind',
    type: 'UInt8',
    write: (w, r) => {
      w.uint8(r.span.kind);
    },
  },
  {
    name: 'status_code',
    type: 'UInt8',
    write: (w, r) => {
      w.uint8(r.span.status.code);
    },
  },
  {
    name: 'status_message',
    type: 'String',
    write: (w, r) => {
      w.string(r.span.status.message);
    },
  },
  {
    name: 'http_route',
    type: LC,
    write: (w, r) => {
      w.string(httpRouteOf(r.span.attributes));
    },
  },
  {
    name: 'http_status',
    type: 'UInt16',
    write: (w, r) => {
      w.uint16(httpStatusOf(r.span.attributes));
    },
  },
  {
    name: 'db_system',
    type: LC,
    write: (w, r) => {
      w.string(dbSystemOf(r.span.attributes));
    },
  },
  {
    name: 'peer',
    type: LC,
    write: (w, r) => {
      w.string(peerOf(r.span.attributes));
    },
  },
  telemetryColumns.scopeName,
  telemetryColumns.scopeVersion,
  telemetryColumns.resourceAttributes,
  {
    name: 'attributes',
    type: MAP,
    write: (w, r) => {
      w.attributes(r.span.attributes);
    },
  },
  {
    name: 'event_ts',
    type: 'Array(DateTime64(9))',
    write: (w, r) => {
      const events = r.span.events;
      w.varUInt(events.length);
      for (const e of events) w.dateTime64Nanos(e.timeUnixNano);
    },
  },
  {
    name: 'event_names',
    type: 'Array(LowCardinality(String))',
    write: (w, r) => {
      const events = r.span.events;
      w.varUInt(events.length);
      for (const e of events) w.string(e.name);
    },
  },
  {
    name: 'event_attributes',
    type: `Array(${MAP})`,
    write: (w, r) => {
      const events = r.span.events;
      w.varUInt(events.length);
      for (const e of events) w.attributes(e.attributes);
    },
  },
  {
    name: 'link_trace_ids',
    type: 'Array(String)',
    write: (w, r) => {
      const links = r.span.links;
      w.varUInt(links.length);
      for (const l of links) w.string(l.traceId);
    },
  },
  {
    name: 'link_span_ids',
    type: 'Array(String)',
    write: (w, r) => {
      const links = r.span.links;
      w.varUInt(links.length);
      for (const l of links) w.string(l.spanId);
    },
  },
  {
    name: 'link_trace_states',
    type: 'Array(String)',
    write: (w, r) => {
      const links = r.span.links;
      w.varUInt(links.length);
      for (const l of links) w.string(l.traceState);
    },
  },
  {
    name: 'link_attributes',
    type: `Array(${MAP})`,
    write: (w, r) => {
      const links = r.span.links;
      w.varUInt(links.length);
      for (const l of links) w.attributes(l.attributes);
    },
  },
  {
    name: 'dropped_attributes',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.span.droppedAttributesCount);
    },
  },
  {
    name: 'dropped_events',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.span.droppedEventsCount);
    },
  },
  {
    name: 'dropped_links',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.span.droppedLinksCount);
    },
  },
  telemetryColumns.flushId,
];

/**
 * Wider merges than the default 5: each span is rewritten by fewer merge rounds (about log10 rather than
 * log5 of the parts it passes through). Merges were the largest single cost of ingest, ~45 % of the
 * server's CPU per stored span; at 10 they cost ~30 % less (bench/README.md), for a few more parts per
 * partition. Migration 0003 applies it to existing tables.
 */
export const SPANS_MERGE_SELECTOR_BASE = 10;

/**
 * An entry span's endpoint as the RED rollups name it (packages/shared/src/red/span-classification.ts
 * `entryEndpoint`): `METHOD route` for HTTP servers, the destination for consumers, else the span name; ''
 * for spans that are not entries (kinds other than SERVER 2 and CONSUMER 5). Computed on insert into
 * `entry_endpoint`, so the delay source's reads (features/delay/) need not open every span's attribute map.
 */
const ENTRY_ENDPOINT_SQL = `if(kind NOT IN (2, 5), '', multiIf(
  kind = 2 AND http_route != '',
    if(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']) = '', http_route,
       concat(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']), ' ', http_route)),
  kind = 5 AND coalesce(nullIf(attributes['messaging.destination.template'], ''), nullIf(attributes['messaging.destination.name'], ''), '') != '',
    coalesce(nullIf(attributes['messaging.destination.template'], ''), attributes['messaging.destination.name']),
  name))`;

/**
 * Reads of one minute of every service (the topology job's delay-source window,
 * features/delay/delay-queries.ts): the table is sorted by service and operation first, so a minute's rows
 * sit in every (service, operation) run of every part, and the time index can skip little — at ~100 spans/s
 * a one-minute window read most of a part's granules. The projection keeps the few columns such a read
 * needs sorted by time, so it reads about the window's own rows. The price is a second, narrow copy of
 * those columns in each part (bench/README.md has the figures); not the span id, which would double it
 * (random, it barely compresses) — the window read tells its requests apart by row instead.
 */
const SPANS_BY_TIME_PROJECTION = 'spans_by_time';

function spansProjections(capabilities: StorageCapabilities): ProjectionSpec[] {
  // Deleting rows (an interrupted flush's) from a table with projections needs the rebuild mode.
  if (!supportsProjectionRebuild(capabilities)) return [];
  return [
    {
      name: SPANS_BY_TIME_PROJECTION,
      select: 'SELECT cluster, service, trace_id, kind, ts, duration_ns, entry_endpoint ORDER BY ts',
    },
  ];
}

export const spansTable = defineTable<SpanRow>({
  name: 'spans',
  columns,
  engine: 'MergeTree',
  partitionBy: 'toDate(ts)',
  orderBy: '(cluster, service, name, ts)',
  computedColumns: [
    { name: 'entry_endpoint', type: 'LowCardinality(String)', expression: ENTRY_ENDPOINT_SQL },
  ],
  projections: spansProjections,
  ttl: { expression: 'toDateTime(ts)', unit: 'DAY', retention: 'spans' },
  indexes: () => [
    // Rows are sorted by service and operation first, so within a part each (service, operation) run
    // covers a narrow time range: a minmax index on ts lets a trace lookup skip every granule outside the
    // trace's time range before the (costlier) bloom filter is read. Listed first: applied first.
    { name: 'idx_ts', expression: 'ts', type: 'minmax', granularity: 1 },
    { name: 'idx_trace_id', expression: 'trace_id', type: 'bloom_filter(0.001)', granularity: 1 },
  ],
  // Span rows are wide (≈ 1 KB: attribute maps, events): 1,024-row granules make a trace lookup
  // decompress an eighth of what 8,192-row granules cost (median 13 → 9 ms for the span read at 1 M spans).
  settings: (capabilities): TableSettings => ({
    ttl_only_drop_parts: 1,
    index_granularity: 1024,
    ...(capabilities.mergeSelectorBase ? { merge_selector_base: SPANS_MERGE_SELECTOR_BASE } : {}),
    ...(supportsProjectionRebuild(capabilities) ? { lightweight_mutation_projection_mode: "'rebuild'" } : {}),
  }),
  placement: { kind: 'sharded', shardingKey: 'cityHash64(trace_id)' },
});
