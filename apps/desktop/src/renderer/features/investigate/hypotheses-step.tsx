import type { Hypothesis, InvestigationResult, InvestigationVerdict } from '@apo/shared/console';
import { useState } from 'react';
import { EvidencePanel, type TimeAxis } from './evidence-panel.tsx';
import { confidenceWord, isCalm, KIND_WORDS } from './explain.ts';

/** A verdict as the page tracks it: what the user said, and whether the server has stored it. */
export interface VerdictState extends InvestigationVerdict {
  status: 'storing' | 'stored' | 'failed';
  error?: string | undefined;
}

export type VerdictHandler = (h: Hypothesis, verdict: 'confirm' | 'reject', note: string) => void;

function VerdictControls({
  h,
  state,
  onVerdict,
  readOnly,
}: {
  h: Hypothesis;
  state: VerdictState | undefined;
  onVerdict: VerdictHandler;
  readOnly: boolean;
}) {
  const [note, setNote] = useState(state?.note ?? '');
  const said =
    state === undefined
      ? null
      : `${state.verdict === 'confirm' ? 'Confirmed' : 'Rejected'}${state.note === '' ? '' : `: “${state.note}”`}`;
  if (readOnly) return <p className="verdict muted">{said ?? 'No verdict was given before saving.'}</p>;
  return (
    <div className="verdict" role="group" aria-label={`Verdict on hypothesis ${h.rank}`}>
      <input
        type="text"
        className="verdict-note"
        placeholder="Note (optional): what you found"
        aria-label={`Note on hypothesis ${h.rank}`}
        maxLength={4096}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <button
        type="button"
        className="button small"
        aria-pressed={state?.verdict === 'confirm'}
        disabled={state?.status === 'storing'}
        onClick={() => onVerdict(h, 'confirm', note)}
      >
        ✓ Confirm
      </button>
      <button
        type="button"
        className="button small"
        aria-pressed={state?.verdict === 'reject'}
        disabled={state?.status === 'storing'}
        onClick={() => onVerdict(h, 'reject', note)}
      >
        ✕ Reject
      </button>
      {state !== undefined && (
        <span role="status" className={state.status === 'failed' ? 'bad-text small' : 'muted small'}>
          {state.status === 'storing'
            ? 'Storing…'
            : state.status === 'stored'
              ? `${said ?? ''} — stored`
              : `Not stored: ${state.error ?? 'unknown error'}`}
        </span>
      )}
    </div>
  );
}

function HypothesisCard(props: {
  h: Hypothesis;
  axis: TimeAxis;
  state: VerdictState | undefined;
  onVerdict: VerdictHandler;
  readOnly: boolean;
}) {
  const { h, axis } = props;
  const words = KIND_WORDS[h.kind];
  const level = confidenceWord(h.confidence);
  const where = [
    ['service', h.service],
    ['instance', h.instance],
    ['endpoint', h.endpoint],
    ['target', h.target],
  ].filter((x): x is [string, string] => x[1] !== undefined);
  return (
    <article
      className={`hypothesis confidence-${level}`}
      aria-label={`Hypothesis ${h.rank}: ${h.kind} in ${h.service}`}
    >
      <header className="hypothesis-head">
        <span className="rank">#{h.rank}</span>
        <h4>
          {words.label} <code className="kind">{h.kind}</code>
        </h4>
        <span className="confidence" aria-label={`confidence ${h.confidence.toFixed(2)}`}>
          <span className="confidence-meter">
            <span style={{ width: `${h.confidence * 100}%` }} />
          </span>
          {h.confidence.toFixed(2)} <span className="muted small">{level}</span>
        </span>
      </header>
      <dl className="facts where">
        {where.map(([k, v]) => (
          <div key={k} className="fact">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <p className="summary-line">{h.summary}</p>
      <p className="why">
        <span className="why-label">Why this kind: </span>
        {words.means}.
      </p>
      <div className="evidence-list">
        {h.evidence.length === 0 ? (
          <p className="muted small">The engine attached no evidence to this hypothesis.</p>
        ) : (
          h.evidence.map((e, i) => <EvidencePanel key={`${e.type}-${i}`} evidence={e} axis={axis} />)
        )}
      </div>
      <VerdictControls h={h} state={props.state} onVerdict={props.onVerdict} readOnly={props.readOnly} />
    </article>
  );
}

/** Step 4 (and confirm / reject): every hypothesis with its evidence, most likely first. */
export function HypothesesStep({
  result,
  axis,
  verdicts,
  onVerdict,
  readOnly,
}: {
  result: InvestigationResult;
  axis: TimeAxis;
  verdicts: ReadonlyMap<number, VerdictState>;
  onVerdict: VerdictHandler;
  readOnly: boolean;
}) {
  const calm = isCalm(result);
  return (
    <>
      <p className="why">
        <span className="why-label">Why: </span>
        {calm
          ? 'Each check (own time, CPU, GC, memory, disk, pools, databases, dependencies, errors, restarts, deploys) needs a curve that moved at an onset or a change event; none did enough to pass 0.5. What is listed below, if anything, is weak and shown for completeness.'
          : 'Each check compares a curve after the onset with its baseline; the confidence grows with how far and how clearly it moved and how much its curves resemble the symptom’s. A root cause is a state change or a saturated resource, never a symptom.'}
      </p>
      {result.hypotheses.length === 0 ? (
        <p className="calm-note">No hypothesis: nothing to confirm or reject.</p>
      ) : (
        result.hypotheses.map((h) => (
          <HypothesisCard
            key={h.rank}
            h={h}
            axis={axis}
            state={verdicts.get(h.rank)}
            onVerdict={onVerdict}
            readOnly={readOnly}
          />
        ))
      )}
    </>
  );
}
