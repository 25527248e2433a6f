/**
 * The wire form of a trace's columns (trace-columns.ts): a stream of frames, so the console can draw a
 * summary and the first rows while the rest of a million-span trace is still arriving.
 *
 *   frame   = kind:u8, 3 zero bytes, payloadBytes:u32 (little-endian), payload padded to 8 bytes
 *   header  = JSON TraceHeader                          (kind 1, first)
 *   spans   = count:u32, newStrings:u32, stringBytes:u32, 0:u32, newStrings × byteLength:u32,
 *             UTF-8 of the new strings (padded to 8), startNs f64[count], durationNs f64[count],
 *             spanIds u32[2·count], parentIds u32[2·count], name u32[count], service u32[count],
 *             status u8[count], kind u8[count]       (kind 2; strings extend the trace's dictionary)
 *   end     = JSON { spans }                            (kind 3, last)
 *   error   = JSON { message }                          (kind 4: the server failed after it had answered 200)
 *
 * Little-endian throughout (every platform the console and server run on); columns are 8-byte aligned
 * inside the payload, so the reader views them in place, without a copy per value.
 */
import { decodeUtf8Body, utf8Encoder as encoder } from '../otlp/utf8.ts';
import { allocateSpanColumns, type SpanColumns, type TraceHeader } from './trace-columns.ts';

export const TRACE_FRAMES_CONTENT_TYPE = 'application/vnd.apo.trace-frames';

const FrameKind = { Header: 1, Spans: 2, End: 3, Error: 4 } as const;
type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

export type TraceFrame =
  | { kind: 'header'; header: TraceHeader }
  | { kind: 'spans'; columns: SpanColumns; strings: string[] }
  | { kind: 'end'; spans: number }
  | { kind: 'error'; message: string };

const pad8 = (n: number): number => (n + 7) & ~7;
const decoder = { decode: decodeUtf8Body };

function frame(kind: FrameKind, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + pad8(payload.byteLength));
  const view = new DataView(out.buffer);
  view.setUint8(0, kind);
  view.setUint32(4, payload.byteLength, true);
  out.set(payload, 8);
  return out;
}

const jsonFrame = (kind: FrameKind, value: unknown): Uint8Array =>
  frame(kind, encoder.encode(JSON.stringify(value)));

export const encodeHeaderFrame = (header: TraceHeader): Uint8Array => jsonFrame(FrameKind.Header, header);
export const encodeEndFrame = (spans: number): Uint8Array => jsonFrame(FrameKind.End, { spans });
export const encodeErrorFrame = (message: string): Uint8Array => jsonFrame(FrameKind.Error, { message });

/** One batch of spans and the strings its indexes add to the dictionary (in index order). */
export function encodeSpansFrame(c: SpanColumns, newStrings: readonly string[]): Uint8Array {
  const encoded = newStrings.map((s) => encoder.encode(s));
  const stringBytes = encoded.reduce((n, e) => n + e.byteLength, 0);
  const n = c.count;
  const lengthsAt = 16;
  const stringsAt = lengthsAt + 4 * encoded.length;
  const startAt = pad8(stringsAt + stringBytes);
  const durAt = startAt + 8 * n;
  const idsAt = durAt + 8 * n;
  const parentsAt = idsAt + 8 * n;
  const nameAt = parentsAt + 8 * n;
  const serviceAt = nameAt + 4 * n;
  const statusAt = serviceAt + 4 * n;
  const kindAt = statusAt + n;
  const payload = new Uint8Array(kindAt + n);
  const view = new DataView(payload.buffer);
  view.setUint32(0, n, true);
  view.setUint32(4, encoded.length, true);
  view.setUint32(8, stringBytes, true);
  let at = stringsAt;
  encoded.forEach((e, i) => {
    view.setUint32(lengthsAt + 4 * i, e.byteLength, true);
    payload.set(e, at);
    at += e.byteLength;
  });
  const put = (arr: ArrayBufferView, offset: number) =>
    payload.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength), offset);
  put(c.startNs.subarray(0, n), startAt);
  put(c.durationNs.subarray(0, n), durAt);
  put(c.spanIds.subarray(0, 2 * n), idsAt);
  put(c.parentIds.subarray(0, 2 * n), parentsAt);
  put(c.name.subarray(0, n), nameAt);
  put(c.service.subarray(0, n), serviceAt);
  put(c.status.subarray(0, n), statusAt);
  put(c.kind.subarray(0, n), kindAt);
  return frame(FrameKind.Spans, payload);
}

function decodeSpans(payload: Uint8Array): { columns: SpanColumns; strings: string[] } {
  // `payload` starts 8-aligned in its own buffer (the reader copies each frame out), so columns view in place.
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const n = view.getUint32(0, true);
  const newStrings = view.getUint32(4, true);
  const stringBytes = view.getUint32(8, true);
  const strings: string[] = [];
  let at = 16 + 4 * newStrings;
  for (let i = 0; i < newStrings; i++) {
    const len = view.getUint32(16 + 4 * i, true);
    strings.push(decoder.decode(payload.subarray(at, at + len)));
    at += len;
  }
  const base = payload.byteOffset;
  const buf = payload.buffer;
  const startAt = pad8(16 + 4 * newStrings + stringBytes);
  const c = allocateSpanColumns(0);
  c.count = n;
  c.startNs = new Float64Array(buf, base + startAt, n);
  c.durationNs = new Float64Array(buf, base + startAt + 8 * n, n);
  c.spanIds = new Uint32Array(buf, base + startAt + 16 * n, 2 * n);
  c.parentIds = new Uint32Array(buf, base + startAt + 24 * n, 2 * n);
  c.name = new Uint32Array(buf, base + startAt + 32 * n, n);
  c.service = new Uint32Array(buf, base + startAt + 36 * n, n);
  c.status = new Uint8Array(buf, base + startAt + 40 * n, n);
  c.kind = new Uint8Array(buf, base + startAt + 41 * n, n);
  return { columns: c, strings };
}

export class TraceFrameError extends Error {
  override readonly name = 'TraceFrameError';
}

/** Reads frames from a byte stream cut anywhere: push chunks as they come, take the frames completed. */
export class TraceFrameReader {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  push(chunk: Uint8Array): TraceFrame[] {
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    const out: TraceFrame[] = [];
    for (;;) {
      if (this.pendingBytes < 8) return out;
      const head = this.peek(8);
      const view = new DataView(head.buffer, head.byteOffset, 8);
      const kind = view.getUint8(0);
      const length = view.getUint32(4, true);
      const total = 8 + pad8(length);
      if (this.pendingBytes < total) return out;
      // A fresh, aligned copy of the frame: typed-array views need 8-byte alignment.
      const bytes = this.take(total);
      out.push(this.decode(kind, bytes.subarray(8, 8 + length)));
    }
  }

  /** Bytes left over at the end of the stream: a frame cut short. */
  get leftover(): number {
    return this.pendingBytes;
  }

  private decode(kind: number, payload: Uint8Array): TraceFrame {
    const json = (): unknown => JSON.parse(decoder.decode(payload));
    switch (kind) {
      case FrameKind.Header: {
        const h = json();
        if (!isHeader(h)) throw new TraceFrameError('the trace header frame is malformed');
        return { kind: 'header', header: h };
      }
      case FrameKind.Spans:
        return { kind: 'spans', ...decodeSpans(payload) };
      case FrameKind.End: {
        const e = json();
        const spans = typeof e === 'object' && e !== null && 'spans' in e ? Number(e.spans) : NaN;
        return { kind: 'end', spans };
      }
      case FrameKind.Error: {
        const e = json();
        const message = typeof e === 'object' && e !== null && 'message' in e ? String(e.message) : '';
        return { kind: 'error', message };
      }
      default:
        throw new TraceFrameError(`unknown trace frame kind ${kind}`);
    }
  }

  private peek(n: number): Uint8Array {
    const first = this.pending[0];
    if (first !== undefined && first.byteLength >= n) return first.subarray(0, n);
    return this.take(n, false);
  }

  /** The first `n` pending bytes in a new buffer; removed from the pending ones unless `consume` is false. */
  private take(n: number, consume = true): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    let i = 0;
    while (filled < n) {
      const chunk = this.pending[i];
      if (chunk === undefined) throw new TraceFrameError('internal: fewer bytes pending than counted');
      const part = chunk.subarray(0, n - filled);
      out.set(part, filled);
      filled += part.byteLength;
      if (consume && part.byteLength === chunk.byteLength) {
        this.pending.shift();
      } else if (consume) {
        this.pending[0] = chunk.subarray(part.byteLength);
      } else {
        i++;
      }
    }
    if (consume) this.pendingBytes -= n;
    return out;
  }
}

function isHeader(v: unknown): v is TraceHeader {
  return (
    typeof v === 'object' &&
    v !== null &&
    'traceId' in v &&
    typeof v.traceId === 'string' &&
    'baseNs' in v &&
    typeof v.baseNs === 'string' &&
    'totalSpans' in v &&
    typeof v.totalSpans === 'number'
  );
}
