/**
 * One span in full for the details panel, whatever it came from: a stored span (`traces.span`), a span
 * of an OTLP JSON file or one of a Jaeger JSON file. Attribute values are shown as text.
 */

export type Attrs = [key: string, value: string][];

export interface SpanDetails {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  service: string;
  kind: number;
  statusCode: number;
  statusMessage: string;
  attributes: Attrs;
  resource: Attrs;
  /** Time after the span's start, ms. */
  events: { atMs: number; name: string; attributes: Attrs }[];
  links: { traceId: string; spanId: string; attributes: Attrs }[];
  scope: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);

/** OTLP JSON's AnyValue as text. */
function otlpValue(v: unknown): string {
  if (!isRecord(v)) return text(v);
  if ('stringValue' in v) return text(v.stringValue);
  if ('intValue' in v) return text(v.intValue);
  if ('doubleValue' in v) return text(v.doubleValue);
  if ('boolValue' in v) return text(v.boolValue);
  if ('bytesValue' in v) return text(v.bytesValue);
  if ('arrayValue' in v && isRecord(v.arrayValue) && Array.isArray(v.arrayValue.values)) {
    return `[${v.arrayValue.values.map(otlpValue).join(', ')}]`;
  }
  if ('kvlistValue' in v && isRecord(v.kvlistValue))
    return `{${otlpAttrs(v.kvlistValue.values)
      .map(([k, x]) => `${k}: ${x}`)
      .join(', ')}}`;
  return '';
}

export function otlpAttrs(list: unknown): Attrs {
  if (!Array.isArray(list)) return [];
  return list.flatMap((kv): Attrs => (isRecord(kv) ? [[text(kv.key), otlpValue(kv.value)]] : []));
}

/** Jaeger's tags (`{key, type, value}`) as text. */
export function jaegerAttrs(list: unknown): Attrs {
  if (!Array.isArray(list)) return [];
  return list.flatMap((t): Attrs => (isRecord(t) ? [[text(t.key), text(t.value)]] : []));
}

const OTLP_KINDS: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const JAEGER_KINDS: Record<string, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

/** OTLP JSON writes enums as numbers or as their names. */
export function otlpKind(v: unknown): number {
  if (typeof v === 'number') return v;
  return OTLP_KINDS[text(v)] ?? 0;
}

export function otlpStatus(status: unknown): { code: number; message: string } {
  if (!isRecord(status)) return { code: 0, message: '' };
  const c = status.code;
  const code = typeof c === 'number' ? c : c === 'STATUS_CODE_ERROR' ? 2 : c === 'STATUS_CODE_OK' ? 1 : 0;
  return { code, message: text(status.message) };
}

export const jaegerKind = (tags: Attrs): number =>
  JAEGER_KINDS[tags.find(([k]) => k === 'span.kind')?.[1] ?? ''] ?? 0;

/** Jaeger marks failures with `error=true` (and OTel-converted spans with otel.status_code=ERROR). */
export function jaegerStatus(tags: Attrs): { code: number; message: string } {
  const get = (key: string) => tags.find(([k]) => k === key)?.[1];
  const failed = get('error') === 'true' || get('otel.status_code') === 'ERROR';
  return {
    code: failed ? 2 : get('otel.status_code') === 'OK' ? 1 : 0,
    message: get('otel.status_description') ?? '',
  };
}

const nsOf = (v: unknown): bigint => {
  try {
    return BigInt(typeof v === 'number' ? Math.round(v) : text(v) || '0');
  } catch {
    return 0n;
  }
};

/** An OTLP JSON span (as in the file) in full. */
export function otlpDetails(
  span: Record<string, unknown>,
  service: string,
  resource: Attrs,
  scope: string,
): SpanDetails {
  const start = nsOf(span.startTimeUnixNano);
  const status = otlpStatus(span.status);
  return {
    traceId: text(span.traceId),
    spanId: text(span.spanId),
    parentSpanId: text(span.parentSpanId),
    name: text(span.name),
    service,
    kind: otlpKind(span.kind),
    statusCode: status.code,
    statusMessage: status.message,
    attributes: otlpAttrs(span.attributes),
    resource,
    events: (Array.isArray(span.events) ? span.events : []).filter(isRecord).map((e) => ({
      atMs: Number(nsOf(e.timeUnixNano) - start) / 1e6,
      name: text(e.name),
      attributes: otlpAttrs(e.attributes),
    })),
    links: (Array.isArray(span.links) ? span.links : []).filter(isRecord).map((l) => ({
      traceId: text(l.traceId),
      spanId: text(l.spanId),
      attributes: otlpAttrs(l.attributes),
    })),
    scope,
  };
}

/** A Jaeger JSON span (as in the file) in full; `logs` become events, references other than the parent links. */
export function jaegerDetails(span: Record<string, unknown>, service: string, process: Attrs): SpanDetails {
  const tags = jaegerAttrs(span.tags);
  const start = typeof span.startTime === 'number' ? span.startTime : 0;
  const refs = (Array.isArray(span.references) ? span.references : []).filter(isRecord);
  const parent = jaegerParent(span);
  const status = jaegerStatus(tags);
  return {
    traceId: text(span.traceID),
    spanId: text(span.spanID),
    parentSpanId: parent,
    name: text(span.operationName),
    service,
    kind: jaegerKind(tags),
    statusCode: status.code,
    statusMessage: status.message,
    attributes: tags,
    resource: process,
    events: (Array.isArray(span.logs) ? span.logs : []).filter(isRecord).map((log) => {
      const fields = jaegerAttrs(log.fields);
      return {
        atMs: ((typeof log.timestamp === 'number' ? log.timestamp : start) - start) / 1000,
        name: fields.find(([k]) => k === 'event')?.[1] ?? 'log',
        attributes: fields.filter(([k]) => k !== 'event'),
      };
    }),
    links: refs
      .filter((r) => text(r.spanID) !== parent)
      .map((r) => ({
        traceId: text(r.traceID),
        spanId: text(r.spanID),
        attributes: [['ref.type', text(r.refType)]],
      })),
    scope: '',
  };
}

/** The parent of a Jaeger span: its CHILD_OF reference (else the first FOLLOWS_FROM), or the old parentSpanID. */
export function jaegerParent(span: Record<string, unknown>): string {
  const refs = (Array.isArray(span.references) ? span.references : []).filter(isRecord);
  const childOf = refs.find((r) => r.refType === 'CHILD_OF') ?? refs[0];
  if (childOf !== undefined) return text(childOf.spanID);
  return typeof span.parentSpanID === 'string' ? span.parentSpanID : '';
}
