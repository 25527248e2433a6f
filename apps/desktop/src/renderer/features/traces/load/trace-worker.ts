/**
 * The trace worker: everything heavy about opening a trace happens here, off the page's thread —
 * downloading and decoding the server's frames, or reading an OTLP / Jaeger JSON file as a stream, then
 * building the tree and its analysis. The page only receives the finished model (typed arrays,
 * transferred) and progress summaries on the way.
 */
import { TraceFrameReader, type SpanColumns } from '@apo/shared/console';
import { ColumnsBuilder } from '../model/columns-builder.ts';
import type { ExportFormat } from '../model/trace-export.ts';
import { TraceFileReader, type FileTraces } from '../model/trace-file.ts';
import { warmUpFileReader } from '../model/warm-up.ts';
import { exportFileTrace, fileSpanDetails } from './file-export.ts';
import { buildFlameGraph, flameArrays, flameInputs } from '../model/flame-graph.ts';
import { buildTraceModel, transferablesOf, type TraceData } from '../model/trace-model.ts';
import {
  isWorkerRequest,
  type LoadProgress,
  type ServiceCount,
  type WorkerReply,
} from './worker-protocol.ts';

const PROGRESS_EVERY_MS = 100;

async function* chunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

function reply(msg: WorkerReply, transfer: Transferable[] = []): void {
  postMessage(msg, { transfer });
}

/** Spans and errors per service so far: the summary shown while the rest arrives. */
class Tally {
  private readonly by = new Map<number, ServiceCount>();
  add(c: SpanColumns, strings: readonly string[]): void {
    for (let i = 0; i < c.count; i++) {
      const s = c.service[i] ?? 0;
      let t = this.by.get(s);
      if (t === undefined) {
        t = { name: strings[s] ?? '', spans: 0, errors: 0 };
        this.by.set(s, t);
      }
      t.spans++;
      if (c.status[i] === 2) t.errors++;
    }
  }
  list(): ServiceCount[] {
    return [...this.by.values()].sort((a, b) => b.spans - a.spans);
  }
}

function sendModel(data: TraceData, fileTraces: FileTraces | null, timings: Record<string, number>): void {
  const t0 = performance.now();
  const model = buildTraceModel(data);
  timings.buildMs = performance.now() - t0;
  const summaries = (fileTraces?.traces ?? []).map((t) => ({
    traceId: t.traceId,
    spans: t.columns.count,
    format: t.format,
  }));
  // The flame graph's inputs are copied before the model's arrays go to the page; it is built after the
  // model is sent, while the page draws the first rows.
  const inputs = flameInputs(model);
  // Wall-clock instants (the page's performance clock has another origin), for the benchmark.
  timings.postedAt = performance.timeOrigin + performance.now();
  reply({ kind: 'model', model, fileTraces: summaries, timings }, transferablesOf(model));
  const flame = buildFlameGraph(inputs);
  const buffers = new Set<ArrayBuffer>();
  for (const a of flameArrays(flame)) if (a.buffer instanceof ArrayBuffer) buffers.add(a.buffer);
  reply({ kind: 'flame', traceId: model.traceId, flame }, [...buffers]);
}

async function fetchTrace(url: string, authorization: string | null): Promise<void> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: authorization === null ? {} : { authorization } });
  if (!res.ok || res.body === null) {
    const body: unknown = await res.json().catch(() => null);
    const message =
      typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : res.statusText;
    reply({ kind: 'error', message, status: res.status });
    return;
  }
  const reader = new TraceFrameReader();
  const builder = new ColumnsBuilder();
  const tally = new Tally();
  let header: { traceId: string; baseNs: string; totalSpans: number } | null = null;
  let bytes = 0;
  let lastProgress = 0;
  const timings: Record<string, number> = { startedAt: performance.timeOrigin + t0 };
  for await (const chunk of chunks(res.body)) {
    if (timings.firstByteMs === undefined) timings.firstByteMs = performance.now() - t0;
    bytes += chunk.byteLength;
    for (const f of reader.push(chunk)) {
      if (f.kind === 'header') header = f.header;
      else if (f.kind === 'spans') {
        builder.strings.push(...f.strings);
        builder.append(f.columns);
        tally.add(f.columns, builder.strings);
      } else if (f.kind === 'error') {
        reply({
          kind: 'error',
          message: `the server failed while sending the trace: ${f.message}`,
          status: null,
        });
        return;
      }
    }
    if (performance.now() - lastProgress > PROGRESS_EVERY_MS) {
      lastProgress = performance.now();
      const progress: LoadProgress = {
        phase: 'download',
        spans: builder.count,
        total: header?.totalSpans ?? null,
        bytes,
        totalBytes: null,
        services: tally.list(),
      };
      reply({ kind: 'progress', progress });
    }
  }
  if (header === null || reader.leftover > 0) {
    reply({ kind: 'error', message: 'the trace arrived cut short; try again', status: null });
    return;
  }
  timings.downloadMs = performance.now() - t0;
  timings.bytes = bytes;
  reply({
    kind: 'progress',
    progress: {
      phase: 'build',
      spans: builder.count,
      total: header.totalSpans,
      bytes,
      totalBytes: null,
      services: tally.list(),
    },
  });
  sendModel(
    { traceId: header.traceId, baseNs: header.baseNs, strings: builder.strings, columns: builder.finish() },
    null,
    timings,
  );
}

let file: File | null = null;
let fileTraces: FileTraces | null = null;
let openTrace = 0;

/** The file in slices of this size, the next one already being read while one is parsed. */
const SLICE = 8 << 20;

async function* fileSlices(f: File): AsyncGenerator<Uint8Array> {
  let next = f.slice(0, SLICE).arrayBuffer();
  for (let at = 0; at < f.size; at += SLICE) {
    const bytes = await next;
    if (at + SLICE < f.size) next = f.slice(at + SLICE, at + 2 * SLICE).arrayBuffer();
    yield new Uint8Array(bytes);
  }
}

async function readFile(f: File): Promise<void> {
  const t0 = performance.now();
  const startedAt = performance.timeOrigin + t0;
  file = f;
  fileTraces = null;
  const reader = new TraceFileReader();
  let bytes = 0;
  let lastProgress = 0;
  // Where the time goes (the benchmark reads these): parsing the chunks, and all the rest (the file's reads).
  let parseMs = 0;
  let chunkCount = 0;
  for await (const chunk of fileSlices(f)) {
    const p0 = performance.now();
    reader.push(chunk);
    parseMs += performance.now() - p0;
    chunkCount++;
    bytes += chunk.byteLength;
    if (performance.now() - lastProgress > PROGRESS_EVERY_MS) {
      lastProgress = performance.now();
      reply({
        kind: 'progress',
        progress: {
          phase: 'read',
          spans: reader.spans,
          total: null,
          bytes,
          totalBytes: f.size,
          services: [],
        },
      });
    }
  }
  const p0 = performance.now();
  fileTraces = reader.finish();
  parseMs += performance.now() - p0;
  const timings = { readMs: performance.now() - t0, parseMs, chunks: chunkCount, bytes, startedAt };
  showFileTrace(0, timings);
}

function showFileTrace(index: number, timings: Record<string, number>): void {
  const ft = fileTraces;
  const t = ft?.traces[index];
  if (ft === null || t === undefined) return;
  openTrace = index;
  // The model takes its columns over (they are transferred): give it a copy, the file keeps its own.
  const columns = {
    ...t.columns,
    startNs: t.columns.startNs.slice(),
    durationNs: t.columns.durationNs.slice(),
  };
  sendModel(
    {
      traceId: t.traceId,
      baseNs: t.baseNs,
      strings: ft.strings,
      columns: {
        ...columns,
        spanIds: t.columns.spanIds.slice(),
        parentIds: t.columns.parentIds.slice(),
        name: t.columns.name.slice(),
        service: t.columns.service.slice(),
        status: t.columns.status.slice(),
        kind: t.columns.kind.slice(),
      },
    },
    ft,
    timings,
  );
}

async function fileDetails(span: number): Promise<void> {
  const ft = fileTraces;
  const t = ft?.traces[openTrace];
  if (file === null || ft === null || t === undefined) return;
  const start = t.byteStart[span] ?? 0;
  const json = await file.slice(start, start + (t.byteLength[span] ?? 0)).text();
  const details = fileSpanDetails(ft, t, span, json);
  if (details !== undefined) reply({ kind: 'details', span, details });
}

/** The export under way: a new one or a cancel stops it. */
let exportRun = 0;

async function exportFile(format: ExportFormat): Promise<void> {
  const ft = fileTraces;
  const t = ft?.traces[openTrace];
  if (file === null || ft === null || t === undefined) return;
  const run = ++exportRun;
  let last = 0;
  try {
    const blob = await exportFileTrace(file, ft, t, format, {
      progress: (done, total) => {
        if (performance.now() - last < PROGRESS_EVERY_MS && done < total) return;
        last = performance.now();
        reply({ kind: 'export-progress', done, total });
      },
      cancelled: () => run !== exportRun,
    });
    if (blob !== null) reply({ kind: 'exported', blob });
  } catch (err) {
    reply({ kind: 'export-failed', message: err instanceof Error ? err.message : String(err) });
  }
}

addEventListener('message', (e: MessageEvent) => {
  const msg: unknown = e.data;
  if (!isWorkerRequest(msg)) return;
  const run = async () => {
    switch (msg.kind) {
      case 'fetch':
        return fetchTrace(msg.url, msg.authorization);
      case 'file':
        return readFile(msg.file);
      case 'open': {
        const i = fileTraces?.traces.findIndex((t) => t.traceId === msg.traceId) ?? -1;
        if (i >= 0) showFileTrace(i, {});
        return;
      }
      case 'details':
        return fileDetails(msg.span);
      case 'export':
        return exportFile(msg.format);
      case 'export-cancel':
        exportRun++;
        return;
      case 'warm':
        // Only a head start: a failure here must not reach the trace this worker opens next.
        try {
          warmUpFileReader();
        } catch {
          /* the real file is read all the same, only slower at first */
        }
        return;
    }
  };
  run().catch((err: unknown) => {
    reply({ kind: 'error', message: err instanceof Error ? err.message : String(err), status: null });
  });
});
