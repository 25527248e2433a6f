import type { AttributeList } from '@apo/shared/model';
import { attributeList, attributeLists } from '../read-rows.ts';

/**
 * A stored span as the API returns it. Times are nanoseconds since the epoch as bigint (exact). Attribute
 * maps are `[key, value]` lists (AttributeList): keys are user data and must never become object keys.
 */
export interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: number;
  service: string;
  serviceVersion: string;
  instance: string;
  cluster: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  durationNs: bigint;
  status: { code: number; message: string };
  attributes: AttributeList;
  resource: AttributeList;
  scope: { name: string; version: string };
  /** The first `maxSpanEvents` events; the rest are counted in `dropped.events`. */
  events: { timeUnixNano: bigint; name: string; attributes: AttributeList }[];
  /** The first `maxSpanLinks` links; the rest are counted in `dropped.links`. */
  links: { traceId: string; spanId: string; traceState: string; attributes: AttributeList }[];
  dropped: { attributes: number; events: number; links: number };
}

/**
 * How much of each span a read returns. One stored span may hold millions of events (nothing bounded them
 * at ingest before), and an answer must stay small enough to serialize without stalling the server.
 */
export interface SpanReadLimits {
  maxSpanEvents: number;
  maxSpanLinks: number;
}

/** The query parameters `spanColumns` uses. */
export const spanLimitParams = (limits: SpanReadLimits) => ({
  maxEvents: limits.maxSpanEvents,
  maxLinks: limits.maxSpanLinks,
});

/**
 * Events and links are cut in SQL (arraySlice) so the cut-off part never leaves the engine; what was cut
 * is added to the span's dropped counts, as a sender's own drops are. Aliases differ from column names:
 * ClickHouse substitutes aliases everywhere, so `arraySlice(event_ts, …) AS event_ts` would refer to itself.
 */
export const spanColumns = `
  trace_id, span_id, parent_span_id, trace_state, flags, name, kind, service, service_version, instance, cluster,
  toString(toUnixTimestamp64Nano(ts)) AS start_ns, toString(duration_ns) AS dur_ns, status_code, status_message,
  ${attributeList('attributes')} AS attribute_list, ${attributeList('resource_attributes')} AS resource_list,
  scope_name, scope_version,
  arrayMap(x -> toString(toUnixTimestamp64Nano(x)), arraySlice(event_ts, 1, {maxEvents:UInt32})) AS event_ns,
  arraySlice(event_names, 1, {maxEvents:UInt32}) AS event_name_list,
  ${attributeLists('arraySlice(event_attributes, 1, {maxEvents:UInt32})')} AS event_attribute_lists,
  arraySlice(link_trace_ids, 1, {maxLinks:UInt32}) AS link_trace_id_list,
  arraySlice(link_span_ids, 1, {maxLinks:UInt32}) AS link_span_id_list,
  arraySlice(link_trace_states, 1, {maxLinks:UInt32}) AS link_trace_state_list,
  ${attributeLists('arraySlice(link_attributes, 1, {maxLinks:UInt32})')} AS link_attribute_lists,
  dropped_attributes,
  toString(dropped_events + (greatest(length(event_ts), {maxEvents:UInt32}) - {maxEvents:UInt32})) AS dropped_events_n,
  toString(dropped_links + (greatest(length(link_trace_ids), {maxLinks:UInt32}) - {maxLinks:UInt32})) AS dropped_links_n`;

export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string;
  trace_state: string;
  flags: number;
  name: string;
  kind: number;
  service: string;
  service_version: string;
  instance: string;
  cluster: string;
  start_ns: string;
  dur_ns: string;
  status_code: number;
  status_message: string;
  attribute_list: AttributeList;
  resource_list: AttributeList;
  scope_name: string;
  scope_version: string;
  event_ns: string[];
  event_name_list: string[];
  event_attribute_lists: AttributeList[];
  link_trace_id_list: string[];
  link_span_id_list: string[];
  link_trace_state_list: string[];
  link_attribute_lists: AttributeList[];
  dropped_attributes: number;
  dropped_events_n: string;
  dropped_links_n: string;
}

export function toSpanView(r: SpanRow): SpanView {
  const start = BigInt(r.start_ns);
  const duration = BigInt(r.dur_ns);
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
    startTimeUnixNano: start,
    endTimeUnixNano: start + duration,
    durationNs: duration,
    status: { code: r.status_code, message: r.status_message },
    attributes: r.attribute_list,
    resource: r.resource_list,
    scope: { name: r.scope_name, version: r.scope_version },
    events: r.event_ns.map((t, i) => ({
      timeUnixNano: BigInt(t),
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
      events: Number(r.dropped_events_n),
      links: Number(r.dropped_links_n),
    },
  };
}
