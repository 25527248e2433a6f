/**
 * Traces: open one by id or from a file, or search the stored traces — the filters, a duration-over-time
 * scatter, the analytics of the matching (or selected) traces, and the matching traces one row each.
 */
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { chooseTraceFile } from './file-store.ts';
import { TraceFileDrop } from './trace-file-input.tsx';
import { TraceAnalytics } from './trace-analytics.tsx';
import { TraceScatter } from './trace-scatter.tsx';
import { TraceResults, TraceSearchForm } from './trace-search-panel.tsx';
import './traces.css';
import './trace-search.css';

export function TracesPage() {
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const valid = /^[0-9a-fA-F]{32}$/.test(id.trim());
  return (
    <div className="page traces-page">
      <div className="page-header">
        <h2>Traces</h2>
      </div>
      <section className="panel" aria-label="Open a trace">
        <h3>Open a trace</h3>
        <form
          className="trace-open"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid)
              void navigate({ to: '/traces/$traceId', params: { traceId: id.trim().toLowerCase() } });
          }}
        >
          <input
            aria-label="Trace id"
            placeholder="Trace id (32 hex digits)"
            value={id}
            onChange={(e) => setId(e.target.value)}
            spellCheck={false}
          />
          <button type="submit" className="button primary" disabled={!valid}>
            Open
          </button>
        </form>
        <TraceFileDrop
          onFile={(file) => {
            chooseTraceFile(file);
            void navigate({ to: '/traces/file' });
          }}
        />
      </section>
      <section className="panel" aria-label="Search traces">
        <h3>Search traces</h3>
        <TraceSearchForm />
      </section>
      <TraceScatter />
      <TraceAnalytics />
      <TraceResults />
    </div>
  );
}
