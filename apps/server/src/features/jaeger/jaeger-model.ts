/**
 * APO's spans in Jaeger's JSON model (jaegertracing/jaeger model/json), the shape the Jaeger UI and Grafana's
 * Jaeger data source read. The mapping follows OpenTelemetry's "OTLP to Jaeger" rules as Jaeger itself
 * applies them: span kind, status and scope become tags, events become logs, the parent becomes the first
 * CHILD_OF reference and links FOLLOWS_FROM references after it, the resource becomes the span's process.
 *
 * Storage keeps attribute values as text (attribute-text.ts), so every attribute comes back as a `string`
 * tag ("500", "true", `["a","b"]`); only the tags made here from typed columns carry other types.
 */
import type { AttributeList } from '@apo/shared/model';
import type { SpanView } from '../traces/span-view.ts';
import type { TraceView } from '../traces/trace-queries.ts';

interface JaegerKeyValue {
  key: string;
  type: 'string' | 'bool' | 'int64';
  value: string | boolean | number;
}

interface JaegerReference {
  refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  traceID: string;
  spanID: string;
}

interface JaegerLog {
  /** Microseconds since the epoch. */
  timestamp: number;
  fields: JaegerKeyValue[];
}

interface JaegerSpan {
  traceID: string;
  spanID: string;
  flags: number;
  operationName: string;
  references: JaegerReference[];
  /** Microseconds since the epoch (nanoseconds truncated, as Jaeger does). */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
}

interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  /** Keyed `p1`, `p2`, … in the order the spans first name each process: never user data as keys. */
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

/** Jaeger's names of OTLP span kinds, by the stored number (0 = unspecified: no name). */
export const SPAN_KIND_NAMES = ['', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

const STATUS_NAMES = ['', 'OK', 'ERROR'] as const;
const STATUS_ERROR = 2;

/** Nanoseconds to Jaeger's microseconds, truncated; exact as a number until the year 2255. */
const micros = (ns: bigint): number => Number(ns / 1000n);

const text = (key: string, value: string): JaegerKeyValue => ({ key, type: 'string', value });

function tagsOf(list: AttributeList): JaegerKeyValue[] {
  return list.map(([key, value]) => text(key, value));
}

/** What the span's own columns add to its attributes, as Jaeger's OTLP translator names them. */
function spanTags(span: SpanView): JaegerKeyValue[] {
  const failed = span.status.code === STATUS_ERROR;
  // A failed span's `error` tag is the boolean the status sets; an attribute of that name gives way.
  const tags = tagsOf(failed ? span.attributes.filter(([k]) => k !== 'error') : span.attributes);
  if (span.scope.name !== '') tags.push(text('otel.scope.name', span.scope.name));
  if (span.scope.version !== '') tags.push(text('otel.scope.version', span.scope.version));
  const kind = SPAN_KIND_NAMES[span.kind] ?? '';
  if (kind !== '') tags.push(text('span.kind', kind));
  const status = STATUS_NAMES[span.status.code] ?? '';
  if (status !== '') tags.push(text('otel.status_code', status));
  if (span.status.message !== '') tags.push(text('otel.status_description', span.status.message));
  if (failed) tags.push({ key: 'error', type: 'bool', value: true });
  if (span.traceState !== '') tags.push(text('w3c.tracestate', span.traceState));
  return tags;
}

/** An event as a log: its name in the `event` field, unless an attribute already says `event`. */
function logsOf(span: SpanView): JaegerLog[] {
  return span.events.map((e) => {
    const fields = tagsOf(e.attributes);
    if (!e.attributes.some(([k]) => k === 'event')) fields.unshift(text('event', e.name));
    return { timestamp: micros(e.timeUnixNano), fields };
  });
}

const SPAN_ID = /^[0-9a-f]{16}$/;

/** The parent first (CHILD_OF), then each link that names a span (FOLLOWS_FROM). */
function referencesOf(span: SpanView): JaegerReference[] {
  const refs: JaegerReference[] = [];
  if (span.parentSpanId !== '')
    refs.push({ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId });
  for (const l of span.links) {
    if (SPAN_ID.test(l.spanId) && l.traceId !== '')
      refs.push({ refType: 'FOLLOWS_FROM', traceID: l.traceId, spanID: l.spanId });
  }
  return refs;
}

/** What was cut from the span, at ingest or by this read, said where the Jaeger UI shows it. */
function spanWarnings(span: SpanView): string[] | null {
  const w: string[] = [];
  const { attributes, events, links } = span.dropped;
  if (attributes > 0) w.push(`${attributes} attributes dropped`);
  if (events > 0)
    w.push(`${events} events dropped (APO_MAX_SPAN_EVENTS at ingest, APO_READ_MAX_SPAN_EVENTS here)`);
  if (links > 0)
    w.push(`${links} links dropped (APO_MAX_SPAN_LINKS at ingest, APO_READ_MAX_SPAN_LINKS here)`);
  return w.length > 0 ? w : null;
}

/** The process of a span: its service, and its resource without `service.name` (the service already). */
function processOf(span: SpanView): JaegerProcess {
  return {
    serviceName: span.service,
    tags: tagsOf(span.resource.filter(([k]) => k !== 'service.name')),
  };
}

/**
 * The processes of one trace, keyed `p1`, `p2`, … in the order spans first name each (service, resource): a
 * trace read whole (toJaegerTrace) and one written out span by span (the export route) number them alike.
 */
export class JaegerProcesses {
  readonly byId: Record<string, JaegerProcess> = {};
  private readonly ids = new Map<string, string>();

  /** The process id of the span's service and resource, new ones added. */
  idOf(span: SpanView): string {
    const identity = JSON.stringify([span.service, span.resource]);
    let id = this.ids.get(identity);
    if (id === undefined) {
      id = `p${this.ids.size + 1}`;
      this.ids.set(identity, id);
      this.byId[id] = processOf(span);
    }
    return id;
  }
}

/** One span in Jaeger's model, its process numbered by `processes`. */
export function toJaegerSpan(span: SpanView, processes: JaegerProcesses): JaegerSpan {
  return {
    traceID: span.traceId,
    spanID: span.spanId,
    flags: span.flags & 0xff,
    operationName: span.name,
    references: referencesOf(span),
    startTime: micros(span.startTimeUnixNano),
    duration: micros(span.durationNs),
    tags: spanTags(span),
    logs: logsOf(span),
    processID: processes.idOf(span),
    warnings: spanWarnings(span),
  };
}

/**
 * A trace in Jaeger's model. `cutBy` names the bound that cut it when it is truncated (a warning on the trace
 * says how many spans of how many it holds).
 */
export function toJaegerTrace(trace: TraceView, cutBy: string): JaegerTrace {
  const processes = new JaegerProcesses();
  const spans = trace.spans.map((span) => toJaegerSpan(span, processes));
  return {
    traceID: trace.traceId,
    spans,
    processes: processes.byId,
    warnings: trace.truncated
      ? [`showing the first ${trace.spans.length} of ${trace.totalSpans} spans (by start time): ${cutBy}`]
      : null,
  };
}

/**
 * How many spans each trace of a search answer may bring so that all of them hold at most `budget`: the
 * largest per-trace cap (at most `budget`) whose capped sizes fit, so small traces come whole and only the
 * largest are cut, and every trace found is in the answer.
 */
export function spansPerTrace(sizes: readonly number[], budget: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let used = 0;
  for (let i = 0; i < sorted.length; i++) {
    const size = sorted[i] ?? 0;
    const rest = sorted.length - i;
    // Every trace from here on is at least `size`: capping them all at `size` costs size × rest.
    if (used + size * rest > budget) return Math.max(1, Math.floor((budget - used) / rest));
    used += size;
  }
  return budget;
}
