import * as Popover from '@radix-ui/react-popover';
import { useState } from 'react';
import {
  describeTimeRange,
  isRelative,
  RELATIVE_PRESETS,
  resolveTimeRange,
  type TimeRange,
} from './time-range.ts';

/** `datetime-local` speaks local wall time without a zone: convert to and from ms in the user's zone. */
function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function fromLocalInput(text: string): number | null {
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** The global range: relative presets (stay relative in the URL) or an absolute from/to. */
export function TimePicker({ value, onChange }: { value: TimeRange; onChange: (range: TimeRange) => void }) {
  const [open, setOpen] = useState(false);
  const resolved = resolveTimeRange(value, Date.now());
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const absoluteFrom = fromLocalInput(from);
  const absoluteTo = fromLocalInput(to);
  const absoluteValid = absoluteFrom !== null && absoluteTo !== null && absoluteFrom < absoluteTo;
  return (
    <Popover.Root
      open={open}
      onOpenChange={(next) => {
        if (next) {
          setFrom(toLocalInput(resolved.fromMs));
          setTo(toLocalInput(resolved.toMs));
        }
        setOpen(next);
      }}
    >
      <Popover.Trigger
        className="button toolbar-button"
        aria-label={`Time range: ${describeTimeRange(value)}`}
      >
        <span aria-hidden="true">◷</span> {describeTimeRange(value)}
        {!isRelative(value.to) && <span className="pill">fixed</span>}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          className="popover time-picker"
          align="end"
          sideOffset={6}
          aria-label="Choose the time range"
        >
          <div className="time-picker-columns">
            <ul className="preset-list" aria-label="Relative ranges">
              {RELATIVE_PRESETS.map((preset) => (
                <li key={preset.from}>
                  <button
                    type="button"
                    className="menu-item"
                    aria-pressed={value.from === preset.from && value.to === 'now'}
                    onClick={() => {
                      onChange({ from: preset.from, to: 'now' });
                      setOpen(false);
                    }}
                  >
                    {preset.label}
                  </button>
                </li>
              ))}
            </ul>
            <form
              className="absolute-range"
              onSubmit={(event) => {
                event.preventDefault();
                if (!absoluteValid) return;
                onChange({ from: String(absoluteFrom), to: String(absoluteTo) });
                setOpen(false);
              }}
            >
              <p className="form-title">Absolute range (your time zone)</p>
              <label>
                From
                <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
              </label>
              <label>
                To
                <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
              </label>
              {!absoluteValid && <p className="field-error">"From" must be before "To".</p>}
              <button type="submit" className="button primary" disabled={!absoluteValid}>
                Apply range
              </button>
            </form>
          </div>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
