/**
 * The wizard's plain words: what each step concluded and why, from the engine's numbers. Pure, so each
 * sentence is unit-tested; the rules behind the numbers are docs/investigations.md's.
 */
import type {
  HypothesisKind,
  InvestigationImpact,
  InvestigationResult,
  RankedDependency,
} from '@apo/shared/console';
import { formatClock, formatExactTime } from '../../ui/format/time.ts';
import { formatValue, type Unit } from '../../ui/format/units.ts';

/** A hypothesis kind in words an on-call engineer reads at 3 am, and what the engine saw to say it. */
export const KIND_WORDS: Record<HypothesisKind, { label: string; means: string }> = {
  'self-latency': {
    label: 'Slow own code',
    means: 'the time spent in the service itself per request rose, not the time waiting on its calls',
  },
  'cpu-saturation': {
    label: 'CPU saturation',
    means: 'its own time rose together with the CPU it burns (or the time it waits for a CPU)',
  },
  'lock-contention': {
    label: 'Lock contention / queueing',
    means: 'its own time and median rose with no busier resource, and slow requests queue behind each other',
  },
  'gc-pressure': {
    label: 'Garbage-collection pressure',
    means: 'its own time rose together with the time spent in garbage collection',
  },
  'memory-pressure': {
    label: 'Memory pressure',
    means: 'its own time rose together with its resident memory',
  },
  'disk-io': { label: 'Disk I/O', means: 'its own time rose together with the bytes it writes to disk' },
  'database-latency': {
    label: 'Slow database',
    means: 'a database it calls answers slower, enough to explain the added latency',
  },
  'database-errors': { label: 'Database errors', means: 'calls to a database started failing' },
  'connection-pool-exhaustion': {
    label: 'Connection pool exhausted',
    means: 'requests wait for a database connection while the statements themselves stay fast',
  },
  'dependency-timeout': {
    label: 'Dependency hangs',
    means: 'calls to another service hang, while that service itself looks healthy',
  },
  'dependency-errors': {
    label: 'Dependency errors',
    means: 'calls to another service fail, while that service reports no errors of its own',
  },
  'error-burst': {
    label: 'Error burst',
    means: 'the service itself started answering with errors; its own calls did not start failing',
  },
  'crash-restarts': { label: 'Crashes / restarts', means: 'its processes restarted around the onset' },
  deployment: { label: 'Deployment', means: 'a new version went out shortly before the onset' },
};

/** Above this the engine is sure; with no fault no hypothesis passes 0.5 (docs/investigations.md). */
export function confidenceWord(confidence: number): 'high' | 'medium' | 'low' {
  if (confidence >= 0.7) return 'high';
  if (confidence > 0.5) return 'medium';
  return 'low';
}

/** Whether the answer is "nothing abnormal": no onset and no hypothesis above 0.5. */
export function isCalm(result: InvestigationResult): boolean {
  return result.onsetMs === null && result.hypotheses.every((h) => h.confidence <= 0.5);
}

/** An evidence series' unit as the chart formats it. */
export function chartUnit(unit: string): Unit {
  switch (unit) {
    case 'ms':
    case 's':
    case 'ratio':
    case 'bytes':
      return unit;
    case 'By':
      return 'bytes';
    default:
      return 'count';
  }
}

function change(before: number | null, after: number | null, unit: Unit): string {
  if (after === null) return 'no requests since';
  if (before === null) return formatValue(after, unit);
  const ratio = before > 0 ? after / before : null;
  const times = ratio !== null && ratio >= 2 ? ` (×${Number(ratio.toPrecision(2))})` : '';
  return `${formatValue(before, unit)} → ${formatValue(after, unit)}${times}`;
}

/** Step 1: which endpoints degraded, by how much, since when — or that none did. */
export function describeImpact(impact: InvestigationImpact | null, onsetMs: number | null): string {
  if (impact === null) return 'No service carried traffic in this range, so there is nothing to measure.';
  const degraded = impact.endpoints.filter((e) => e.degraded);
  if (degraded.length === 0)
    return `${impact.service}'s ${impact.endpoints.length === 1 ? 'endpoint kept' : `${impact.endpoints.length} endpoints kept`} their latency and error rate: no minute stayed away from the baseline long enough to count as a change.`;
  const parts = degraded.slice(0, 3).map((e) => {
    const latency = (e.latencyAfter ?? 0) > (e.latencyBefore ?? 0) * 1.3;
    const errors = (e.errorRateAfter ?? 0) > (e.errorRateBefore ?? 0) + 0.03;
    const what = [
      latency && `latency ${change(e.latencyBefore, e.latencyAfter, 'ms')}`,
      errors && `errors ${change(e.errorRateBefore, e.errorRateAfter, 'ratio')}`,
    ].filter((x) => typeof x === 'string');
    const since = e.onsetMs ?? onsetMs;
    return `${e.endpoint}: ${what.join(', ') || 'moved past the thresholds'}${since === null ? '' : ` since ${formatClock(since)}`}`;
  });
  const more = degraded.length > 3 ? ` (and ${degraded.length - 3} more)` : '';
  return `${degraded.length} of ${impact.endpoints.length} endpoint${impact.endpoints.length === 1 ? '' : 's'} of ${impact.service} degraded${more}. ${parts.join('; ')}.`;
}

/** Step 2: why the onset is where it is. */
export function describeTimeline(impact: InvestigationImpact | null, onsetMs: number | null): string {
  if (onsetMs === null)
    return 'No onset: no curve left its baseline (the median of the minutes before) and stayed away. The charts show what the engine compared.';
  const who = impact === null ? 'the symptom' : impact.service;
  return `The onset is ${formatClock(onsetMs)}: the first minute from which ${who}'s latency or error rate stayed away from its baseline (the minutes before it), marked on every chart. Everything after it is compared with everything before.`;
}

/** Step 3: what the dependency ranking says. */
export function describeDependencies(deps: readonly RankedDependency[], symptom: string | null): string {
  if (deps.length === 0)
    return symptom === null
      ? 'No symptom service to rank dependencies against.'
      : `${symptom} has no dependency that carried traffic in this range (from its client calls and spans).`;
  const [top] = deps;
  if (top === undefined || top.similarity < 0.5)
    return `No dependency's curves move like ${symptom ?? 'the symptom'}'s (best similarity ${top?.similarity.toFixed(2) ?? '—'}): the cause is more likely in the service itself.`;
  const source =
    top.delaySource === 'self'
      ? 'its own time grew (it is not waiting on something further down)'
      : top.delaySource === 'dependency'
        ? 'it mostly waits on its own dependencies'
        : 'its delay source is unknown';
  return `${top.service}'s latency / error curve moves most like ${symptom ?? 'the symptom'}'s (similarity ${top.similarity.toFixed(2)}, 1 = identical shape), and ${source}.`;
}

/** Step 4's headline: the answer in one sentence. */
export function describeAnswer(result: InvestigationResult): string {
  const [top] = result.hypotheses;
  if (isCalm(result) || top === undefined)
    return 'Nothing abnormal: no service’s latency or error rate moved away from its baseline in this range, and no change event points to a fault.';
  const where = [top.service, top.instance, top.target && `→ ${top.target}`].filter(Boolean).join(' ');
  return `Most likely: ${KIND_WORDS[top.kind].label.toLowerCase()} in ${where} (${confidenceWord(top.confidence)} confidence, ${top.confidence.toFixed(2)}). ${top.summary}`;
}

/** "2026-12-07 09:53 → 10:33", with the end's date too when it is another day. */
export function describeWindow(fromMs: number, toMs: number): string {
  const a = formatExactTime(fromMs).slice(0, 16);
  const b = formatExactTime(toMs).slice(0, 16);
  return `${a} → ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b}`;
}
