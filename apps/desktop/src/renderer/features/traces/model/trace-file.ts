/**
 * Traces from a file: OTLP JSON (`ExportTraceServiceRequest`, one or several, also one per line) or
 * Jaeger JSON (`{"data":[{"traceID","spans","processes"}]}`), read as a byte stream (json-path-scanner.ts)
 * into one set of columns per trace. Each span keeps where its bytes are in the file, so its details are
 * read again from the file when asked for, instead of holding every attribute of a huge file in memory.
 */
import { StringDictionary, writeHexId, type SpanColumns } from '@apo/shared/console';
import { ColumnsBuilder } from './columns-builder.ts';
import { JsonFileError, JsonPathScanner, type Captured } from './json-path-scanner.ts';
import {
  jaegerAttrs,
  jaegerKind,
  jaegerParent,
  jaegerStatus,
  otlpAttrs,
  otlpKind,
  otlpStatus,
  type Attrs,
} from './span-details.ts';

const RULES = [
  ['resourceSpans', '*', 'resource'],
  ['resourceSpans', '*', 'scopeSpans', '*', 'scope'],
  ['resourceSpans', '*', 'scopeSpans', '*', 'spans', '*'],
  ['data', '*', 'spans', '*'],
  ['data', '*', 'processes'],
] as const;
const RESOURCE = 0;
const SCOPE = 1;
const OTLP_SPAN = 2;
const JAEGER_SPAN = 3;
const PROCESSES = 4;

/** Who emitted spans: an OTLP resource or a Jaeger process. */
interface Owner {
  service: string;
  attributes: Attrs;
}

export type FileFormat = 'otlp' | 'jaeger';

interface TraceAcc {
  traceId: string;
  format: FileFormat;
  builder: ColumnsBuilder;
  baseNs: bigint;
  baseUs: number;
  /** Per span: where its JSON is in the file, its owner, its scope's name. */
  byteStart: number[];
  byteLength: number[];
  owner: number[];
  scope: number[];
}

/** One trace of the file: its columns, and what the details of a span need. */
interface FileTrace {
  traceId: string;
  format: FileFormat;
  baseNs: string;
  columns: SpanColumns;
  byteStart: Float64Array;
  byteLength: Uint32Array;
  owner: Int32Array;
  scope: Int32Array;
}

export interface FileTraces {
  traces: FileTrace[];
  strings: string[];
  owners: Owner[];
  scopes: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const HEX = /^[0-9a-fA-F]*$/;
/** OTLP JSON writes 64-bit times as strings, some writers as numbers. */
const nanosText = (v: unknown): string => (typeof v === 'number' ? String(Math.round(v)) : text(v) || '0');

/** OTLP JSON ids are hex; proto3's own JSON mapping writes bytes as base64, which some exporters do. */
function hexId(id: string): string {
  if (HEX.test(id)) return id.toLowerCase();
  try {
    return Array.from(atob(id), (ch) => ch.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    return '';
  }
}

export class TraceFileReader {
  private readonly scanner: JsonPathScanner;
  private readonly dict = new StringDictionary();
  private readonly traces = new Map<string, TraceAcc>();
  private readonly owners: Owner[] = [];
  private readonly ownerIndex = new Map<string, number>();
  private readonly scopes: string[] = [];
  private readonly scopeIndex = new Map<string, number>();
  spans = 0;

  constructor() {
    this.scanner = new JsonPathScanner(RULES, (c) => this.take(c));
  }

  push(chunk: Uint8Array): void {
    this.scanner.push(chunk);
  }

  finish(): FileTraces {
    this.scanner.end();
    if (this.spans === 0) {
      throw new JsonFileError(
        'no spans found: expected OTLP JSON ({"resourceSpans":[…]}) or Jaeger JSON ({"data":[{"spans":[…]}]})',
      );
    }
    const serviceOf = this.owners.map((o) => this.dict.add(o.service || 'unknown service'));
    const traces = [...this.traces.values()].map((t): FileTrace => {
      const columns = t.builder.finish();
      for (let i = 0; i < columns.count; i++) columns.service[i] = serviceOf[t.owner[i] ?? 0] ?? 0;
      return {
        traceId: t.traceId,
        format: t.format,
        baseNs: t.baseNs.toString(),
        columns,
        byteStart: Float64Array.from(t.byteStart),
        byteLength: Uint32Array.from(t.byteLength),
        owner: Int32Array.from(t.owner),
        scope: Int32Array.from(t.scope),
      };
    });
    traces.sort((a, b) => b.columns.count - a.columns.count);
    return { traces, strings: this.dict.strings, owners: this.owners, scopes: this.scopes };
  }

  private ownerOf(key: string): number {
    let i = this.ownerIndex.get(key);
    if (i === undefined) {
      i = this.owners.length;
      this.owners.push({ service: '', attributes: [] });
      this.ownerIndex.set(key, i);
    }
    return i;
  }

  private scopeOf(key: string): number {
    let i = this.scopeIndex.get(key);
    if (i === undefined) {
      i = this.scopes.length;
      this.scopes.push('');
      this.scopeIndex.set(key, i);
    }
    return i;
  }

  private take(c: Captured): void {
    const [doc, a, b] = c.indexes;
    if (c.rule === RESOURCE && isRecord(c.value)) {
      const owner = this.owners[this.ownerOf(`o:${doc}:${a}`)];
      if (owner === undefined) return;
      owner.attributes = otlpAttrs(c.value.attributes);
      owner.service = owner.attributes.find(([k]) => k === 'service.name')?.[1] ?? '';
    } else if (c.rule === SCOPE && isRecord(c.value)) {
      this.scopes[this.scopeOf(`s:${doc}:${a}:${b}`)] = text(c.value.name);
    } else if (c.rule === PROCESSES && isRecord(c.value)) {
      for (const [pid, p] of Object.entries(c.value)) {
        const owner = this.owners[this.ownerOf(`j:${doc}:${a}:${pid}`)];
        if (owner === undefined || !isRecord(p)) continue;
        owner.service = text(p.serviceName);
        owner.attributes = jaegerAttrs(p.tags);
      }
    } else if (c.rule === OTLP_SPAN) {
      this.otlpSpan(c, `o:${doc}:${a}`, `s:${doc}:${a}:${b}`);
    } else if (c.rule === JAEGER_SPAN) {
      this.jaegerSpan(c, `j:${doc}:${a}:`);
    }
  }

  private spanError(c: Captured, problem: string): JsonFileError {
    return new JsonFileError(`${problem} (the span at byte ${c.byteStart})`);
  }

  private acc(traceId: string, format: FileFormat, c: Captured): TraceAcc {
    const id = hexId(traceId);
    if (id === '')
      throw this.spanError(c, `the trace id "${traceId.slice(0, 40)}" is neither hex nor base64`);
    let t = this.traces.get(id);
    if (t === undefined) {
      t = {
        traceId: id,
        format,
        builder: new ColumnsBuilder(),
        baseNs: -1n,
        baseUs: -1,
        byteStart: [],
        byteLength: [],
        owner: [],
        scope: [],
      };
      this.traces.set(id, t);
    }
    return t;
  }

  /** Adds the span's row; the caller fills times, status and kind. */
  private add(t: TraceAcc, c: Captured, ids: [string, string], name: string, owner: number, scope: number) {
    const i = t.builder.reserve(1);
    const cols = t.builder.columns;
    if (!writeHexId(hexId(ids[0]), cols.spanIds, 2 * i) || ids[0] === '') {
      throw this.spanError(c, `the span id "${ids[0].slice(0, 40)}" is not an id`);
    }
    writeHexId(hexId(ids[1]), cols.parentIds, 2 * i);
    cols.name[i] = this.dict.add(name);
    t.byteStart.push(c.byteStart);
    t.byteLength.push(c.byteLength);
    t.owner.push(owner);
    t.scope.push(scope);
    this.spans++;
    return { i, cols };
  }

  private otlpSpan(c: Captured, ownerKey: string, scopeKey: string): void {
    const s = c.value;
    if (!isRecord(s)) throw this.spanError(c, 'a span is not an object');
    const t = this.acc(text(s.traceId), 'otlp', c);
    let start: bigint;
    let end: bigint;
    try {
      start = BigInt(nanosText(s.startTimeUnixNano));
      end = BigInt(nanosText(s.endTimeUnixNano));
    } catch {
      throw this.spanError(c, 'startTimeUnixNano / endTimeUnixNano are not whole nanoseconds');
    }
    if (t.baseNs < 0n) t.baseNs = start;
    const ids: [string, string] = [text(s.spanId), text(s.parentSpanId)];
    const { i, cols } = this.add(t, c, ids, text(s.name), this.ownerOf(ownerKey), this.scopeOf(scopeKey));
    cols.startNs[i] = Number(start - t.baseNs);
    cols.durationNs[i] = end > start ? Number(end - start) : 0;
    cols.status[i] = otlpStatus(s.status).code;
    cols.kind[i] = otlpKind(s.kind);
  }

  private jaegerSpan(c: Captured, ownerPrefix: string): void {
    const s = c.value;
    if (!isRecord(s)) throw this.spanError(c, 'a span is not an object');
    if (typeof s.startTime !== 'number' || typeof s.duration !== 'number') {
      throw this.spanError(c, 'startTime and duration must be numbers (microseconds)');
    }
    const t = this.acc(text(s.traceID), 'jaeger', c);
    if (t.baseUs < 0) {
      t.baseUs = s.startTime;
      t.baseNs = BigInt(Math.round(s.startTime)) * 1000n;
    }
    const tags = jaegerAttrs(s.tags);
    const ids: [string, string] = [text(s.spanID), jaegerParent(s)];
    const owner = this.ownerOf(ownerPrefix + text(s.processID));
    const { i, cols } = this.add(t, c, ids, text(s.operationName), owner, -1);
    cols.startNs[i] = (s.startTime - t.baseUs) * 1000;
    cols.durationNs[i] = Math.max(0, s.duration * 1000);
    cols.status[i] = jaegerStatus(tags).code;
    cols.kind[i] = jaegerKind(tags);
  }
}
