/**
 * Messages between the page and the trace worker (trace-worker.ts). The worker downloads or reads the
 * trace, builds the model and sends it back with its typed arrays transferred, not copied.
 */
import type { FlameGraph } from '../model/flame-graph.ts';
import type { SpanDetails } from '../model/span-details.ts';
import type { ExportFormat } from '../model/trace-export.ts';
import type { TraceModel } from '../model/trace-model.ts';

export type WorkerRequest =
  | { kind: 'fetch'; url: string; authorization: string | null }
  | { kind: 'file'; file: File }
  /** Another trace of the file already read. */
  | { kind: 'open'; traceId: string }
  /** The details of a span of a file trace (span index in the open trace). */
  | { kind: 'details'; span: number }
  /** The open file trace written out whole, every span with its details read from the file. */
  | { kind: 'export'; format: ExportFormat }
  | { kind: 'export-cancel' }
  /** Started ahead of need: warm the file reader up (model/warm-up.ts) while the user picks a file. */
  | { kind: 'warm' };

export interface ServiceCount {
  name: string;
  spans: number;
  errors: number;
}

/** What is known before the model is built: the summary a very large trace shows first. */
export interface LoadProgress {
  phase: 'download' | 'read' | 'build';
  spans: number;
  /** Spans expected (server), or bytes read of the file's total. */
  total: number | null;
  bytes: number;
  totalBytes: number | null;
  services: ServiceCount[];
}

export interface FileTraceSummary {
  traceId: string;
  spans: number;
  format: 'otlp' | 'jaeger';
}

export type WorkerReply =
  | { kind: 'progress'; progress: LoadProgress }
  | { kind: 'model'; model: TraceModel; fileTraces: FileTraceSummary[]; timings: Record<string, number> }
  /** The flame graph of the model just sent, built after it. */
  | { kind: 'flame'; traceId: string; flame: FlameGraph }
  | { kind: 'error'; message: string; status: number | null }
  | { kind: 'details'; span: number; details: SpanDetails }
  | { kind: 'export-progress'; done: number; total: number }
  | { kind: 'exported'; blob: Blob }
  /** The export failed; the trace stays open. */
  | { kind: 'export-failed'; message: string };

export function isWorkerReply(v: unknown): v is WorkerReply {
  return typeof v === 'object' && v !== null && 'kind' in v && typeof v.kind === 'string';
}

export function isWorkerRequest(v: unknown): v is WorkerRequest {
  return typeof v === 'object' && v !== null && 'kind' in v && typeof v.kind === 'string';
}
