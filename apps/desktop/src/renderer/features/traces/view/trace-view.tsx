/**
 * One trace, from the server or from a file: header figures, toolbar (expand / collapse / depth, critical
 * and error path, search with next / previous), service legend with span counts, the waterfall (with
 * its minimap) or the flame graph — one selection for both — and the selected span's details; export and
 * "Compare with…" beside the tabs; the per-service breakdown below.
 */
import { useEffect, useMemo, useReducer, useState } from 'react';
import type { SpanDetails } from '../model/span-details.ts';
import type { TraceModel } from '../model/trace-model.ts';
import { CompareEntry } from './compare-entry.tsx';
import { FlameGraphView } from './flame-graph-view.tsx';
import { formatNs } from './format-ns.ts';
import { Minimap } from './minimap.tsx';
import { ServiceBreakdown, ServiceLegend } from './service-legend.tsx';
import { SpanDetailsPanel } from './span-details-panel.tsx';
import { exposeTraceView } from './test-hook.ts';
import { TimeRuler } from './time-ruler.tsx';
import { TraceExportMenu, type TraceExporter } from './trace-export-menu.tsx';
import { Waterfall } from './waterfall.tsx';
import { WaterfallState } from './waterfall-state.ts';

type TraceTab = 'waterfall' | 'flame';

export function TraceView({
  model,
  loadDetails,
  exporter,
  linksOpenStored,
  tab,
  onTab,
  compareSelf,
}: {
  model: TraceModel;
  loadDetails: (span: number) => Promise<SpanDetails>;
  /** Where Export writes the trace from: the server (stored) or the trace worker (file). */
  exporter: TraceExporter;
  linksOpenStored: boolean;
  /** Waterfall or flame graph (URL state, kept by the page). */
  tab: TraceTab;
  onTab: (tab: TraceTab) => void;
  /** This trace as the comparison's `a`: its id, or `file:<id>`. */
  compareSelf: string;
}) {
  const state = useMemo(() => new WaterfallState(model), [model]);
  const [, bump] = useReducer((n: number) => n + 1, 0);
  const [query, setQuery] = useState('');
  const version = state.version;
  useEffect(() => exposeTraceView(state), [state]);
  // The canvases take their colours from the theme tokens: redraw when the theme changes.
  useEffect(() => {
    const observer = new MutationObserver(() => {
      state.touch();
      bump();
    });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, [state]);

  const root = model.tree.roots[0] ?? 0;
  const rootName = model.strings[model.columns.name[root] ?? 0] ?? '';
  const rootService = model.strings[model.columns.service[root] ?? 0] ?? '';
  const depthOptions = Array.from({ length: Math.min(model.tree.maxDepth, 20) + 1 }, (_, d) => d);
  const act = (f: () => void) => () => {
    f();
    bump();
  };

  return (
    <div className="trace-view">
      <div className="trace-head">
        <h2 title={rootName}>
          {rootService}: {rootName}
        </h2>
        <dl className="trace-figures" aria-label="Trace figures">
          <div>
            <dt>Duration</dt>
            <dd data-testid="trace-duration">{formatNs(model.endNs)}</dd>
          </div>
          <div>
            <dt>Spans</dt>
            <dd data-testid="trace-spans">{model.columns.count.toLocaleString('en-US')}</dd>
          </div>
          <div>
            <dt>Services</dt>
            <dd>{model.services.length}</dd>
          </div>
          <div>
            <dt>Depth</dt>
            <dd>{model.tree.maxDepth + 1}</dd>
          </div>
          <div>
            <dt>Errors</dt>
            <dd className={model.errors > 0 ? 'bad' : undefined}>
              {model.errors > 0 ? `⚠ ${model.errors.toLocaleString('en-US')}` : '0'}
            </dd>
          </div>
          <div>
            <dt>Trace id</dt>
            <dd>
              <code>{model.traceId}</code>
            </dd>
          </div>
        </dl>
      </div>
      <div className="trace-toolbar" role="toolbar" aria-label="Waterfall">
        <button type="button" className="button small" onClick={act(() => state.expandAll())}>
          Expand all
        </button>
        <button type="button" className="button small" onClick={act(() => state.collapseAll())}>
          Collapse all
        </button>
        <label className="small">
          Show depth{' '}
          <select
            aria-label="Show depth"
            value=""
            onChange={(e) => {
              state.expandToDepth(Number(e.target.value));
              bump();
            }}
          >
            <option value="" disabled>
              …
            </option>
            {depthOptions.map((d) => (
              <option key={d} value={d}>
                {d + 1}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button small"
          aria-pressed={state.highlight === 'critical'}
          onClick={act(() => state.setHighlight('critical'))}
        >
          Critical path
        </button>
        <button
          type="button"
          className="button small"
          aria-pressed={state.highlight === 'errors'}
          disabled={model.errors === 0}
          title={model.errors === 0 ? 'No span failed' : undefined}
          onClick={act(() => state.setHighlight('errors'))}
        >
          Error path
        </button>
        {state.zoomed && (
          <button type="button" className="button small" onClick={act(() => state.resetZoom())}>
            Reset zoom ({formatNs(state.windowEnd - state.windowStart)})
          </button>
        )}
        <form
          className="trace-search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            if (query === state.query) state.stepMatch(1);
            else state.search(query);
            bump();
          }}
        >
          <input
            type="search"
            aria-label="Find spans"
            placeholder="Find operation, service or span id"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <span className="muted small" aria-live="polite" data-testid="search-count">
            {state.query === ''
              ? ''
              : state.matches.length === 0
                ? 'no match'
                : `${(state.matchIndex + 1).toLocaleString('en-US')} of ${state.matches.length.toLocaleString('en-US')}`}
          </span>
          <button
            type="button"
            className="button small"
            aria-label="Previous match"
            onClick={act(() => state.stepMatch(-1))}
          >
            ↑
          </button>
          <button
            type="button"
            className="button small"
            aria-label="Next match"
            onClick={act(() => state.stepMatch(1))}
          >
            ↓
          </button>
        </form>
      </div>
      <ServiceLegend model={model} />
      <div className="trace-tabs">
        <div role="tablist" aria-label="Trace views" className="tabs">
          {(
            [
              ['waterfall', 'Waterfall'],
              ['flame', 'Flame graph'],
            ] as const
          ).map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              className="tab"
              aria-selected={tab === id}
              onClick={() => onTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
        <TraceExportMenu traceId={model.traceId} exporter={exporter} />
        <CompareEntry self={compareSelf} />
      </div>
      {tab === 'waterfall' && <Minimap state={state} version={version} onChange={bump} />}
      <div className={state.selected >= 0 ? 'trace-body with-details' : 'trace-body'}>
        <div
          className="trace-main"
          role="tabpanel"
          aria-label={tab === 'flame' ? 'Flame graph' : 'Waterfall'}
        >
          {tab === 'flame' ? (
            <FlameGraphView state={state} version={version} onChange={bump} />
          ) : (
            <>
              <TimeRuler state={state} version={version} onChange={bump} />
              <Waterfall state={state} version={version} onChange={bump} />
            </>
          )}
        </div>
        {state.selected >= 0 && (
          <SpanDetailsPanel
            model={model}
            span={state.selected}
            loadDetails={loadDetails}
            linksOpenStored={linksOpenStored}
            onClose={act(() => state.select(-1))}
          />
        )}
      </div>
      <ServiceBreakdown model={model} />
    </div>
  );
}
