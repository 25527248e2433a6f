/** Evidence items built from the signals, in the shapes the console renders (@apo/shared/console). */
import type { EvidenceQuery, InvestigationEvidence } from '@apo/shared/console';
import type { Shift } from './onset.ts';
import type { ChangeEvent, LogLine } from './signals.ts';
import type { Series } from './stats.ts';

export interface Timeline {
  startMs: number;
  /** From this minute on the series are after the onset; null when no onset was found. */
  onset: number | null;
}

const MINUTE_MS = 60_000;
const round = (v: number): number => Math.round(v * 1000) / 1000;

export function seriesEvidence(
  t: Timeline,
  title: string,
  unit: string,
  query: EvidenceQuery,
  values: Series,
  shift: Shift | null,
): InvestigationEvidence {
  return {
    type: 'series',
    title,
    unit,
    query,
    points: values.map((v, i): [number, number | null] => [
      t.startMs + i * MINUTE_MS,
      v === null ? null : round(v),
    ]),
    baseline: shift === null ? null : round(shift.baseline),
    onsetMs: t.onset === null ? null : t.startMs + t.onset * MINUTE_MS,
  };
}

export function eventsEvidence(
  title: string,
  service: string,
  events: readonly ChangeEvent[],
): InvestigationEvidence {
  return {
    type: 'events',
    title,
    events: events
      .slice(0, 50)
      .map((e) => ({ ts: e.ts, name: e.name, service, instance: e.instance, detail: e.detail })),
  };
}

export function logsEvidence(title: string, lines: readonly LogLine[]): InvestigationEvidence {
  return { type: 'logs', title, lines: lines.slice(0, 20).map((l) => ({ ...l })) };
}

export function tracesEvidence(title: string, traceIds: readonly string[]): InvestigationEvidence[] {
  return traceIds.length === 0 ? [] : [{ type: 'traces', title, traceIds: traceIds.slice(0, 20) }];
}

/** "+240 %" / "×12" for summaries. */
export function describeRise(s: Shift): string {
  if (s.baseline <= 0 || s.after / s.baseline >= 10)
    return s.baseline > 0 ? `×${Math.round(s.after / s.baseline)}` : 'from 0';
  return `+${Math.round(((s.after - s.baseline) / s.baseline) * 100)} %`;
}

export function fmt(v: number, unit: string): string {
  const n = Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10;
  return `${n} ${unit}`;
}
