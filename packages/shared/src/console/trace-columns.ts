/**
 * A trace as columns: what the waterfall needs of every span (ids, name, service, times, status, kind), one
 * typed array per field and strings as indexes into one dictionary. The server streams stored traces in
 * this form (trace-frames.ts) and the console's file reader builds the same thing from OTLP or Jaeger JSON,
 * so one model and one view serve both. Measured against JSON per span (bench/trace-view.bench.ts): ~45
 * bytes a span plus the distinct strings, against ~400 for the JSON of the same fields.
 *
 * Span ids are 64-bit: two uint32 words each (high, low), 0/0 for "no parent". Times are nanoseconds
 * relative to the trace's `baseNs` (float64 keeps them exact for 104 days), so no bigint per span.
 */

/** One batch of spans; the string indexes refer to the trace's dictionary (all batches share it). */
export interface SpanColumns {
  count: number;
  /** 2 words a span: high, low. */
  spanIds: Uint32Array;
  /** 2 words a span; 0, 0 for a root. */
  parentIds: Uint32Array;
  name: Uint32Array;
  service: Uint32Array;
  /** Nanoseconds after the trace's `baseNs`. */
  startNs: Float64Array;
  durationNs: Float64Array;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: Uint8Array;
  /** OTLP span kind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: Uint8Array;
}

/** What comes before any span: which trace, its time origin and how many spans to expect. */
export interface TraceHeader {
  traceId: string;
  /** The trace's earliest start, nanoseconds since the epoch, as a decimal string (exact). */
  baseNs: string;
  /** Spans stored for the trace; the stream may end with fewer when it is cut short. */
  totalSpans: number;
}

export const STATUS_ERROR = 2;

/** Empty columns for `count` spans. */
export function allocateSpanColumns(count: number): SpanColumns {
  return {
    count,
    spanIds: new Uint32Array(count * 2),
    parentIds: new Uint32Array(count * 2),
    name: new Uint32Array(count),
    service: new Uint32Array(count),
    startNs: new Float64Array(count),
    durationNs: new Float64Array(count),
    status: new Uint8Array(count),
    kind: new Uint8Array(count),
  };
}

/** The first `count` spans of `c` (a builder that over-allocated). Copies, so the rest can be freed. */
export function sliceSpanColumns(c: SpanColumns, count: number): SpanColumns {
  return {
    count,
    spanIds: c.spanIds.slice(0, count * 2),
    parentIds: c.parentIds.slice(0, count * 2),
    name: c.name.slice(0, count),
    service: c.service.slice(0, count),
    startNs: c.startNs.slice(0, count),
    durationNs: c.durationNs.slice(0, count),
    status: c.status.slice(0, count),
    kind: c.kind.slice(0, count),
  };
}

const HEX = /^[0-9a-fA-F]*$/;

/**
 * Writes a hex span id (up to 16 digits; longer ones keep their last 16) into `out` at word `at`.
 * Returns false for text that is not hex; an empty id writes 0, 0.
 */
export function writeHexId(hex: string, out: Uint32Array, at: number): boolean {
  if (!HEX.test(hex)) return false;
  const h = hex.length > 16 ? hex.slice(-16) : hex.padStart(16, '0');
  out[at] = Number.parseInt(h.slice(0, 8), 16) >>> 0;
  out[at + 1] = Number.parseInt(h.slice(8), 16) >>> 0;
  return true;
}

/** The 16-digit lower-case hex of the id at word `at`. */
export function readHexId(ids: Uint32Array, at: number): string {
  return (ids[at] ?? 0).toString(16).padStart(8, '0') + (ids[at + 1] ?? 0).toString(16).padStart(8, '0');
}

/** Interns strings: each distinct string gets the next index, once. */
export class StringDictionary {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  /** The index of `s`, adding it when new. */
  add(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}
