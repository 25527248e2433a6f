/** Encoder for ExportTraceServiceRequest / TracesData (field numbers in trace-proto-decoder.ts). */
import type { ScopeSpans, ResourceSpans, Span, SpanEvent, SpanLink, TracesData } from '../model/telemetry.ts';
import {
  writeFixed32,
  writeFixed64,
  writeInt32,
  writeKeyValues,
  writeMessage,
  writeResource,
  writeScope,
  writeString,
  writeUint32,
} from './common-proto-encoder.ts';
import { encodeWith } from './wire-writer.ts';
import type { WireWriter } from './wire-writer.ts';

export function encodeTracesProto(data: TracesData): Uint8Array {
  return encodeWith((w) => {
    for (const resourceSpans of data.resourceSpans) {
      w.uint32(10);
      const mark = w.begin();
      writeResourceSpans(w, resourceSpans);
      w.end(mark);
    }
  });
}

function writeResourceSpans(w: WireWriter, resourceSpans: ResourceSpans): void {
  writeMessage(w, 10, resourceSpans.resource, writeResource);
  for (const scopeSpans of resourceSpans.scopeSpans) {
    w.uint32(18);
    const mark = w.begin();
    writeScopeSpans(w, scopeSpans);
    w.end(mark);
  }
  writeString(w, 26, resourceSpans.schemaUrl);
}

function writeScopeSpans(w: WireWriter, scopeSpans: ScopeSpans): void {
  writeMessage(w, 10, scopeSpans.scope, writeScope);
  for (const span of scopeSpans.spans) {
    w.uint32(18);
    const mark = w.begin();
    writeSpan(w, span);
    w.end(mark);
  }
  writeString(w, 26, scopeSpans.schemaUrl);
}

function writeSpan(w: WireWriter, span: Span): void {
  w.id(10, span.traceId, 16, 'traceId');
  w.id(18, span.spanId, 8, 'spanId');
  writeString(w, 26, span.traceState);
  w.id(34, span.parentSpanId, 8, 'parentSpanId');
  writeString(w, 42, span.name);
  writeInt32(w, 48, span.kind);
  writeFixed64(w, 57, span.startTimeUnixNano);
  writeFixed64(w, 65, span.endTimeUnixNano);
  writeKeyValues(w, 74, span.attributes);
  writeUint32(w, 80, span.droppedAttributesCount);
  for (const event of span.events) {
    w.uint32(90);
    const mark = w.begin();
    writeEvent(w, event);
    w.end(mark);
  }
  writeUint32(w, 96, span.droppedEventsCount);
  for (const link of span.links) {
    w.uint32(106);
    const mark = w.begin();
    writeLink(w, link);
    w.end(mark);
  }
  writeUint32(w, 112, span.droppedLinksCount);
  writeMessage(w, 122, span.status, writeStatus);
  writeFixed32(w, 133, span.flags);
}

function writeEvent(w: WireWriter, event: SpanEvent): void {
  writeFixed64(w, 9, event.timeUnixNano);
  writeString(w, 18, event.name);
  writeKeyValues(w, 26, event.attributes);
  writeUint32(w, 32, event.droppedAttributesCount);
}

function writeLink(w: WireWriter, link: SpanLink): void {
  w.id(10, link.traceId, 16, 'traceId');
  w.id(18, link.spanId, 8, 'spanId');
  writeString(w, 26, link.traceState);
  writeKeyValues(w, 34, link.attributes);
  writeUint32(w, 40, link.droppedAttributesCount);
  writeFixed32(w, 53, link.flags);
}

function writeStatus(w: WireWriter, status: Span['status']): void {
  writeString(w, 18, status.message);
  writeInt32(w, 24, status.code);
}
