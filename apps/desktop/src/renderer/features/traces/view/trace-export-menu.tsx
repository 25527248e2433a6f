/**
 * Export the trace as a file: OTLP JSON or Jaeger JSON, both of which the file input opens again, every
 * span with its attributes, resource, events and links, at any size.
 *
 * - A stored trace is written by the server (its export route, streamed from storage). In the browser a
 *   plain link downloads it with the session cookie, straight to disk; the desktop app, which signs in with
 *   a bearer token a link cannot carry, fetches it and streams the body into a Blob, with progress.
 * - A trace from a file is written by the trace worker, which reads each span's details from the file in
 *   one pass (load/file-export.ts): this thread only receives the finished Blob.
 */
import { useEffect, useRef, useState } from 'react';
import { exportFileName, type ExportFormat } from '../model/trace-export.ts';

export type TraceExporter =
  | {
      kind: 'stored';
      /** The server's export route for this trace in `format`. */
      url: (format: ExportFormat) => string;
      /** The bearer token, null when the browser's session cookie signs the request. */
      authorization: () => Promise<string | null>;
    }
  | {
      kind: 'file';
      run: (
        format: ExportFormat,
        onProgress: (done: number, total: number) => void,
        signal: AbortSignal,
      ) => Promise<Blob>;
    };

type Progress =
  | { step: 'idle' }
  | { step: 'started' }
  | { step: 'downloading'; bytes: number }
  | { step: 'writing'; done: number; total: number }
  | { step: 'failed'; message: string };

function save(url: string, name: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  save(url, name);
  // The download has its own reference to the blob once started; the URL is not needed after that.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The server's answer as a Blob, read chunk by chunk so the page can show how much has arrived. */
async function fetchExport(
  url: string,
  token: string,
  signal: AbortSignal,
  onBytes: (bytes: number) => void,
): Promise<Blob> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal });
  if (!res.ok || res.body === null) {
    const body: unknown = await res.json().catch(() => null);
    throw new Error(
      typeof body === 'object' && body !== null && 'message' in body
        ? String(body.message)
        : `the server answered ${res.status} ${res.statusText}`,
    );
  }
  const parts: Uint8Array<ArrayBuffer>[] = [];
  let bytes = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    // A copy typed over a plain ArrayBuffer, as a Blob part must be (the stream types its buffer loosely).
    parts.push(value.slice());
    bytes += value.byteLength;
    onBytes(bytes);
  }
  return new Blob(parts, { type: 'application/json' });
}

const mb = (bytes: number) => `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;

export function TraceExportMenu({ traceId, exporter }: { traceId: string; exporter: TraceExporter }) {
  const [progress, setProgress] = useState<Progress>({ step: 'idle' });
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const busy = progress.step === 'downloading' || progress.step === 'writing';

  const run = async (format: ExportFormat) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    const name = exportFileName(format, traceId);
    try {
      if (exporter.kind === 'file') {
        setProgress({ step: 'writing', done: 0, total: 0 });
        const blob = await exporter.run(
          format,
          (done, total) => setProgress({ step: 'writing', done, total }),
          ctl.signal,
        );
        saveBlob(blob, name);
        setProgress({ step: 'idle' });
        return;
      }
      const token = await exporter.authorization();
      if (token === null) {
        // The browser downloads it itself, with the cookie, to disk: its download bar shows the progress.
        save(exporter.url(format), name);
        setProgress({ step: 'started' });
        return;
      }
      setProgress({ step: 'downloading', bytes: 0 });
      const blob = await fetchExport(exporter.url(format), token, ctl.signal, (bytes) =>
        setProgress({ step: 'downloading', bytes }),
      );
      saveBlob(blob, name);
      setProgress({ step: 'idle' });
    } catch (err) {
      if (ctl.signal.aborted) return;
      setProgress({ step: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  };

  const cancel = () => {
    abort.current?.abort();
    setProgress({ step: 'idle' });
  };
  const what = 'every span with its attributes, resource, events and links';
  return (
    <div className="trace-export" role="group" aria-label="Export the trace">
      <span className="small muted">Export</span>
      <button
        type="button"
        className="button small"
        disabled={busy}
        title={`OTLP JSON (ExportTraceServiceRequest): ${what}.`}
        onClick={() => void run('otlp')}
      >
        OTLP JSON
      </button>
      <button
        type="button"
        className="button small"
        disabled={busy}
        title={`Jaeger JSON ({"data":[…]}), times in µs: ${what}.`}
        onClick={() => void run('jaeger')}
      >
        Jaeger JSON
      </button>
      <span className="small muted" aria-live="polite" data-testid="export-status">
        {progress.step === 'started' && 'Download started — see the browser’s downloads'}
        {progress.step === 'downloading' && `Downloading… ${mb(progress.bytes)}`}
        {progress.step === 'writing' &&
          (progress.total === 0
            ? 'Reading the file…'
            : `Writing ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} spans…`)}
      </span>
      {busy && (
        <button type="button" className="button small" onClick={cancel}>
          Cancel
        </button>
      )}
      {progress.step === 'failed' && (
        <span className="small bad" role="alert">
          ⚠ Export failed: {progress.message}
        </span>
      )}
    </div>
  );
}
