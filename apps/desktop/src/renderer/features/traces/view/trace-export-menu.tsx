/**
 * Export the trace as a file: OTLP JSON or Jaeger JSON (model/trace-export.ts), both of which the file
 * input opens again. Up to DETAILS_LIMIT spans, each span's details (attributes, resource, events, links)
 * are read first — from the server (`traces.span`) or from the file — so the export is complete; a larger
 * trace is exported from the model alone, and the button says so.
 */
import { useEffect, useRef, useState } from 'react';
import type { SpanDetails } from '../model/span-details.ts';
import { exportFileName, exportPieces, type ExportFormat } from '../model/trace-export.ts';
import type { TraceModel } from '../model/trace-model.ts';
import { collectInSlices } from './run-in-slices.ts';

const DETAILS_LIMIT = 1000;
const PARALLEL_READS = 6;

type Progress =
  | { step: 'idle' }
  | { step: 'details'; done: number; total: number }
  | { step: 'writing'; done: number; total: number }
  | { step: 'failed'; message: string };

async function readDetails(
  count: number,
  load: (span: number) => Promise<SpanDetails>,
  signal: AbortSignal,
  onProgress: (done: number) => void,
): Promise<Map<number, SpanDetails>> {
  const out = new Map<number, SpanDetails>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      if (signal.aborted) throw new DOMException('stopped', 'AbortError');
      const span = next++;
      out.set(span, await load(span));
      onProgress(out.size);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, count) }, worker));
  return out;
}

function download(parts: string[], name: string): void {
  const url = URL.createObjectURL(new Blob(parts, { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  // The download has its own reference to the blob once started; the URL is not needed after that.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function TraceExportMenu({
  model,
  loadDetails,
}: {
  model: TraceModel;
  loadDetails: (span: number) => Promise<SpanDetails>;
}) {
  const [progress, setProgress] = useState<Progress>({ step: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const count = model.columns.count;
  const full = count <= DETAILS_LIMIT;
  const busy = progress.step === 'details' || progress.step === 'writing';

  const run = async (format: ExportFormat) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    try {
      let details = new Map<number, SpanDetails>();
      if (full) {
        setProgress({ step: 'details', done: 0, total: count });
        details = await readDetails(count, loadDetails, ctl.signal, (done) =>
          setProgress({ step: 'details', done, total: count }),
        );
      }
      setProgress({ step: 'writing', done: 0, total: count });
      const parts = await collectInSlices(exportPieces(format, model, details), ctl.signal, (done) =>
        setProgress({ step: 'writing', done: Math.min(done, count), total: count }),
      );
      download(parts, exportFileName(format, model.traceId));
      setProgress({ step: 'idle' });
    } catch (err) {
      if (ctl.signal.aborted) return;
      setProgress({ step: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const limitNote = full
    ? 'With every span’s attributes, resource, events and links.'
    : `Over ${DETAILS_LIMIT.toLocaleString('en-US')} spans: names, services, times, status and kind only — attributes and events are read per span and are left out.`;
  return (
    <div className="trace-export" role="group" aria-label="Export the trace">
      <span className="small muted">Export</span>
      <button
        type="button"
        className="button small"
        disabled={busy}
        title={`OTLP JSON (ExportTraceServiceRequest). ${limitNote}`}
        onClick={() => void run('otlp')}
      >
        OTLP JSON
      </button>
      <button
        type="button"
        className="button small"
        disabled={busy}
        title={`Jaeger JSON ({"data":[…]}), times in µs. ${limitNote}`}
        onClick={() => void run('jaeger')}
      >
        Jaeger JSON
      </button>
      <span className="small muted" aria-live="polite" data-testid="export-status">
        {progress.step === 'details' &&
          `Reading span details ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')}…`}
        {progress.step === 'writing' &&
          `Writing ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} spans…`}
        {progress.step === 'idle' && !full && 'structure and timing only (large trace)'}
      </span>
      {progress.step === 'failed' && (
        <span className="small bad" role="alert">
          ⚠ Export failed: {progress.message}
        </span>
      )}
    </div>
  );
}
