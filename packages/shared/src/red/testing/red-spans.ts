/** Test support: compact builders of spans and resources for RED tests. */
import type {
  AnyValue,
  Attributes,
  ResourceSpans,
  Span,
  SpanKind,
  StatusCode,
} from '../../model/telemetry.ts';

export const MS = 1_000_000n;
/** A minute-aligned instant (2025-06-15 15:06:00 UTC), so interval arithmetic in tests stays readable. */
export const T0 = 1_750_000_000_000_000_000n - (1_750_000_000_000_000_000n % 60_000_000_000n);

export function attrs(entries: Record<string, AnyValue>): Attributes {
  const map = Object.create(null) as Attributes;
  for (const [k, v] of Object.entries(entries)) map[k] = v;
  return map;
}

export interface SpanSpec {
  kind: SpanKind;
  name?: string;
  /** Duration in nanoseconds. */
  durationNs: bigint;
  status?: StatusCode;
  attributes?: Record<string, AnyValue>;
  /** Defaults to a parent, so INTERNAL spans are not roots unless asked. */
  root?: boolean;
  start?: bigint;
}

let nextId = 1;

export function span(spec: SpanSpec): Span {
  const id = (nextId++).toString(16).padStart(16, '0');
  const start = spec.start ?? T0 + 5n * MS;
  return {
    traceId: id.padStart(32, '0'),
    spanId: id,
    traceState: '',
    parentSpanId: spec.root === true ? '' : 'ffffffffffffffff',
    flags: 0,
    name: spec.name ?? 'span',
    kind: spec.kind,
    startTimeUnixNano: start,
    endTimeUnixNano: start + spec.durationNs,
    attributes: attrs(spec.attributes ?? {}),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: spec.status ?? 0, message: '' },
  };
}

export function resourceSpans(resource: Record<string, AnyValue>, spans: Span[]): ResourceSpans {
  return {
    resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
    scopeSpans: [
      {
        scope: { name: 'test', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
        spans,
        schemaUrl: '',
      },
    ],
    schemaUrl: '',
  };
}
