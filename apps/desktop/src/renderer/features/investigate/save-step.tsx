import type { InvestigationResult } from '@apo/shared/console';
import { useState } from 'react';
import { formatExactTime } from '../../ui/format/time.ts';
import { KIND_WORDS } from './explain.ts';

/** Under the server's bound (900 KiB): checked here too, so the message names the problem before a send. */
const MAX_SAVE_BYTES = 900 * 1024;

function defaultTitle(result: InvestigationResult): string {
  const top = result.hypotheses[0];
  const when = formatExactTime(result.onsetMs ?? result.to).slice(0, 16);
  if (top === undefined || top.confidence <= 0.5)
    return `Nothing abnormal in ${result.impact?.service ?? result.service ?? 'all services'} — ${when}`;
  return `${KIND_WORDS[top.kind].label} in ${top.service} — ${when}`;
}

export interface SaveRequest {
  title: string;
  notes: string;
}

/** Step 5: keep the investigation (its hypotheses with their evidence data, verdicts and notes). */
export function SaveStep({
  result,
  sizeOf,
  onSave,
  saving,
  error,
  savedId,
}: {
  result: InvestigationResult;
  /** The request's size in bytes for a title and notes. */
  sizeOf: (req: SaveRequest) => number;
  onSave: (req: SaveRequest) => void;
  saving: boolean;
  error: string | null;
  savedId: string | null;
}) {
  const [title, setTitle] = useState(() => defaultTitle(result));
  const [notes, setNotes] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = () => {
    const bytes = sizeOf({ title, notes });
    const refused =
      title.trim() === ''
        ? 'A saved investigation needs a title.'
        : bytes > MAX_SAVE_BYTES
          ? `This investigation is ${Math.ceil(bytes / 1024)} KiB with its evidence; at most ${MAX_SAVE_BYTES / 1024} KiB can be saved. Narrow its time range.`
          : null;
    setProblem(refused);
    if (refused === null) onSave({ title: title.trim(), notes });
  };
  return (
    <form
      className="save-form"
      aria-label="Save the investigation"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <p className="why">
        <span className="why-label">What is kept: </span>
        the hypotheses with every chart’s data, the traces, log lines and events shown above, your verdicts
        and these notes. Reopening it shows this copy — nothing is re-run, so it stays readable after the
        telemetry has aged out.
      </p>
      <label className="field">
        <span>Title</span>
        <input type="text" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label className="field">
        <span>Notes</span>
        <textarea
          rows={4}
          value={notes}
          maxLength={16_384}
          placeholder="What you found, what you did, links to the incident"
          onChange={(e) => setNotes(e.target.value)}
        />
      </label>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save investigation'}
        </button>
        {savedId !== null && (
          <span role="status" className="ok-text">
            Saved. It is listed under “Saved investigations”.
          </span>
        )}
        {(problem ?? error) !== null && (
          <span role="alert" className="bad-text">
            {problem ?? `Not saved: ${error ?? ''}`}
          </span>
        )}
      </div>
    </form>
  );
}
