/**
 * A trace from a file on this machine (OTLP or Jaeger JSON): no server involved, so it opens with the
 * server stopped. A file with several traces opens the largest and lists the others.
 */
import { Link, useSearch } from '@tanstack/react-router';
import { useCallback, useEffect, useMemo } from 'react';
import { useSetSearch } from '../../app/use-view-search.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { ProblemState } from '../../ui/states/problem-state.tsx';
import { exposeBridgeFileHook } from './bridge-file-hook.ts';
import { chooseTraceFile, useChosenTraceFile } from './file-store.ts';
import { useTraceLoader, type TraceSource } from './load/use-trace-loader.ts';
import { TraceFileDrop } from './trace-file-input.tsx';
import { TraceProgress } from './trace-progress.tsx';
import type { TraceExporter } from './view/trace-export-menu.tsx';
import { TraceView } from './view/trace-view.tsx';
import './traces.css';

const mb = (bytes: number) => `${(bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;

export function TraceFilePage() {
  const { view } = useSearch({ from: '/shell/traces/file' });
  const setSearch = useSetSearch();
  const { file, opening } = useChosenTraceFile();
  useEffect(() => exposeBridgeFileHook(), []);
  const source = useMemo((): TraceSource | null => (file === null ? null : { kind: 'file', file }), [file]);
  const { load, openFileTrace, fileSpanDetails, exportFileTrace } = useTraceLoader(source, 0);
  const exporter = useMemo((): TraceExporter => ({ kind: 'file', run: exportFileTrace }), [exportFileTrace]);
  const pick = useCallback((f: File) => chooseTraceFile(f), []);

  return (
    <div className="page traces-page">
      <div className="page-header">
        <nav aria-label="Breadcrumb" className="breadcrumb">
          <Link to="/traces">Traces</Link> <span aria-hidden="true">/</span>
        </nav>
        <h2>{file === null ? 'Open a trace file' : file.name}</h2>
      </div>
      <TraceFileDrop onFile={pick} />
      {opening?.state === 'reading' && (
        <p className="small muted" role="status" data-testid="file-opening">
          Reading {opening.name} from disk… {mb(opening.bytes)} of {mb(opening.size)}
        </p>
      )}
      {opening?.state === 'failed' && (
        <ProblemState title={`${opening.name} could not be opened`}>
          <p className="file-error" data-testid="file-error">
            {opening.message}
          </p>
        </ProblemState>
      )}
      {file === null && opening === null && (
        <EmptyState title="No file open">
          <p className="muted">
            Choose an OTLP JSON export (e.g. the OpenTelemetry Collector&apos;s file exporter) or a Jaeger
            JSON download. It is read here, in this window.
          </p>
        </EmptyState>
      )}
      {file !== null && load.state === 'loading' && (
        <TraceProgress progress={load.progress} what={file.name} />
      )}
      {file !== null && load.state === 'error' && (
        <ProblemState title={`${file.name} could not be read`}>
          <p className="file-error" data-testid="file-error">
            {load.message}
          </p>
        </ProblemState>
      )}
      {load.state === 'ready' && load.fileTraces.length > 1 && (
        <label className="small file-traces">
          This file holds {load.fileTraces.length} traces:{' '}
          <select
            aria-label="Trace in this file"
            value={load.model.traceId}
            onChange={(e) => openFileTrace(e.target.value)}
          >
            {load.fileTraces.map((t) => (
              <option key={t.traceId} value={t.traceId}>
                {t.traceId} — {t.spans.toLocaleString('en-US')} spans
              </option>
            ))}
          </select>
        </label>
      )}
      {load.state === 'ready' && (
        <TraceView
          model={load.model}
          loadDetails={fileSpanDetails}
          exporter={exporter}
          linksOpenStored={false}
          tab={view ?? 'waterfall'}
          onTab={(t) => setSearch({ view: t === 'flame' ? 'flame' : undefined })}
          compareSelf={`file:${load.model.traceId}`}
        />
      )}
    </div>
  );
}
