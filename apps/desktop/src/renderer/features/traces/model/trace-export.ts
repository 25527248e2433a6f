/**
 * A trace written out as OTLP JSON (`ExportTraceServiceRequest`) or Jaeger JSON (`{"data":[{traceID, spans,
 * processes}]}`), the two formats the file reader (trace-file.ts) opens — so an export opens again here,
 * in Jaeger's UI or in anything that reads OTLP.
 *
 * The model holds what the waterfall needs (ids, parents, names, services, times, status, kind); the
 * attributes, resource, events, links and scope come from each span's details when the caller has them
 * (`details`), and are left out otherwise. Attribute values are written as strings: the details hold
 * them as text. The output comes as a generator of text pieces, one per span, so the page can write a
 * million spans in slices without holding up its thread (trace-export-menu.tsx).
 */
import { readHexId } from '@apo/shared/console';
import type { Attrs, SpanDetails } from './span-details.ts';
import type { TraceModel } from './trace-model.ts';

export type ExportFormat = 'otlp' | 'jaeger';

/** Keys the Jaeger export writes from the model itself; details' copies of them are not repeated. */
const JAEGER_OWN_TAGS = new Set(['span.kind', 'error', 'otel.status_code', 'otel.status_description']);
const JAEGER_KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

const parentHex = (m: TraceModel, i: number): string =>
  (m.columns.parentIds[2 * i] ?? 0) === 0 && (m.columns.parentIds[2 * i + 1] ?? 0) === 0
    ? ''
    : readHexId(m.columns.parentIds, 2 * i);
const spanHex = (m: TraceModel, i: number): string => readHexId(m.columns.spanIds, 2 * i);
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

/** Spans grouped by service (in tree order inside each group), services by name. */
function byService(m: TraceModel): { service: number; spans: Int32Array }[] {
  const c = m.columns;
  const groups = new Map<number, number>();
  for (let i = 0; i < c.count; i++) {
    const s = c.service[i] ?? 0;
    groups.set(s, (groups.get(s) ?? 0) + 1);
  }
  const out = [...groups.entries()]
    .sort(([a], [b]) => (m.strings[a] ?? '').localeCompare(m.strings[b] ?? ''))
    .map(([service, n]) => ({ service, spans: new Int32Array(n), filled: 0 }));
  const at = new Map(out.map((g) => [g.service, g]));
  for (const v of m.tree.order) {
    const g = at.get(c.service[v] ?? 0);
    if (g !== undefined) g.spans[g.filled++] = v;
  }
  return out.map(({ service, spans }) => ({ service, spans }));
}

/** The resource of a service: its spans' details' resource when known, with service.name always set. */
function resourceOf(
  m: TraceModel,
  service: number,
  spans: Int32Array,
  details: ReadonlyMap<number, SpanDetails>,
): Attrs {
  const name = m.strings[service] ?? '';
  for (const v of spans) {
    const d = details.get(v);
    if (d !== undefined && d.resource.length > 0) {
      return d.resource.some(([k]) => k === 'service.name')
        ? d.resource
        : [['service.name', name], ...d.resource];
    }
  }
  return [['service.name', name]];
}

function otlpSpan(m: TraceModel, base: bigint, i: number, d: SpanDetails | undefined): unknown {
  const c = m.columns;
  const start = base + BigInt(Math.round(c.startNs[i] ?? 0));
  const end = start + BigInt(Math.round(c.durationNs[i] ?? 0));
  const parent = parentHex(m, i);
  const status = c.status[i] ?? 0;
  return {
    traceId: m.traceId,
    spanId: spanHex(m, i),
    ...(parent === '' ? {} : { parentSpanId: parent }),
    name: m.strings[c.name[i] ?? 0] ?? '',
    kind: c.kind[i] ?? 0,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: end.toString(),
    attributes: (d?.attributes ?? []).map(([k, v]) => str(k, v)),
    events: (d?.events ?? []).map((e) => ({
      timeUnixNano: (start + BigInt(Math.round(e.atMs * 1e6))).toString(),
      name: e.name,
      attributes: e.attributes.map(([k, v]) => str(k, v)),
    })),
    links: (d?.links ?? []).map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      attributes: l.attributes.map(([k, v]) => str(k, v)),
    })),
    status:
      d !== undefined && d.statusMessage !== ''
        ? { code: status, message: d.statusMessage }
        : { code: status },
  };
}

/** OTLP JSON: one resource per service, one scope per instrumentation scope name within it. */
function* otlpJsonPieces(m: TraceModel, details: ReadonlyMap<number, SpanDetails>): Generator<string, void> {
  const base = BigInt(m.baseNs);
  yield '{"resourceSpans":[';
  let firstResource = true;
  for (const { service, spans } of byService(m)) {
    const scopes = new Map<string, number[]>();
    for (const v of spans) {
      const scope = details.get(v)?.scope ?? '';
      let list = scopes.get(scope);
      if (list === undefined) scopes.set(scope, (list = []));
      list.push(v);
    }
    const resource = { attributes: resourceOf(m, service, spans, details).map(([k, v]) => str(k, v)) };
    yield `${firstResource ? '' : ','}{"resource":${JSON.stringify(resource)},"scopeSpans":[`;
    firstResource = false;
    let firstScope = true;
    for (const [scope, list] of scopes) {
      yield `${firstScope ? '' : ','}{"scope":${JSON.stringify(scope === '' ? {} : { name: scope })},"spans":[`;
      firstScope = false;
      for (let k = 0; k < list.length; k++) {
        const v = list[k] ?? 0;
        yield (k === 0 ? '' : ',') + JSON.stringify(otlpSpan(m, base, v, details.get(v)));
      }
      yield ']}';
    }
    yield ']}';
  }
  yield ']}\n';
}

const tag = (key: string, value: string) => ({ key, type: 'string', value });

function jaegerSpan(
  m: TraceModel,
  baseUs: number,
  baseRemNs: number,
  i: number,
  pid: string,
  d: SpanDetails | undefined,
): unknown {
  const c = m.columns;
  const startUs = baseUs + Math.round((baseRemNs + (c.startNs[i] ?? 0)) / 1000);
  const parent = parentHex(m, i);
  const status = c.status[i] ?? 0;
  const kind = JAEGER_KINDS[c.kind[i] ?? 0] ?? '';
  const tags: unknown[] = (d?.attributes ?? [])
    .filter(([k]) => !JAEGER_OWN_TAGS.has(k))
    .map(([k, v]) => tag(k, v));
  if (kind !== '') tags.push(tag('span.kind', kind));
  if (status === 2) tags.push({ key: 'error', type: 'bool', value: true });
  if (status !== 0) tags.push(tag('otel.status_code', status === 2 ? 'ERROR' : 'OK'));
  if (d !== undefined && d.statusMessage !== '') tags.push(tag('otel.status_description', d.statusMessage));
  // Links become FOLLOWS_FROM references only below a CHILD_OF one: Jaeger readers (this one included)
  // take a root's first reference for its parent.
  const references =
    parent === ''
      ? []
      : [
          { refType: 'CHILD_OF', traceID: m.traceId, spanID: parent },
          ...(d?.links ?? []).map((l) => ({ refType: 'FOLLOWS_FROM', traceID: l.traceId, spanID: l.spanId })),
        ];
  return {
    traceID: m.traceId,
    spanID: spanHex(m, i),
    operationName: m.strings[c.name[i] ?? 0] ?? '',
    references,
    startTime: startUs,
    duration: Math.round((c.durationNs[i] ?? 0) / 1000),
    tags,
    logs: (d?.events ?? []).map((e) => ({
      timestamp: startUs + Math.round(e.atMs * 1000),
      fields: [tag('event', e.name), ...e.attributes.map(([k, v]) => tag(k, v))],
    })),
    processID: pid,
    warnings: null,
  };
}

/** Jaeger JSON as its query API and UI download write it: one process per service, times in µs. */
function* jaegerJsonPieces(
  m: TraceModel,
  details: ReadonlyMap<number, SpanDetails>,
): Generator<string, void> {
  const base = BigInt(m.baseNs);
  const baseUs = Number(base / 1000n);
  const baseRemNs = Number(base % 1000n);
  const groups = byService(m);
  const pid = new Map(groups.map(({ service }, g) => [service, `p${g + 1}`]));
  yield `{"data":[{"traceID":${JSON.stringify(m.traceId)},"spans":[`;
  const order = m.tree.order;
  for (let k = 0; k < order.length; k++) {
    const v = order[k] ?? 0;
    const p = pid.get(m.columns.service[v] ?? 0) ?? 'p1';
    yield (k === 0 ? '' : ',') + JSON.stringify(jaegerSpan(m, baseUs, baseRemNs, v, p, details.get(v)));
  }
  const processes = Object.fromEntries(
    groups.map(({ service, spans }, g) => [
      `p${g + 1}`,
      {
        serviceName: m.strings[service] ?? '',
        tags: resourceOf(m, service, spans, details)
          .filter(([k]) => k !== 'service.name')
          .map(([k, v]) => tag(k, v)),
      },
    ]),
  );
  yield `],"processes":${JSON.stringify(processes)},"warnings":null}]}\n`;
}

export const exportPieces = (
  format: ExportFormat,
  m: TraceModel,
  details: ReadonlyMap<number, SpanDetails>,
): Generator<string, void> => (format === 'otlp' ? otlpJsonPieces(m, details) : jaegerJsonPieces(m, details));

export const exportFileName = (format: ExportFormat, traceId: string): string =>
  `trace-${traceId}.${format === 'otlp' ? 'otlp' : 'jaeger'}.json`;
