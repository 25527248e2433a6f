/**
 * Traces from a file: OTLP JSON (`ExportTraceServiceRequest`, one or several, also one per line) or
 * Jaeger JSON (`{"data":[{"traceID","spans","processes"}]}`), read as a byte stream (json-path-scanner.ts)
 * into one set of columns per trace. Each span keeps where its bytes are in the file, so its details are
 * read again from the file when asked for, instead of holding every attribute of a huge file in memory.
 *
 * A span is read straight from its bytes (span-bytes.ts: no string of its text, no object, its
 * attributes skipped unread); only an unusual one (base64 ids, times as numbers, escapes, malformed)
 * goes through `JSON.parse` and the checks below, which name what is wrong with it.
 */
import { StringDictionary, writeHexId, type SpanColumns } from '@apo/shared/console';
import { ColumnsBuilder } from './columns-builder.ts';
import { JsonFileError, parseCaptured } from './json-file-error.ts';
import { JsonPathScanner, type Captured } from './json-path-scanner.ts';
import { ByteInterner } from './byte-interner.ts';
import { FAIL } from './json-bytes.ts';
import { SpanBytes, readJaegerSpan, readOtlpSpan } from './span-bytes.ts';
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
  /** baseNs as whole seconds and the nanoseconds after them, for spans read from bytes. */
  baseSec: number;
  baseNano: number;
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
/** Offsets in ns stay exact in a float64 below 2^53 ns: 104 days (seconds apart, with room). */
const MAX_SEC_APART = 9_000_000;
/** For ids and process ids read from bytes: plain ASCII there (span-bytes.ts checks). */
const ascii = new TextDecoder();
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
  private readonly span = new SpanBytes(new ByteInterner(this.dict));
  // The last span's trace, owner and scope: the next span almost always shares them (no key string built).
  private lastTrace: TraceAcc | null = null;
  private readonly lastTraceId = new Uint8Array(64);
  private lastTraceLength = -1;
  private readonly place = [-1, -1, -1];
  private placeOwner = 0;
  private placeScope = -1;
  private lastPrefix = '';
  private readonly jaegerPlace = [-2, -2];
  private prefix = '';
  private processOwner = 0;
  private readonly lastProcess = new Uint8Array(64);
  private lastProcessLength = -1;
  spans = 0;

  constructor() {
    this.scanner = new JsonPathScanner(
      RULES,
      (c) => this.take(c),
      (c) => this.tryTake(c),
    );
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

  /** A span straight from the chunk being read (json-path-scanner.ts's `tryRead`): its end, or FAIL. */
  private tryTake(c: Captured): number {
    const ix = c.indexes;
    if (c.rule === OTLP_SPAN) {
      this.otlpPlace(ix[0], ix[1], ix[2]);
      return this.otlpFast(c);
    }
    return c.rule === JAEGER_SPAN ? this.jaegerFast(c, this.jaegerPrefix(ix[0], ix[1])) : FAIL;
  }

  /** A value whole: a span the fast path left (or that crossed chunks), a resource, a scope, processes. */
  private take(c: Captured): void {
    const [doc, a, b] = c.indexes;
    if (c.rule === OTLP_SPAN) {
      this.otlpPlace(doc, a, b);
      if (this.otlpFast(c) !== c.to) this.otlpSpan(c, parseCaptured(c));
    } else if (c.rule === JAEGER_SPAN) {
      const prefix = this.jaegerPrefix(doc, a);
      if (this.jaegerFast(c, prefix) !== c.to) this.jaegerSpan(c, parseCaptured(c), prefix);
    } else this.takeOwner(c, parseCaptured(c), doc, a, b);
  }

  /** A resource, a scope or Jaeger's processes. */
  private takeOwner(c: Captured, value: unknown, doc?: number, a?: number, b?: number): void {
    if (!isRecord(value)) return;
    if (c.rule === RESOURCE) {
      const owner = this.owners[this.ownerOf(`o:${doc}:${a}`)];
      if (owner === undefined) return;
      owner.attributes = otlpAttrs(value.attributes);
      owner.service = owner.attributes.find(([k]) => k === 'service.name')?.[1] ?? '';
    } else if (c.rule === SCOPE) {
      this.scopes[this.scopeOf(`s:${doc}:${a}:${b}`)] = text(value.name);
    } else if (c.rule === PROCESSES) {
      for (const [pid, p] of Object.entries(value)) {
        const owner = this.owners[this.ownerOf(`j:${doc}:${a}:${pid}`)];
        if (owner === undefined || !isRecord(p)) continue;
        owner.service = text(p.serviceName);
        owner.attributes = jaegerAttrs(p.tags);
      }
    }
  }

  /** The owner keys' prefix of the Jaeger spans at data[a] of document `doc` (built once, not per span). */
  private jaegerPrefix(doc = -1, a = -1): string {
    const p = this.jaegerPlace;
    if (p[0] !== doc || p[1] !== a) {
      p[0] = doc;
      p[1] = a;
      this.prefix = `j:${doc}:${a}:`;
    }
    return this.prefix;
  }

  /** The owner and scope of the OTLP spans at resourceSpans[a].scopeSpans[b] of document `doc`. */
  private otlpPlace(doc = -1, a = -1, b = -1): void {
    const p = this.place;
    if (p[0] === doc && p[1] === a && p[2] === b) return;
    p[0] = doc;
    p[1] = a;
    p[2] = b;
    this.placeOwner = this.ownerOf(`o:${doc}:${a}`);
    this.placeScope = this.scopeOf(`s:${doc}:${a}:${b}`);
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
        baseSec: 0,
        baseNano: 0,
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

  /** The trace of a span read from bytes: its id's hex digits are bytes[from, to). */
  private accAt(bytes: Uint8Array, from: number, to: number, format: FileFormat, c: Captured): TraceAcc {
    const n = to - from;
    const last = this.lastTraceId;
    if (this.lastTrace !== null && n === this.lastTraceLength) {
      let same = true;
      for (let k = 0; k < n && same; k++) same = bytes[from + k] === last[k];
      if (same) return this.lastTrace;
    }
    const t = this.acc(ascii.decode(bytes.subarray(from, to)), format, c);
    if (n <= last.length) {
      last.set(bytes.subarray(from, to));
      this.lastTraceLength = n;
      this.lastTrace = t;
    }
    return t;
  }

  /** Sets the trace's time origin from its first span. */
  private setBase(t: TraceAcc, ns: bigint): void {
    t.baseNs = ns;
    t.baseSec = Number(ns / 1_000_000_000n);
    t.baseNano = Number(ns % 1_000_000_000n);
  }

  /** A new row of the trace for the span `c`; the caller fills ids, times, status and kind. */
  private row(t: TraceAcc, c: Captured, name: number, owner: number, scope: number): number {
    const i = t.builder.reserve(1);
    t.builder.columns.name[i] = name;
    t.byteStart.push(c.byteStart);
    t.byteLength.push(c.byteLength);
    t.owner.push(owner);
    t.scope.push(scope);
    this.spans++;
    return i;
  }

  /** The span's ids as the slow path reads them (hex or base64 text). */
  private writeIds(t: TraceAcc, c: Captured, i: number, ids: [string, string]): void {
    const cols = t.builder.columns;
    if (!writeHexId(hexId(ids[0]), cols.spanIds, 2 * i) || ids[0] === '') {
      throw this.spanError(c, `the span id "${ids[0].slice(0, 40)}" is not an id`);
    }
    writeHexId(hexId(ids[1]), cols.parentIds, 2 * i);
  }

  private writeFastIds(t: TraceAcc, i: number): void {
    const s = this.span;
    const cols = t.builder.columns;
    cols.spanIds[2 * i] = s.idHi;
    cols.spanIds[2 * i + 1] = s.idLo;
    cols.parentIds[2 * i] = s.parentHi;
    cols.parentIds[2 * i + 1] = s.parentLo;
  }

  /** An OTLP span from its bytes: the index after it, or FAIL for the slow path. */
  private otlpFast(c: Captured): number {
    const s = this.span;
    const end = readOtlpSpan(c.bytes, c.from, c.to, s);
    if (end < 0) return FAIL;
    const t = this.accAt(c.bytes, s.traceFrom, s.traceTo, 'otlp', c);
    if (t.baseNs < 0n) this.setBase(t, BigInt(s.startSec) * 1_000_000_000n + BigInt(s.startNano));
    const apart = s.startSec - t.baseSec;
    const long = s.endSec - s.startSec;
    if (Math.abs(apart) >= MAX_SEC_APART || Math.abs(long) >= MAX_SEC_APART) return FAIL;
    c.byteLength = end - c.from;
    const i = this.row(t, c, s.name, this.placeOwner, this.placeScope);
    this.writeFastIds(t, i);
    const cols = t.builder.columns;
    cols.startNs[i] = apart * 1e9 + (s.startNano - t.baseNano);
    const duration = long * 1e9 + (s.endNano - s.startNano);
    cols.durationNs[i] = duration > 0 ? duration : 0;
    cols.status[i] = s.status;
    cols.kind[i] = s.kind;
    return end;
  }

  private otlpSpan(c: Captured, s: unknown): void {
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
    if (t.baseNs < 0n) this.setBase(t, start);
    const i = this.row(t, c, this.dict.add(text(s.name)), this.placeOwner, this.placeScope);
    this.writeIds(t, c, i, [text(s.spanId), text(s.parentSpanId)]);
    const cols = t.builder.columns;
    cols.startNs[i] = Number(start - t.baseNs);
    cols.durationNs[i] = end > start ? Number(end - start) : 0;
    cols.status[i] = otlpStatus(s.status).code;
    cols.kind[i] = otlpKind(s.kind);
  }

  /** The owner of a Jaeger span read from bytes: its processID's bytes compared with the last span's. */
  private ownerAt(bytes: Uint8Array, ownerPrefix: string): number {
    const { processFrom: from, processTo: to } = this.span;
    if (from < 0) return this.ownerOf(ownerPrefix);
    const n = to - from;
    const last = this.lastProcess;
    if (ownerPrefix === this.lastPrefix && n === this.lastProcessLength) {
      let same = true;
      for (let k = 0; k < n && same; k++) same = bytes[from + k] === last[k];
      if (same) return this.processOwner;
    }
    const owner = this.ownerOf(ownerPrefix + ascii.decode(bytes.subarray(from, to)));
    if (n <= last.length) {
      last.set(bytes.subarray(from, to));
      this.lastProcessLength = n;
      this.lastPrefix = ownerPrefix;
      this.processOwner = owner;
    }
    return owner;
  }

  /** A Jaeger span from its bytes: the index after it, or FAIL for the slow path. */
  private jaegerFast(c: Captured, ownerPrefix: string): number {
    const s = this.span;
    const end = readJaegerSpan(c.bytes, c.from, c.to, s);
    if (end < 0) return FAIL;
    const t = this.accAt(c.bytes, s.traceFrom, s.traceTo, 'jaeger', c);
    this.jaegerBase(t, s.startUs);
    c.byteLength = end - c.from;
    const i = this.row(t, c, s.name, this.ownerAt(c.bytes, ownerPrefix), -1);
    this.writeFastIds(t, i);
    const cols = t.builder.columns;
    cols.startNs[i] = (s.startUs - t.baseUs) * 1000;
    cols.durationNs[i] = Math.max(0, s.durationUs * 1000);
    cols.status[i] = s.status;
    cols.kind[i] = s.kind;
    return end;
  }

  private jaegerBase(t: TraceAcc, startUs: number): void {
    if (t.baseUs >= 0) return;
    t.baseUs = startUs;
    this.setBase(t, BigInt(Math.round(startUs)) * 1000n);
  }

  private jaegerSpan(c: Captured, s: unknown, ownerPrefix: string): void {
    if (!isRecord(s)) throw this.spanError(c, 'a span is not an object');
    if (typeof s.startTime !== 'number' || typeof s.duration !== 'number') {
      throw this.spanError(c, 'startTime and duration must be numbers (microseconds)');
    }
    const t = this.acc(text(s.traceID), 'jaeger', c);
    this.jaegerBase(t, s.startTime);
    const tags = jaegerAttrs(s.tags);
    const owner = this.ownerOf(ownerPrefix + text(s.processID));
    const i = this.row(t, c, this.dict.add(text(s.operationName)), owner, -1);
    this.writeIds(t, c, i, [text(s.spanID), jaegerParent(s)]);
    const cols = t.builder.columns;
    cols.startNs[i] = (s.startTime - t.baseUs) * 1000;
    cols.durationNs[i] = Math.max(0, s.duration * 1000);
    cols.status[i] = jaegerStatus(tags).code;
    cols.kind[i] = jaegerKind(tags);
  }
}
