import type { InvestigationResult } from '@apo/shared/console';
import type { ReactNode } from 'react';
import { DependenciesStep, ImpactStep, TimelineStep } from './analysis-steps.tsx';
import type { TimeAxis } from './evidence-panel.tsx';
import { describeAnswer, isCalm } from './explain.ts';
import { HypothesesStep, type VerdictHandler, type VerdictState } from './hypotheses-step.tsx';
import { WIZARD_STEPS, type WizardStep } from './investigate-search.ts';

const STEP_TITLE: Record<WizardStep, string> = {
  impact: 'Impact',
  timeline: 'Timeline',
  dependencies: 'Dependencies',
  hypotheses: 'Hypotheses',
  save: 'Save',
};

const STEP_QUESTION: Record<WizardStep, string> = {
  impact: 'What degraded, by how much, since when?',
  timeline: 'When did it start? Log errors, p90 latency and error rate on one time axis',
  dependencies: 'Which dependency moves like the symptom?',
  hypotheses: 'What is the cause? Confirm or reject each hypothesis',
  save: 'Keep it for the post-mortem',
};

/** The time axis all charts share: the lookback's start (the first timeline minute) to the range's end. */
function timeAxisOf(result: InvestigationResult): TimeAxis {
  const first = result.impact?.timeline.latencyP90Ms[0]?.[0];
  return { fromMs: first ?? result.from, toMs: result.to, onsetMs: result.onsetMs };
}

/**
 * The troubleshooting wizard over one investigation's result: the answer on top whatever the step, the
 * steps as a list to jump between, the open step with Back / Next. `save` is the last step's content (a
 * form for a fresh run, the saved copy's details when reopened).
 */
export function Wizard({
  result,
  step,
  onStep,
  verdicts,
  onVerdict,
  readOnly,
  save,
}: {
  result: InvestigationResult;
  step: WizardStep;
  onStep: (step: WizardStep) => void;
  verdicts: ReadonlyMap<number, VerdictState>;
  onVerdict: VerdictHandler;
  readOnly: boolean;
  save: ReactNode;
}) {
  const calm = isCalm(result);
  const axis = timeAxisOf(result);
  const index = WIZARD_STEPS.indexOf(step);
  const prev = WIZARD_STEPS[index - 1];
  const next = WIZARD_STEPS[index + 1];
  return (
    <div className="wizard" data-investigation-id={result.id}>
      <p role="status" aria-label="Answer" className={calm ? 'answer answer-calm' : 'answer answer-found'}>
        <span aria-hidden="true" className="answer-icon">
          {calm ? '✓' : '⚠'}
        </span>
        {describeAnswer(result)}
      </p>
      <ol className="wizard-steps" aria-label="Investigation steps">
        {WIZARD_STEPS.map((s, i) => (
          <li key={s}>
            <button
              type="button"
              className="wizard-step"
              aria-current={s === step ? 'step' : undefined}
              onClick={() => onStep(s)}
            >
              <span className="step-number">{i + 1}</span> {STEP_TITLE[s]}
            </button>
          </li>
        ))}
      </ol>
      <section className="panel wizard-panel" aria-label={`Step ${index + 1}: ${STEP_TITLE[step]}`}>
        <div className="step-head">
          <h3>
            {index + 1}. {STEP_TITLE[step]}
          </h3>
          <span className="muted step-question">{STEP_QUESTION[step]}</span>
        </div>
        {step === 'impact' && <ImpactStep result={result} />}
        {step === 'timeline' && <TimelineStep result={result} axis={axis} />}
        {step === 'dependencies' && <DependenciesStep result={result} />}
        {step === 'hypotheses' && (
          <HypothesesStep
            result={result}
            axis={axis}
            verdicts={verdicts}
            onVerdict={onVerdict}
            readOnly={readOnly}
          />
        )}
        {step === 'save' && save}
        <div className="wizard-nav">
          {prev !== undefined && (
            <button type="button" className="button" onClick={() => onStep(prev)}>
              ← Back: {STEP_TITLE[prev]}
            </button>
          )}
          <span className="spacer" />
          {next !== undefined && (
            <button type="button" className="button primary" onClick={() => onStep(next)}>
              Next: {STEP_TITLE[next]} →
            </button>
          )}
        </div>
      </section>
    </div>
  );
}
