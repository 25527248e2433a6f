/**
 * Exporting a trace opened from a file, in the trace worker: every span's details (attributes, resource,
 * events, links, scope) are read from the file in one pass — the reader kept each span's byte range — and
 * handed to the export writer (model/trace-export.ts). Spans are visited in file order, so the file is read
 * front to back in windows of WINDOW bytes, each read once; nothing of the file is held beyond one window.
 */
import { jaegerDetails, otlpDetails, type SpanDetails } from '../model/span-details.ts';
import type { FileTraces } from '../model/trace-file.ts';
import { TraceExportWriter, type ExportFormat } from '../model/trace-export.ts';

type FileTrace = FileTraces['traces'][number];

const WINDOW = 8 << 20;
const utf8 = new TextDecoder();

/** Span `span` of trace `t` from its JSON text, as the details panel shows it. */
export function fileSpanDetails(
  ft: FileTraces,
  t: FileTrace,
  span: number,
  json: string,
): SpanDetails | undefined {
  const raw: unknown = JSON.parse(json);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const record = Object.fromEntries(Object.entries(raw));
  const owner = ft.owners[t.owner[span] ?? 0] ?? { service: '', attributes: [] };
  return t.format === 'otlp'
    ? otlpDetails(record, owner.service, owner.attributes, ft.scopes[t.scope[span] ?? -1] ?? '')
    : jaegerDetails(record, owner.service, owner.attributes);
}

/** The trace's spans by where they are in the file (already so, unless a writer interleaved them). */
function fileOrder(t: FileTrace): Int32Array {
  const order = Int32Array.from({ length: t.columns.count }, (_, i) => i);
  for (let i = 1; i < order.length; i++) {
    if ((t.byteStart[i] ?? 0) < (t.byteStart[i - 1] ?? 0)) {
      return order.sort((a, b) => (t.byteStart[a] ?? 0) - (t.byteStart[b] ?? 0));
    }
  }
  return order;
}

interface ExportControl {
  /** Called with the spans written so far, at most every few ms. */
  progress(done: number, total: number): void;
  /** Checked after each window read: true stops the export (it then resolves to null). */
  cancelled(): boolean;
}

/** Trace `t` of the file as an OTLP or Jaeger JSON file; null when cancelled. */
export async function exportFileTrace(
  file: Blob,
  ft: FileTraces,
  t: FileTrace,
  format: ExportFormat,
  control: ExportControl,
  windowBytes = WINDOW,
): Promise<Blob | null> {
  const writer = new TraceExportWriter(format, {
    traceId: t.traceId,
    baseNs: t.baseNs,
    strings: ft.strings,
    columns: t.columns,
  });
  const total = t.columns.count;
  let window = new Uint8Array(0);
  let windowStart = 0;
  let done = 0;
  for (const span of fileOrder(t)) {
    const start = t.byteStart[span] ?? 0;
    const length = t.byteLength[span] ?? 0;
    if (start < windowStart || start + length > windowStart + window.byteLength) {
      windowStart = start;
      window = new Uint8Array(await file.slice(start, start + Math.max(windowBytes, length)).arrayBuffer());
      if (control.cancelled()) return null;
      control.progress(done, total);
    }
    const from = start - windowStart;
    writer.add(span, fileSpanDetails(ft, t, span, utf8.decode(window.subarray(from, from + length))));
    done++;
  }
  control.progress(done, total);
  return writer.finish();
}
