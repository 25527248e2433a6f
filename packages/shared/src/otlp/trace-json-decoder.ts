/** OTLP/JSON decoder for ExportTraceServiceRequest (field names as in trace.proto, lowerCamelCase or snake_case). */
import type {
  ResourceSpans,
  ScopeSpans,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  StatusCode,
  TracesData,
} from '../model/telemetry.ts';
import {
  messageField,
  readItemJson,
  readResourceJson,
  readScopeJson,
  recordAttributesJson,
} from './common-json-decoder.ts';
import { droppedPlus } from './common-proto-decoder.ts';
import type { DecodeContext } from './decode-failure.ts';
import {
  asObject,
  enumField,
  idField,
  listField,
  listLength,
  stringField,
  uint32Field,
  uint64Field,
} from './json-fields.ts';
import type { JsonObject } from './json-fields.ts';

const SPAN_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODES: Record<string, number> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

export function readTracesJson(root: unknown, ctx: DecodeContext): TracesData {
  return {
    resourceSpans: listField(asObject(root), 'resourceSpans', 'resource_spans', (o) =>
      readResourceSpans(o, ctx),
    ),
  };
}

function readResourceSpans(o: JsonObject, ctx: DecodeContext): ResourceSpans {
  return {
    resource: messageField(o, 'resource', 'resource', (m) => readResourceJson(m, ctx)),
    scopeSpans: listField(o, 'scopeSpans', 'scope_spans', (s) => readScopeSpans(s, ctx)),
    schemaUrl: stringField(o, 'schemaUrl', 'schema_url'),
  };
}

function readScopeSpans(o: JsonObject, ctx: DecodeContext): ScopeSpans {
  return {
    scope: messageField(o, 'scope', 'scope', (m) => readScopeJson(m, ctx)),
    spans: listField(o, 'spans', 'spans', (s) => readItemJson(s, ctx, readSpan)),
    schemaUrl: stringField(o, 'schemaUrl', 'schema_url'),
  };
}

function readSpan(o: JsonObject, ctx: DecodeContext): Span {
  const [attributes, droppedAttributesCount] = recordAttributesJson(o, 'attributes', 'attributes', ctx);
  const events = listField(o, 'events', 'events', (e) => readEvent(e, ctx), ctx.maxEventsPerSpan);
  const cutEvents =
    events.length === ctx.maxEventsPerSpan ? listLength(o, 'events', 'events') - events.length : 0;
  const links = listField(o, 'links', 'links', (l) => readLink(l, ctx), ctx.maxLinksPerSpan);
  const cutLinks = links.length === ctx.maxLinksPerSpan ? listLength(o, 'links', 'links') - links.length : 0;
  ctx.stats.droppedEvents += cutEvents;
  ctx.stats.droppedLinks += cutLinks;
  return {
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    traceState: stringField(o, 'traceState', 'trace_state'),
    parentSpanId: idField(o, 'parentSpanId', 'parent_span_id', 8),
    flags: uint32Field(o, 'flags', 'flags'),
    name: stringField(o, 'name', 'name'),
    kind: enumField(o, 'kind', 'kind', SPAN_KINDS) as SpanKind,
    startTimeUnixNano: uint64Field(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    endTimeUnixNano: uint64Field(o, 'endTimeUnixNano', 'end_time_unix_nano'),
    attributes,
    droppedAttributesCount,
    events,
    droppedEventsCount: droppedPlus(uint32Field(o, 'droppedEventsCount', 'dropped_events_count'), cutEvents),
    links,
    droppedLinksCount: droppedPlus(uint32Field(o, 'droppedLinksCount', 'dropped_links_count'), cutLinks),
    status: messageField(o, 'status', 'status', readStatus),
  };
}

function readEvent(o: JsonObject, ctx: DecodeContext): SpanEvent {
  const [attributes, droppedAttributesCount] = recordAttributesJson(o, 'attributes', 'attributes', ctx);
  return {
    timeUnixNano: uint64Field(o, 'timeUnixNano', 'time_unix_nano'),
    name: stringField(o, 'name', 'name'),
    attributes,
    droppedAttributesCount,
  };
}

function readLink(o: JsonObject, ctx: DecodeContext): SpanLink {
  const [attributes, droppedAttributesCount] = recordAttributesJson(o, 'attributes', 'attributes', ctx);
  return {
    traceId: idField(o, 'traceId', 'trace_id', 16),
    spanId: idField(o, 'spanId', 'span_id', 8),
    traceState: stringField(o, 'traceState', 'trace_state'),
    attributes,
    droppedAttributesCount,
    flags: uint32Field(o, 'flags', 'flags'),
  };
}

function readStatus(o: JsonObject | undefined): Span['status'] {
  if (o === undefined) return { code: 0, message: '' };
  return {
    code: enumField(o, 'code', 'code', STATUS_CODES) as StatusCode,
    message: stringField(o, 'message', 'message'),
  };
}
