/** What every check shares: the hypothesis shape, its context, and the evidence all latency checks show. */
import type { Hypothesis, HypothesisKind } from '@apo/shared/console';
import { seriesEvidence, type Timeline } from './evidence.ts';
import type { ServiceView } from './service-view.ts';
import { clamp01 } from './stats.ts';

export type Candidate = Omit<Hypothesis, 'rank'>;

export interface CheckContext {
  t: Timeline;
  /** The onset as a time (ms), null without one; and the end of the investigated range. */
  onsetMs: number | null;
  endMs: number;
  /** How much this service's curves resemble the symptom's, 0…1 (1 for the symptom itself). */
  attribution: number;
  /** Whether the symptom degraded at all (0…1). */
  impact: number;
  peer: (service: string) => ServiceView | undefined;
}

export const VERSION_EVENT = 'service.version.change';
const RESTART_EVENT = 'process.restart';
/** A version change this long before the onset still explains it (a deploy takes a moment to hurt). */
export const DEPLOY_LEAD_MS = 5 * 60_000;
export const sqrt = (a: number, b: number): number => Math.sqrt(Math.max(0, a) * Math.max(0, b));

export function hypothesis(
  kind: HypothesisKind,
  v: ServiceView,
  confidence: number,
  summary: string,
  evidence: Hypothesis['evidence'],
  extra: { instance?: string; target?: string } = {},
): Candidate {
  return { kind, service: v.s.service, ...extra, confidence: clamp01(confidence), summary, evidence };
}

export function latencyEvidence(c: CheckContext, v: ServiceView) {
  const service = v.s.service;
  return [
    seriesEvidence(
      c.t,
      `${service} latency (avg)`,
      'ms',
      { source: 'red_server', service, measure: 'latency.avg' },
      v.latency,
      v.latShift,
    ),
    seriesEvidence(
      c.t,
      `${service} self time per request`,
      'ms',
      { source: 'red_server', service, measure: 'self.avg' },
      v.self,
      v.selfShift,
    ),
  ];
}

/** Restarts after the onset (or in the whole range without one), except those of a deploy. */
export function restartsAfter(v: ServiceView, c: Pick<CheckContext, 'onsetMs' | 'endMs'>) {
  const since = c.onsetMs === null ? -Infinity : c.onsetMs - 2 * 60_000;
  const deploys = v.s.events.filter((e) => e.name === VERSION_EVENT).map((e) => e.ts);
  return v.s.events.filter(
    (e) =>
      e.name === RESTART_EVENT &&
      e.ts >= since &&
      e.ts < c.endMs &&
      !deploys.some((d) => Math.abs(d - e.ts) < 30_000),
  );
}
