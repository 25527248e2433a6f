/**
 * Decoder for ExportTraceServiceRequest / TracesData (opentelemetry/proto/trace/v1/trace.proto, v1.5+):
 *   TracesData { 1 repeated ResourceSpans resource_spans }
 *   ResourceSpans { 1 Resource resource, 2 repeated ScopeSpans scope_spans, 3 string schema_url }
 *   ScopeSpans { 1 InstrumentationScope scope, 2 repeated Span spans, 3 string schema_url }
 *   Span { 1 bytes trace_id, 2 bytes span_id, 3 string trace_state, 4 bytes parent_span_id, 16 fixed32 flags,
 *          5 string name, 6 SpanKind kind, 7 fixed64 start_time_unix_nano, 8 fixed64 end_time_unix_nano,
 *          9 repeated KeyValue attributes, 10 uint32 dropped_attributes_count, 11 repeated Event events,
 *          12 uint32 dropped_events_count, 13 repeated Link links, 14 uint32 dropped_links_count, 15 Status status }
 *   Event { 1 fixed64 time_unix_nano, 2 string name, 3 repeated KeyValue attributes, 4 uint32 dropped_attributes_count }
 *   Link { 1 bytes trace_id, 2 bytes span_id, 3 string trace_state, 4 repeated KeyValue attributes,
 *          5 uint32 dropped_attributes_count, 6 fixed32 flags }
 *   Status { 2 string message, 3 StatusCode code }
 * Unknown enum values are kept as numbers (lossless re-encoding), though the model types name only known ones.
 */
import type { Span, SpanEvent, SpanKind, SpanLink, StatusCode, TracesData } from '../model/telemetry.ts';
import {
  beginItem,
  droppedPlus,
  droppedTotal,
  endItem,
  newAttributes,
  readAttribute,
} from './common-proto-decoder.ts';
import { item, within } from './decode-failure.ts';
import { readEnvelope } from './envelope-proto-decoder.ts';
import type { DecodeContext } from './decode-failure.ts';
import { WireType, wireTable } from './wire-reader.ts';
import type { WireReader } from './wire-reader.ts';

const { Varint, Fixed64, Delimited, Fixed32 } = WireType;
const SPAN_WIRE = wireTable({
  1: Delimited,
  2: Delimited,
  3: Delimited,
  4: Delimited,
  5: Delimited,
  6: Varint,
  7: Fixed64,
  8: Fixed64,
  9: Delimited,
  10: Varint,
  11: Delimited,
  12: Varint,
  13: Delimited,
  14: Varint,
  15: Delimited,
  16: Fixed32,
});
const EVENT_WIRE = wireTable({ 1: Fixed64, 2: Delimited, 3: Delimited, 4: Varint });
const LINK_WIRE = wireTable({
  1: Delimited,
  2: Delimited,
  3: Delimited,
  4: Delimited,
  5: Varint,
  6: Fixed32,
});
const STATUS_WIRE = wireTable({ 2: Delimited, 3: Varint });

const SPAN_FIELDS = [
  '',
  'traceId',
  'spanId',
  'traceState',
  'parentSpanId',
  'name',
  'kind',
  'startTimeUnixNano',
  'endTimeUnixNano',
  'attributes',
  'droppedAttributesCount',
  'events',
  'droppedEventsCount',
  'links',
  'droppedLinksCount',
  'status',
  'flags',
];
const EVENT_FIELDS = ['', 'timeUnixNano', 'name', 'attributes', 'droppedAttributesCount'];
const LINK_FIELDS = ['', 'traceId', 'spanId', 'traceState', 'attributes', 'droppedAttributesCount', 'flags'];

const TRACE_FIELDS = { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' };

export function readTracesData(r: WireReader, ctx: DecodeContext): TracesData {
  return {
    resourceSpans: readEnvelope(r, ctx, TRACE_FIELDS, readSpan).map(({ resource, scopes, schemaUrl }) => ({
      resource,
      scopeSpans: scopes.map((g) => ({ scope: g.scope, spans: g.items, schemaUrl: g.schemaUrl })),
      schemaUrl,
    })),
  };
}

function readSpan(r: WireReader, end: number, ctx: DecodeContext): Span {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let parentSpanId = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  const attributes = newAttributes();
  let kept = 0;
  let dropped = 0;
  let seen = 0;
  let droppedAttributesCount = 0;
  const events: SpanEvent[] = [];
  let droppedEventsCount = 0;
  const links: SpanLink[] = [];
  let droppedLinksCount = 0;
  let status = { code: 0 as StatusCode, message: '' };
  // Events and links beyond the limits are skipped unread: a span with a million events costs little.
  let cutEvents = 0;
  let cutLinks = 0;
  let field = 0;
  beginItem(ctx, end - r.pos);
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 10:
          traceId = r.traceId(end);
          break;
        case 18:
          spanId = r.spanId(end);
          break;
        case 26:
          traceState = r.string(end);
          break;
        case 34:
          parentSpanId = r.spanId(end);
          break;
        case 42:
          name = r.string(end);
          break;
        case 48:
          kind = r.int32();
          break;
        case 57:
          startTimeUnixNano = r.fixed64();
          break;
        case 65:
          endTimeUnixNano = r.fixed64();
          break;
        case 74: {
          const got = readAttribute(r, end, ctx, attributes, kept);
          if (got < 0) dropped++;
          else kept += got;
          seen++;
          break;
        }
        case 80:
          droppedAttributesCount = r.uint32();
          break;
        case 90:
          if (events.length < ctx.maxEventsPerSpan) events.push(readEvent(r, r.delimited(end), ctx));
          else {
            r.pos = r.delimited(end);
            cutEvents++;
          }
          break;
        case 96:
          droppedEventsCount = r.uint32();
          break;
        case 106:
          if (links.length < ctx.maxLinksPerSpan) links.push(readLink(r, r.delimited(end), ctx));
          else {
            r.pos = r.delimited(end);
            cutLinks++;
          }
          break;
        case 112:
          droppedLinksCount = r.uint32();
          break;
        case 122:
          status = readStatus(r, r.delimited(end), status);
          break;
        case 133:
          flags = r.fixed32();
          break;
        default:
          r.skipUnknown(tag, SPAN_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    const index =
      field === 9
        ? seen
        : field === 11
          ? events.length + cutEvents
          : field === 13
            ? links.length + cutLinks
            : -1;
    const label = SPAN_FIELDS[field] ?? '';
    throw within(error, index >= 0 ? item(label, index) : label);
  }
  endItem(ctx);
  ctx.stats.droppedEvents += cutEvents;
  ctx.stats.droppedLinks += cutLinks;
  return {
    traceId,
    spanId,
    traceState,
    parentSpanId,
    flags,
    name,
    kind: kind as SpanKind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    droppedAttributesCount: droppedTotal(ctx, droppedAttributesCount, dropped),
    events,
    droppedEventsCount: droppedPlus(droppedEventsCount, cutEvents),
    links,
    droppedLinksCount: droppedPlus(droppedLinksCount, cutLinks),
    status,
  };
}

function readEvent(r: WireReader, end: number, ctx: DecodeContext): SpanEvent {
  let timeUnixNano = 0n;
  let name = '';
  const attributes = newAttributes();
  let kept = 0;
  let dropped = 0;
  let seen = 0;
  let droppedAttributesCount = 0;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 26) {
        const got = readAttribute(r, end, ctx, attributes, kept);
        if (got < 0) dropped++;
        else kept += got;
        seen++;
      } else if (tag === 9) timeUnixNano = r.fixed64();
      else if (tag === 18) name = r.string(end);
      else if (tag === 32) droppedAttributesCount = r.uint32();
      else r.skipUnknown(tag, EVENT_WIRE, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 3 ? item('attributes', seen) : (EVENT_FIELDS[field] ?? ''));
  }
  return {
    timeUnixNano,
    name,
    attributes,
    droppedAttributesCount: droppedTotal(ctx, droppedAttributesCount, dropped),
  };
}

function readLink(r: WireReader, end: number, ctx: DecodeContext): SpanLink {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  const attributes = newAttributes();
  let kept = 0;
  let dropped = 0;
  let seen = 0;
  let droppedAttributesCount = 0;
  let flags = 0;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 10:
          traceId = r.traceId(end);
          break;
        case 18:
          spanId = r.spanId(end);
          break;
        case 26:
          traceState = r.string(end);
          break;
        case 34: {
          const got = readAttribute(r, end, ctx, attributes, kept);
          if (got < 0) dropped++;
          else kept += got;
          seen++;
          break;
        }
        case 40:
          droppedAttributesCount = r.uint32();
          break;
        case 53:
          flags = r.fixed32();
          break;
        default:
          r.skipUnknown(tag, LINK_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 4 ? item('attributes', seen) : (LINK_FIELDS[field] ?? ''));
  }
  return {
    traceId,
    spanId,
    traceState,
    attributes,
    droppedAttributesCount: droppedTotal(ctx, droppedAttributesCount, dropped),
    flags,
  };
}

function readStatus(r: WireReader, end: number, into: Span['status']): Span['status'] {
  let { code, message } = into;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 24) code = r.int32() as StatusCode;
      else if (tag === 18) message = r.string(end);
      else r.skipUnknown(tag, STATUS_WIRE, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 2 ? 'message' : field === 3 ? 'code' : '');
  }
  return { code, message };
}
