/**
 * Guided troubleshooting (issue 17): from "something is slow or failing" to the most likely cause with its
 * evidence. Entered from an overview row, a service or endpoint, a trace, or the navigation; the URL holds
 * what is investigated over which (pinned) window, so a pasted link reopens the same investigation.
 */
import type { Hypothesis, InvestigationResult } from '@apo/shared/console';
import { useSearch } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { QueryState } from '../../app/data/query-state.tsx';
import { useGlobalSearch, useSetSearch } from '../../app/use-view-search.ts';
import { CopyButton } from '../../ui/primitives/copy-button.tsx';
import { PanelBoundary } from '../../ui/states/panel-boundary.tsx';
import { TableSkeleton } from '../../ui/states/skeleton.tsx';
import { isRelative, resolveTimeRange } from '../../ui/time-picker/time-range.ts';
import { describeWindow } from './explain.ts';
import type { VerdictState } from './hypotheses-step.tsx';
import type { WizardStep } from './investigate-search.ts';
import { RunProgress, StartForm, TraceCause } from './run-parts.tsx';
import { SavedDetails, SavedList } from './saved-list.tsx';
import { SaveStep, type SaveRequest } from './save-step.tsx';
import { useInvestigation, type RunTarget } from './use-investigation.ts';
import { Wizard } from './wizard.tsx';
import './investigate.css';

const MINUTE_MS = 60_000;
/** Around a trace: the half hour before it (the baseline) and a quarter of an hour after. */
const TRACE_BEFORE_MS = 30 * MINUTE_MS;
const TRACE_AFTER_MS = 15 * MINUTE_MS;

const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

/** The user's verdicts on one result, keyed by rank; reset when another result is shown. */
function useVerdicts(resultId: string | undefined, initial: () => Map<number, VerdictState>) {
  const [state, setState] = useState({ id: resultId, verdicts: initial() });
  if (state.id !== resultId) {
    const fresh = { id: resultId, verdicts: initial() };
    setState(fresh);
    return [fresh.verdicts, setState] as const;
  }
  return [state.verdicts, setState] as const;
}

export function InvestigatePage() {
  const search = useSearch({ from: '/shell/investigate' });
  const view = useGlobalSearch();
  const setSearch = useSetSearch();
  const pinned = !isRelative(view.from) && !isRelative(view.to);
  const wanted = search.saved === undefined && (search.service !== undefined || search.all === true);

  // A relative range ("last hour") would run another window on every open: pin it to absolute ends first.
  useEffect(() => {
    if (!wanted || pinned) return;
    const { fromMs, toMs } = resolveTimeRange(view, Date.now());
    setSearch({ from: fromMs, to: toMs }, { replace: true });
  }, [wanted, pinned, view, setSearch]);

  const target: RunTarget | null =
    wanted && pinned
      ? {
          from: Number(view.from),
          to: Number(view.to),
          service: search.service,
          endpoint: search.endpoint,
          cluster: search.cluster,
        }
      : null;
  const data = useInvestigation({
    run: target,
    traceId: search.saved === undefined ? search.traceId : undefined,
    cluster: search.cluster,
    saved: search.saved,
  });

  // From a trace: once its root cause is known, investigate its entry service around its start.
  const cause = data.trace.data;
  useEffect(() => {
    if (cause === undefined || search.service !== undefined || cause.startMs === null) return;
    const service = cause.entryService ?? cause.rootCause?.service;
    if (service === undefined) return;
    const from = Math.floor((cause.startMs - TRACE_BEFORE_MS) / MINUTE_MS) * MINUTE_MS;
    const to = Math.max(from + MINUTE_MS, Math.min(Date.now(), cause.startMs + TRACE_AFTER_MS));
    setSearch({ service, from, to }, { replace: true });
  }, [cause, search.service, setSearch]);

  const result: InvestigationResult | undefined =
    search.saved === undefined ? data.run.data : data.saved.data?.result;
  const [verdicts, setVerdicts] = useVerdicts(result?.id, () =>
    search.saved === undefined
      ? new Map<number, VerdictState>()
      : new Map<number, VerdictState>(
          (data.saved.data?.verdicts ?? []).map((v) => [v.rank, { ...v, status: 'stored' as const }]),
        ),
  );
  const step: WizardStep = search.step ?? 'impact';
  const onStep = (s: WizardStep) => setSearch({ step: s });

  const setVerdict = (rank: number, v: VerdictState) =>
    setVerdicts((prev) => ({ id: prev.id, verdicts: new Map(prev.verdicts).set(rank, v) }));
  const onVerdict = (h: Hypothesis, verdict: 'confirm' | 'reject', note: string) => {
    if (result === undefined) return;
    setVerdict(h.rank, { rank: h.rank, verdict, note, status: 'storing' });
    data.feedback.mutate(
      {
        investigationId: result.id,
        kind: h.kind,
        service: h.service,
        target: h.target,
        confidence: h.confidence,
        verdict,
        note: note === '' ? undefined : note,
      },
      {
        onSuccess: () => setVerdict(h.rank, { rank: h.rank, verdict, note, status: 'stored' }),
        onError: (err) =>
          setVerdict(h.rank, { rank: h.rank, verdict, note, status: 'failed', error: err.message }),
      },
    );
  };
  const saveRequest = (req: SaveRequest, r: InvestigationResult) => ({
    ...req,
    result: r,
    verdicts: [...verdicts.values()].map(({ rank, verdict, note }) => ({ rank, verdict, note })),
  });

  const subject =
    [search.service ?? (search.all === true ? 'all services' : undefined), search.endpoint]
      .filter((s) => s !== undefined)
      .join(' ') || (search.traceId !== undefined ? `trace ${search.traceId}` : '');
  const windowText = target === null ? null : describeWindow(target.from, target.to);
  const [removing, setRemoving] = useState<string | null>(null);

  return (
    <div className="page investigate-page">
      <div className="page-header">
        <h2>Investigate</h2>
        {subject !== '' && search.saved === undefined && (
          <span className="pill filter-pill">
            <strong>{subject}</strong>
            {windowText !== null && <span className="muted"> · {windowText}</span>}
          </span>
        )}
        {(target !== null || search.saved !== undefined) && (
          <CopyButton text={window.location.href} label="Copy link" />
        )}
        {(wanted || search.saved !== undefined || search.traceId !== undefined) && (
          <button
            type="button"
            className="button small"
            onClick={() =>
              setSearch({
                service: undefined,
                endpoint: undefined,
                traceId: undefined,
                saved: undefined,
                all: undefined,
                step: undefined,
              })
            }
          >
            New investigation
          </button>
        )}
      </div>

      {search.traceId !== undefined && search.saved === undefined && (
        <PanelBoundary name="Trace root cause">
          <QueryState
            query={data.trace}
            what={`the root cause of trace ${search.traceId}`}
            skeleton={<RunProgress subject={`trace ${search.traceId}`} />}
          >
            {(c) => <TraceCause cause={c} />}
          </QueryState>
        </PanelBoundary>
      )}

      {search.saved !== undefined ? (
        <PanelBoundary name="Saved investigation">
          <QueryState
            query={data.saved}
            what="this saved investigation"
            skeleton={<TableSkeleton columns={4} rows={4} label="Loading the saved investigation" />}
          >
            {(saved) => (
              <Wizard
                result={saved.result}
                step={step}
                onStep={onStep}
                verdicts={verdicts}
                onVerdict={onVerdict}
                readOnly
                save={<SavedDetails saved={saved} />}
              />
            )}
          </QueryState>
        </PanelBoundary>
      ) : target !== null ? (
        <PanelBoundary name="Investigation">
          <QueryState
            query={data.run}
            what={`the investigation of ${subject}`}
            skeleton={<RunProgress subject={subject} />}
          >
            {(r) => (
              <Wizard
                result={r}
                step={step}
                onStep={onStep}
                verdicts={verdicts}
                onVerdict={onVerdict}
                readOnly={false}
                save={
                  <SaveStep
                    key={r.id}
                    result={r}
                    sizeOf={(req) => bytesOf(saveRequest(req, r))}
                    onSave={(req) => data.save.mutate(saveRequest(req, r))}
                    saving={data.save.isPending}
                    error={
                      data.save.variables?.result.id === r.id ? (data.save.error?.message ?? null) : null
                    }
                    savedId={data.save.variables?.result.id === r.id ? (data.save.data?.id ?? null) : null}
                  />
                }
              />
            )}
          </QueryState>
        </PanelBoundary>
      ) : search.traceId === undefined ? (
        <StartForm
          view={view}
          onStart={(service, endpoint) =>
            setSearch({ service, endpoint, all: service === undefined ? true : undefined, step: undefined })
          }
        />
      ) : null}

      <SavedList
        list={data.list}
        removing={removing}
        removeError={data.remove.error?.message ?? null}
        onRemove={(id) => {
          setRemoving(id);
          data.remove.mutate({ id }, { onSettled: () => setRemoving(null) });
        }}
      />
    </div>
  );
}
