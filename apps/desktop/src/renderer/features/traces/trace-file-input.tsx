/**
 * Picks a trace file: a file input, and dropping a file anywhere on the zone. OTLP JSON and Jaeger JSON;
 * the file is read in the trace worker, never on this thread.
 */
import { useEffect, useState, type DragEvent, type ReactNode } from 'react';
import { prewarmTraceWorker } from './load/use-trace-loader.ts';

export function TraceFileDrop({ onFile, children }: { onFile: (file: File) => void; children?: ReactNode }) {
  const [over, setOver] = useState(false);
  // Whoever sees this may open a file next: its worker starts (and warms up) now, not after the choice.
  useEffect(() => prewarmTraceWorker(), []);
  const take = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file !== undefined) onFile(file);
  };
  return (
    <div
      className={over ? 'file-drop over' : 'file-drop'}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={take}
    >
      <label className="button">
        Open a trace file…
        <input
          type="file"
          accept=".json,.jsonl,application/json"
          aria-label="Open a trace file"
          className="visually-hidden"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file !== undefined) onFile(file);
            e.target.value = '';
          }}
        />
      </label>
      <span className="muted small">
        or drop one here — OTLP JSON (one or many requests, also one per line) or Jaeger JSON. Read on this
        machine only; no server needed.
      </span>
      {children}
    </div>
  );
}
