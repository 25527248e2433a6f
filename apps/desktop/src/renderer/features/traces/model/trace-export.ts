/**
 * A trace from a file written out as OTLP JSON (`ExportTraceServiceRequest`) or Jaeger JSON (`{"data":[{traceID,
 * spans, processes}]}`), the two formats the file reader (trace-file.ts) opens — so an export opens again here,
 * in Jaeger's UI or in anything that reads OTLP. (A stored trace is written by the server: its export route.)
 *
 * The trace's columns give ids, parents, names, services, times, status and kind; each span's details
 * (attributes, resource, events, links, scope) come with it, read from the file by the trace worker in one
 * pass over the file (load/file-export.ts). Spans may come in any order: OTLP groups them by resource and
 * scope here. Attribute values are written as strings: the details hold them as text. Written spans are
 * gathered into Blobs every BLOB_EVERY spans, so a million-span export does not sit in the JS heap as text.
 */
import { readHexId } from '@apo/shared/console';
import type { Attrs, SpanDetails } from './span-details.ts';
import type { TraceData } from './trace-model.ts';

export type ExportFormat = 'otlp' | 'jaeger';

/** Keys the Jaeger export writes from the model itself; details' copies of them are not repeated. */
const JAEGER_OWN_TAGS = new Set(['span.kind', 'error', 'otel.status_code', 'otel.status_description']);
const JAEGER_KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

const parentHex = (m: TraceData, i: number): string =>
  (m.columns.parentIds[2 * i] ?? 0) === 0 && (m.columns.parentIds[2 * i + 1] ?? 0) === 0
    ? ''
    : readHexId(m.columns.parentIds, 2 * i);
const spanHex = (m: TraceData, i: number): string => readHexId(m.columns.spanIds, 2 * i);
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function otlpSpan(m: TraceData, base: bigint, i: number, d: SpanDetails | undefined): unknown {
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

const tag = (key: string, value: string) => ({ key, type: 'string', value });

function jaegerSpan(
  m: TraceData,
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

/** Spans gathered into a Blob at a time: about 1-4 MB of text. */
const BLOB_EVERY = 2_000;

/** A list of written spans, comma-separated, moved into Blobs as it grows. */
class SpanList {
  readonly parts: (Blob | string)[] = [];
  private pending: string[] = [];
  count = 0;

  push(json: string): void {
    this.pending.push(this.count === 0 ? json : `,${json}`);
    this.count++;
    if (this.pending.length >= BLOB_EVERY) this.seal();
  }

  seal(): (Blob | string)[] {
    if (this.pending.length > 0) this.parts.push(new Blob(this.pending));
    this.pending = [];
    return this.parts;
  }
}

interface ResourceGroup {
  /** Jaeger's process id. */
  pid: string;
  service: string;
  resource: Attrs;
  scopes: Map<string, SpanList>;
}

/** The resource as written: the details' resource, with service.name always set. */
function resourceAttrs(service: string, d: SpanDetails | undefined): Attrs {
  const resource = d?.resource ?? [];
  return resource.some(([k]) => k === 'service.name') ? resource : [['service.name', service], ...resource];
}

/**
 * Writes a trace span by span (`add`, any order) and gives the file (`finish`). OTLP: one ResourceSpans per
 * distinct resource, one ScopeSpans per scope in it. Jaeger: one process per distinct service and resource,
 * numbered `p1`, `p2`, … as the server's export numbers them.
 */
export class TraceExportWriter {
  private readonly base: bigint;
  private readonly baseUs: number;
  private readonly baseRemNs: number;
  private readonly resources = new Map<string, ResourceGroup>();
  private readonly spans = new SpanList();

  private readonly format: ExportFormat;
  private readonly m: TraceData;

  constructor(format: ExportFormat, m: TraceData) {
    this.format = format;
    this.m = m;
    this.base = BigInt(m.baseNs);
    this.baseUs = Number(this.base / 1000n);
    this.baseRemNs = Number(this.base % 1000n);
  }

  private groupOf(i: number, d: SpanDetails | undefined): ResourceGroup {
    const service = this.m.strings[this.m.columns.service[i] ?? 0] ?? '';
    const resource = resourceAttrs(service, d);
    const key = JSON.stringify([service, resource]);
    let group = this.resources.get(key);
    if (group === undefined) {
      group = { pid: `p${this.resources.size + 1}`, service, resource, scopes: new Map() };
      this.resources.set(key, group);
    }
    return group;
  }

  /** Span `i` of the trace's columns, with its details when known. */
  add(i: number, d: SpanDetails | undefined): void {
    const group = this.groupOf(i, d);
    if (this.format === 'jaeger') {
      this.spans.push(JSON.stringify(jaegerSpan(this.m, this.baseUs, this.baseRemNs, i, group.pid, d)));
      return;
    }
    const scope = d?.scope ?? '';
    let list = group.scopes.get(scope);
    if (list === undefined) group.scopes.set(scope, (list = new SpanList()));
    list.push(JSON.stringify(otlpSpan(this.m, this.base, i, d)));
  }

  /** The file, as the file reader opens it. */
  finish(): Blob {
    const groups = [...this.resources.values()];
    if (this.format === 'jaeger') {
      const processes = Object.fromEntries(
        groups.map((g) => [
          g.pid,
          {
            serviceName: g.service,
            tags: g.resource.filter(([key]) => key !== 'service.name').map(([key, v]) => tag(key, v)),
          },
        ]),
      );
      return new Blob(
        [
          `{"data":[{"traceID":${JSON.stringify(this.m.traceId)},"spans":[`,
          ...this.spans.seal(),
          `],"processes":${JSON.stringify(processes)},"warnings":null}]}\n`,
        ],
        { type: 'application/json' },
      );
    }
    const parts: (Blob | string)[] = ['{"resourceSpans":['];
    groups.forEach((g, k) => {
      const resource = { attributes: g.resource.map(([key, v]) => str(key, v)) };
      parts.push(`${k === 0 ? '' : ','}{"resource":${JSON.stringify(resource)},"scopeSpans":[`);
      [...g.scopes].forEach(([scope, list], s) => {
        parts.push(
          `${s === 0 ? '' : ','}{"scope":${JSON.stringify(scope === '' ? {} : { name: scope })},"spans":[`,
        );
        parts.push(...list.seal(), ']}');
      });
      parts.push(']}');
    });
    parts.push(']}\n');
    return new Blob(parts, { type: 'application/json' });
  }
}

export const exportFileName = (format: ExportFormat, traceId: string): string =>
  `trace-${traceId}.${format === 'otlp' ? 'otlp' : 'jaeger'}.json`;
