/**
 * A stored trace written out as a file, piece by piece: OTLP JSON (`ExportTraceServiceRequest`, the
 * OpenTelemetry Collector's file exporter's shape: one ResourceSpans per resource, one ScopeSpans per scope
 * inside it) or Jaeger JSON (`{"data":[{traceID, spans, processes}]}`, as Jaeger's own UI downloads it, with
 * the Jaeger query API's span mapping). The pieces come from the export read's pages, so no more than a page
 * of spans is ever held; the console's file input opens both again.
 *
 * Storage keeps attribute values as text, so they are written as `stringValue`s (and `string` tags).
 */
import type { AttributeList } from '@apo/shared/model';
import { JaegerProcesses, toJaegerSpan } from '../jaeger/jaeger-model.ts';
import type { SpanView } from '../traces/span-view.ts';
import type { TraceExportRead } from './export-queries.ts';

export const EXPORT_FORMATS = ['otlp', 'jaeger'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The file name the console's own export uses (model/trace-export.ts), so both downloads look alike. */
export const exportFileName = (format: ExportFormat, traceId: string): string =>
  `trace-${traceId}.${format}.json`;

const otlpAttributes = (list: AttributeList) =>
  list.map(([key, value]) => ({ key, value: { stringValue: value } }));

/** Zero counts and empty strings are left out, as OTLP JSON writers leave proto3 defaults out. */
function otlpSpan(s: SpanView): unknown {
  const { attributes, events, links } = s.dropped;
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId === '' ? {} : { parentSpanId: s.parentSpanId }),
    ...(s.traceState === '' ? {} : { traceState: s.traceState }),
    ...(s.flags === 0 ? {} : { flags: s.flags }),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: s.startTimeUnixNano.toString(),
    endTimeUnixNano: s.endTimeUnixNano.toString(),
    attributes: otlpAttributes(s.attributes),
    ...(attributes === 0 ? {} : { droppedAttributesCount: attributes }),
    events: s.events.map((e) => ({
      timeUnixNano: e.timeUnixNano.toString(),
      name: e.name,
      attributes: otlpAttributes(e.attributes),
    })),
    ...(events === 0 ? {} : { droppedEventsCount: events }),
    links: s.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      ...(l.traceState === '' ? {} : { traceState: l.traceState }),
      attributes: otlpAttributes(l.attributes),
    })),
    ...(links === 0 ? {} : { droppedLinksCount: links }),
    status: s.status.message === '' ? { code: s.status.code } : s.status,
  };
}

/** The resource of a span: its stored resource attributes, with service.name when the sender left it out. */
function otlpResource(s: SpanView): unknown {
  const resource: AttributeList = s.resource.some(([k]) => k === 'service.name')
    ? s.resource
    : [['service.name', s.service], ...s.resource];
  return { attributes: otlpAttributes(resource) };
}

const otlpScope = (s: SpanView): unknown => ({
  ...(s.scope.name === '' ? {} : { name: s.scope.name }),
  ...(s.scope.version === '' ? {} : { version: s.scope.version }),
});

/** OTLP JSON, group by group: a new ResourceSpans when the resource changes, a ScopeSpans per group. */
async function* otlpPieces(read: TraceExportRead): AsyncGenerator<string> {
  yield '{"resourceSpans":[';
  let resource: string | null = null;
  for (const group of await read.groups()) {
    const key = JSON.stringify([group.service, group.resourceHash.toString()]);
    let opened = false;
    for await (const page of read.pages(group)) {
      const parts: string[] = [];
      for (const span of page) {
        if (!opened) {
          // Opened at the group's first span (retention may have emptied a listed group since).
          opened = true;
          if (key !== resource) {
            parts.push(`${resource === null ? '' : ']},'}{"resource":${JSON.stringify(otlpResource(span))}`);
            parts.push(',"scopeSpans":[');
            resource = key;
          } else parts.push(',');
          parts.push(`{"scope":${JSON.stringify(otlpScope(span))},"spans":[`);
        } else parts.push(',');
        parts.push(JSON.stringify(otlpSpan(span)));
      }
      yield parts.join('');
    }
    if (opened) yield ']}';
  }
  yield resource === null ? ']}\n' : ']}]}\n';
}

/** Jaeger JSON: spans by start time, then the processes they named. */
async function* jaegerPieces(read: TraceExportRead): AsyncGenerator<string> {
  yield `{"data":[{"traceID":${JSON.stringify(read.traceId)},"spans":[`;
  const processes = new JaegerProcesses();
  let first = true;
  for await (const page of read.pages()) {
    const parts: string[] = [];
    for (const span of page) {
      parts.push((first ? '' : ',') + JSON.stringify(toJaegerSpan(span, processes)));
      first = false;
    }
    yield parts.join('');
  }
  yield `],"processes":${JSON.stringify(processes.byId)},"warnings":null}]}\n`;
}

export const traceExportPieces = (format: ExportFormat, read: TraceExportRead): AsyncGenerator<string> =>
  format === 'otlp' ? otlpPieces(read) : jaegerPieces(read);
