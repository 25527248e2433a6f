/** A stored span as the API returns it. Times are nanoseconds since the epoch as bigint (exact). */
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
  attributes: Record<string, string>;
  resource: Record<string, string>;
  scope: { name: string; version: string };
  events: { timeUnixNano: bigint; name: string; attributes: Record<string, string> }[];
  links: { traceId: string; spanId: string; traceState: string; attributes: Record<string, string> }[];
  dropped: { attributes: number; events: number; links: number };
}

export const spanColumns = `
  trace_id, span_id, parent_span_id, trace_state, flags, name, kind, service, service_version, instance, cluster,
  toString(toUnixTimestamp64Nano(ts)) AS start_ns, toString(duration_ns) AS dur_ns, status_code, status_message,
  attributes, resource_attributes, scope_name, scope_version,
  arrayMap(x -> toString(toUnixTimestamp64Nano(x)), event_ts) AS event_ns, event_names, event_attributes,
  link_trace_ids, link_span_ids, link_trace_states, link_attributes,
  dropped_attributes, dropped_events, dropped_links`;

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
  attributes: Record<string, string>;
  resource_attributes: Record<string, string>;
  scope_name: string;
  scope_version: string;
  event_ns: string[];
  event_names: string[];
  event_attributes: Record<string, string>[];
  link_trace_ids: string[];
  link_span_ids: string[];
  link_trace_states: string[];
  link_attributes: Record<string, string>[];
  dropped_attributes: number;
  dropped_events: number;
  dropped_links: number;
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
    attributes: r.attributes,
    resource: r.resource_attributes,
    scope: { name: r.scope_name, version: r.scope_version },
    events: r.event_ns.map((t, i) => ({
      timeUnixNano: BigInt(t),
      name: r.event_names[i] ?? '',
      attributes: r.event_attributes[i] ?? {},
    })),
    links: r.link_trace_ids.map((traceId, i) => ({
      traceId,
      spanId: r.link_span_ids[i] ?? '',
      traceState: r.link_trace_states[i] ?? '',
      attributes: r.link_attributes[i] ?? {},
    })),
    dropped: {
      attributes: r.dropped_attributes,
      events: r.dropped_events,
      links: r.dropped_links,
    },
  };
}
