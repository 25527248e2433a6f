/**
 * Two traces compared (`/traces/compare?a=…&b=…`): each opened by its own trace worker — a stored trace
 * from the server's columns route, or `file:<id>` from the file open in this window — then their call paths
 * aligned (model/trace-compare.ts, run in slices on the page) and shown side by side with what changed.
 */
import { Link, useSearch } from '@tanstack/react-router';
import { useEffect, useMemo, useState } from 'react';
import { useActiveConnection } from '../../app/active-connection.ts';
import { useConnection } from '../../app/data/connection.tsx';
import { useSetSearch } from '../../app/use-view-search.ts';
import { EmptyState } from '../../ui/states/empty-state.tsx';
import { ProblemState } from '../../ui/states/problem-state.tsx';
import { chosenTraceFile } from './file-store.ts';
import { useTraceLoader, type TraceLoad, type TraceSource } from './load/use-trace-loader.ts';
import { compareTraces, type TraceComparison } from './model/trace-compare.ts';
import { hasFlame, type TraceModel } from './model/trace-model.ts';
import { DEFAULT_THRESHOLD, parseTraceRef } from './trace-compare-search.ts';
import { TraceProgress } from './trace-progress.tsx';
import { CompareTable, formatDeltaNs } from './view/compare-table.tsx';
import { formatNs } from './view/format-ns.ts';
import { runInSlices } from './view/run-in-slices.ts';
import './traces.css';

type Side =
  | { ok: true; ref: string; file: boolean; traceId: string; source: TraceSource | null }
  | { ok: false; ref: string; problem: string };

function useSide(
  ref: string | undefined,
  serverUrl: string,
  token: () => Promise<string | null>,
): Side | null {
  return useMemo((): Side | null => {
    if (ref === undefined) return null;
    const parsed = parseTraceRef(ref);
    if (parsed === null) {
      return {
        ok: false,
        ref,
        problem: `"${ref}" is not a trace id: a trace id is 32 hex digits, or file:<id>`,
      };
    }
    if (parsed.file) {
      const file = chosenTraceFile();
      return { ok: true, ref, ...parsed, source: file === null ? null : { kind: 'file', file } };
    }
    const url = `${serverUrl}/api/console/traces/${encodeURIComponent(parsed.traceId)}/columns`;
    return { ok: true, ref, ...parsed, source: { kind: 'server', url, authorization: token } };
  }, [ref, serverUrl, token]);
}

/** A side's trace once loaded — for a file, the wanted trace of the file (opened when it is not the first). */
function useSideModel(side: Side | null, attempt: number) {
  const source = side?.ok === true ? side.source : null;
  const { load, openFileTrace } = useTraceLoader(source, attempt);
  const wanted = side?.ok === true && side.file ? side.traceId : null;
  const inFile = load.state === 'ready' && load.fileTraces.some((t) => t.traceId === wanted);
  const other = load.state === 'ready' && wanted !== null && load.model.traceId !== wanted;
  useEffect(() => {
    if (other && inFile) openFileTrace(wanted);
  }, [other, inFile, wanted, openFileTrace]);
  const model = load.state === 'ready' && !other ? load.model : null;
  const missingInFile = other && !inFile;
  return { load, model, missingInFile };
}

function SideState({
  label,
  side,
  load,
  missingInFile,
  onRetry,
}: {
  /** A or B, before every title: which of the two failed. */
  label: string;
  side: Side;
  load: TraceLoad;
  missingInFile: boolean;
  onRetry: () => void;
}) {
  if (!side.ok) return <ProblemState title={`${label}: ${side.problem}`} />;
  if (side.source === null) {
    return (
      <ProblemState
        title={`${label}: no trace file is open in this window for ${side.ref}`}
        hint={
          <p>
            Open the file again (<Link to="/traces/file">Traces → open a file</Link>), then use its “Compare
            with…” field.
          </p>
        }
      />
    );
  }
  if (missingInFile) return <ProblemState title={`${label}: the open file holds no trace ${side.traceId}`} />;
  if (load.state === 'loading')
    return <TraceProgress progress={load.progress} what={`${label}: trace ${side.traceId}`} />;
  if (load.state === 'error') {
    return (
      <ProblemState
        title={
          load.status === 404
            ? `${label}: trace ${side.traceId} is not stored on this server`
            : `${label}: trace ${side.traceId} could not be loaded: ${load.message}`
        }
        hint={
          load.status === 404
            ? 'It may be older than the retention, sampled out, or in another cluster.'
            : undefined
        }
        onRetry={onRetry}
      />
    );
  }
  return null;
}

function TraceCard({ label, side, model }: { label: string; side: Side; model: TraceModel }) {
  const root = model.tree.roots[0] ?? 0;
  const name = model.strings[model.columns.name[root] ?? 0] ?? '';
  const service = model.strings[model.columns.service[root] ?? 0] ?? '';
  return (
    <section className="panel cmp-card" aria-label={`Trace ${label}`}>
      <h3>
        {label}: {service}: {name}
      </h3>
      <p className="small">
        {side.ok && !side.file ? (
          <Link to="/traces/$traceId" params={{ traceId: model.traceId }}>
            <code>{model.traceId}</code>
          </Link>
        ) : (
          <code>file: {model.traceId}</code>
        )}
      </p>
      <dl className="trace-figures">
        <div>
          <dt>Duration</dt>
          <dd data-testid={`cmp-duration-${label}`}>{formatNs(model.endNs)}</dd>
        </div>
        <div>
          <dt>Spans</dt>
          <dd>{model.columns.count.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>Errors</dt>
          <dd className={model.errors > 0 ? 'bad' : undefined}>
            {model.errors > 0 ? `⚠ ${model.errors.toLocaleString('en-US')}` : '0'}
          </dd>
        </div>
      </dl>
    </section>
  );
}

export function TraceComparePage() {
  const search = useSearch({ from: '/shell/traces/compare' });
  const setSearch = useSetSearch();
  const { serverUrl } = useConnection();
  const active = useActiveConnection();
  const [attempt, setAttempt] = useState(0);
  const sideA = useSide(search.a, serverUrl, active.token);
  const sideB = useSide(search.b, serverUrl, active.token);
  const a = useSideModel(sideA, attempt);
  const b = useSideModel(sideB, attempt);
  const threshold = search.threshold ?? DEFAULT_THRESHOLD;
  const [comparison, setComparison] = useState<TraceComparison | null>(null);

  useEffect(() => {
    setComparison(null);
    // Call paths are the flame graphs' frames, which arrive just after each model.
    const ma = a.model;
    const mb = b.model;
    if (ma === null || mb === null || !hasFlame(ma) || !hasFlame(mb)) return;
    const ctl = new AbortController();
    // Paths moving by less than 1 % of the longer trace are noise, whatever their own share.
    const minNs = Math.max(ma.endNs, mb.endNs) / 100;
    runInSlices(compareTraces(ma, mb, { percent: threshold, minNs }), ctl.signal)
      .then(setComparison)
      .catch(() => undefined);
    return () => ctl.abort();
  }, [a.model, b.model, a.model?.flame, b.model?.flame, threshold]);

  const header = (
    <div className="page-header">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/traces">Traces</Link> <span aria-hidden="true">/</span>
      </nav>
      <h2>Compare traces</h2>
    </div>
  );
  if (sideA === null || sideB === null) {
    return (
      <div className="page traces-page">
        {header}
        <EmptyState title="Choose two traces to compare">
          <p className="muted">
            Open a trace and use its “Compare with…” field, or give both ids in the address:{' '}
            <code>#/traces/compare?a=&lt;trace id&gt;&amp;b=&lt;trace id&gt;</code>.
          </p>
        </EmptyState>
      </div>
    );
  }
  const retry = () => setAttempt((n) => n + 1);
  return (
    <div className="page traces-page">
      {header}
      <div className="cmp-cards">
        {a.model !== null ? (
          <TraceCard label="A" side={sideA} model={a.model} />
        ) : (
          <SideState label="A" side={sideA} load={a.load} missingInFile={a.missingInFile} onRetry={retry} />
        )}
        {b.model !== null ? (
          <TraceCard label="B" side={sideB} model={b.model} />
        ) : (
          <SideState label="B" side={sideB} load={b.load} missingInFile={b.missingInFile} onRetry={retry} />
        )}
      </div>
      {a.model !== null && b.model !== null && (
        <section className="panel" aria-label="Differences">
          <div className="cmp-toolbar">
            <p className="cmp-summary" data-testid="cmp-summary">
              B took <strong>{formatDeltaNs(b.model.endNs - a.model.endNs)}</strong> against A.{' '}
              {comparison === null
                ? 'Aligning the call paths…'
                : `${comparison.counts.slower} slower · ${comparison.counts.faster} faster · ${comparison.counts.added} added · ${comparison.counts.missing} missing · ${comparison.counts.same} unchanged`}
            </p>
            <label className="small">
              Changed when over{' '}
              <input
                type="number"
                min={0}
                max={1000}
                step={5}
                aria-label="Change threshold, percent"
                value={threshold}
                onChange={(e) => {
                  const v = Number(e.target.value);
                  if (Number.isFinite(v) && v >= 0)
                    setSearch({ threshold: v === DEFAULT_THRESHOLD ? undefined : v }, { replace: true });
                }}
              />{' '}
              % (and 1 % of the trace)
            </label>
            <label className="small">
              <input
                type="checkbox"
                checked={search.changes === true}
                onChange={(e) => setSearch({ changes: e.target.checked ? true : undefined })}
              />{' '}
              Only changes
            </label>
          </div>
          {comparison !== null && (
            <CompareTable comparison={comparison} onlyChanges={search.changes === true} />
          )}
        </section>
      )}
    </div>
  );
}
