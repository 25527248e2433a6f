/**
 * Opens a trace in the trace worker and follows its progress: a stored trace (the server's columns route)
 * or a file. The worker lives as long as the view: a file trace's span details are read from the file by
 * it on demand.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SpanDetails } from '../model/span-details.ts';
import type { ExportFormat } from '../model/trace-export.ts';
import type { TraceModel } from '../model/trace-model.ts';
import {
  isWorkerReply,
  type FileTraceSummary,
  type LoadProgress,
  type WorkerRequest,
} from './worker-protocol.ts';

const startWorker = () =>
  new Worker(new URL('./trace-worker.ts', import.meta.url), { type: 'module', name: 'trace' });

/** A worker started before it was needed (prewarmTraceWorker), for the next trace opened. */
let spare: Worker | null = null;

/**
 * Starts the next trace's worker now, while the user is still choosing a file: opening one then skips the
 * worker's start-up, and its file reader is already compiled for speed (model/warm-up.ts).
 */
export function prewarmTraceWorker(): void {
  if (spare !== null) return;
  spare = startWorker();
  spare.postMessage({ kind: 'warm' } satisfies WorkerRequest);
}

function takeWorker(): Worker {
  const worker = spare ?? startWorker();
  spare = null;
  return worker;
}

interface PendingExport {
  resolve: (file: Blob) => void;
  reject: (err: Error) => void;
  onProgress: (done: number, total: number) => void;
}

export type TraceLoad =
  | { state: 'loading'; progress: LoadProgress | null }
  | {
      state: 'ready';
      model: TraceModel;
      fileTraces: FileTraceSummary[];
      timings: Record<string, number>;
      /** When the request was made (performance.now()), for the benchmark. */
      startedAt: number;
    }
  | { state: 'error'; message: string; status: number | null };

export type TraceSource =
  { kind: 'server'; url: string; authorization: () => Promise<string | null> } | { kind: 'file'; file: File };

export function useTraceLoader(source: TraceSource | null, attempt: number) {
  const [load, setLoad] = useState<TraceLoad>({ state: 'loading', progress: null });
  const workerRef = useRef<Worker | null>(null);
  const detailsWaiters = useRef(new Map<number, (d: SpanDetails) => void>());
  const exporting = useRef<PendingExport | null>(null);

  useEffect(() => {
    if (source === null) return;
    const worker = takeWorker();
    workerRef.current = worker;
    const startedAt = performance.now();
    setLoad({ state: 'loading', progress: null });
    worker.addEventListener('message', (e: MessageEvent) => {
      const msg: unknown = e.data;
      if (!isWorkerReply(msg)) return;
      if (msg.kind === 'progress') setLoad({ state: 'loading', progress: msg.progress });
      else if (msg.kind === 'model') {
        // The worker's own figures (read, parse, build), for the benchmark to report beside its own.
        performance.mark('apo-trace-worker', { detail: msg.timings });
        setLoad({
          state: 'ready',
          model: msg.model,
          fileTraces: msg.fileTraces,
          timings: msg.timings,
          startedAt,
        });
      } else if (msg.kind === 'flame') {
        // Attached to the model already shown (not a new model: the view's state over it stays).
        setLoad((prev) => {
          if (prev.state !== 'ready' || prev.model.traceId !== msg.traceId) return prev;
          prev.model.flame = msg.flame;
          return { ...prev };
        });
      } else if (msg.kind === 'error') setLoad({ state: 'error', message: msg.message, status: msg.status });
      else if (msg.kind === 'export-progress') exporting.current?.onProgress(msg.done, msg.total);
      else if (msg.kind === 'exported' || msg.kind === 'export-failed') {
        const pending = exporting.current;
        exporting.current = null;
        if (msg.kind === 'exported') pending?.resolve(msg.blob);
        else pending?.reject(new Error(msg.message));
      } else {
        detailsWaiters.current.get(msg.span)?.(msg.details);
        detailsWaiters.current.delete(msg.span);
      }
    });
    worker.addEventListener('error', (e) => {
      setLoad({ state: 'error', message: `the trace worker failed: ${e.message}`, status: null });
    });
    const post = (req: WorkerRequest) => worker.postMessage(req);
    if (source.kind === 'file') post({ kind: 'file', file: source.file });
    else {
      void source
        .authorization()
        .then((token) =>
          post({ kind: 'fetch', url: source.url, authorization: token === null ? null : `Bearer ${token}` }),
        );
    }
    return () => {
      worker.terminate();
      workerRef.current = null;
    };
  }, [source, attempt]);

  const openFileTrace = useCallback((traceId: string) => {
    setLoad({ state: 'loading', progress: null });
    workerRef.current?.postMessage({ kind: 'open', traceId } satisfies WorkerRequest);
  }, []);

  const fileSpanDetails = useCallback(
    (span: number) =>
      new Promise<SpanDetails>((resolve) => {
        detailsWaiters.current.set(span, resolve);
        workerRef.current?.postMessage({ kind: 'details', span } satisfies WorkerRequest);
      }),
    [],
  );

  /** The open file trace as a file, every span's details read from the file by the worker. */
  const exportFileTrace = useCallback(
    (format: ExportFormat, onProgress: (done: number, total: number) => void, signal: AbortSignal) =>
      new Promise<Blob>((resolve, reject) => {
        const worker = workerRef.current;
        if (worker === null) {
          reject(new Error('the trace is not open'));
          return;
        }
        exporting.current?.reject(new DOMException('replaced', 'AbortError'));
        exporting.current = { resolve, reject, onProgress };
        signal.addEventListener('abort', () => {
          worker.postMessage({ kind: 'export-cancel' } satisfies WorkerRequest);
          exporting.current?.reject(new DOMException('stopped', 'AbortError'));
          exporting.current = null;
        });
        worker.postMessage({ kind: 'export', format } satisfies WorkerRequest);
      }),
    [],
  );

  return { load, openFileTrace, fileSpanDetails, exportFileTrace };
}
