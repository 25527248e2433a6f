/**
 * The wizard's first steps (issue 17): how the symptom service degraded. Its endpoints, each with latency and
 * error rate before and since the onset and its own onset, and its timeline — p90 latency, error rate and
 * error logs per minute on the investigation's time axis, so the console draws them one above the other.
 * Pure: built from rows the engine already read plus one per-endpoint read of the symptom.
 */
import type { EndpointImpact, InvestigationImpact } from '@apo/shared/console';
import { interpolateQuantile, RED_BUCKET_BOUNDS_MS } from '@apo/shared/red';
import { detectOnset, shiftAt } from './analysis/onset.ts';
import { ERROR_RATE_OPTIONS, LATENCY_OPTIONS } from './analysis/service-view.ts';
import { median, present, ratioSeries, type Series } from './analysis/stats.ts';
import type { EndpointMinute } from './investigation-queries.ts';
import type { LogMinute, ServerMinute } from './minute-rows.ts';

const MINUTE_MS = 60_000;
const MAX_ENDPOINTS = 20;
const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);

export interface ImpactFrame {
  startMs: number;
  minutes: number;
  /** Minute index of the investigation's onset, null when nothing shifted. */
  onset: number | null;
}

/** n minutes without data (a native fill: a day of 200 services is ~12 M of them, a callback each cost ~1 s). */
const nulls = (n: number): (number | null)[] =>
  new Array<number | null>(Math.max(0, Math.floor(n))).fill(null);

function adder(frame: ImpactFrame) {
  return (series: (number | null)[], minuteS: number, value: number) => {
    const i = Math.floor((minuteS * 1000 - frame.startMs) / MINUTE_MS);
    if (i >= 0 && i < series.length) series[i] = (series[i] ?? 0) + value;
  };
}

const points = (frame: ImpactFrame, values: Series): [number, number | null][] =>
  values.map((v, i) => [frame.startMs + i * MINUTE_MS, round(v)]);

/** Medians before and since the onset (the whole range counts as "since" without one). */
function beforeAfter(values: Series, onset: number | null): [number | null, number | null] {
  if (onset === null) return [null, median(present(values))];
  return [median(present(values.slice(0, onset))), median(present(values.slice(onset)))];
}

function endpointImpact(
  endpoint: string,
  rows: readonly EndpointMinute[],
  frame: ImpactFrame,
): EndpointImpact & { strength: number } {
  const add = adder(frame);
  const requests = nulls(frame.minutes);
  const errors = nulls(frame.minutes);
  const ms = nulls(frame.minutes);
  for (const r of rows) {
    add(requests, r.minute_s, r.requests);
    add(errors, r.minute_s, r.failed);
    add(ms, r.minute_s, r.sum_ms);
  }
  const latency = ratioSeries(ms, requests);
  const errorRate = ratioSeries(errors, requests);
  const own = [detectOnset(latency, LATENCY_OPTIONS), detectOnset(errorRate, ERROR_RATE_OPTIONS)]
    .filter((o) => o !== null)
    .sort((a, b) => a.index - b.index)[0];
  const at = frame.onset ?? own?.index ?? null;
  const strength =
    at === null
      ? 0
      : Math.max(
          shiftAt(latency, at, LATENCY_OPTIONS)?.strength ?? 0,
          shiftAt(errorRate, at, ERROR_RATE_OPTIONS)?.strength ?? 0,
        );
  const [latencyBefore, latencyAfter] = beforeAfter(latency, at);
  const [errorRateBefore, errorRateAfter] = beforeAfter(errorRate, at);
  return {
    endpoint,
    requests: present(requests).reduce((a, b) => a + b, 0),
    latencyBefore: round(latencyBefore),
    latencyAfter: round(latencyAfter),
    errorRateBefore: round(errorRateBefore),
    errorRateAfter: round(errorRateAfter),
    onsetMs: own === undefined ? null : frame.startMs + own.index * MINUTE_MS,
    degraded: strength > 0,
    strength,
  };
}

export function buildImpact(
  frame: ImpactFrame,
  symptom: { service: string; endpoint: string | null },
  rows: { server: readonly ServerMinute[]; logs: readonly LogMinute[]; endpoints: readonly EndpointMinute[] },
): InvestigationImpact {
  const add = adder(frame);
  const requests = nulls(frame.minutes);
  const errors = nulls(frame.minutes);
  const buckets: number[][] = Array.from({ length: frame.minutes }, () => []);
  for (const r of rows.server) {
    if (r.service !== symptom.service || (symptom.endpoint !== null && r.hit === 0)) continue;
    add(requests, r.minute_s, r.requests);
    add(errors, r.minute_s, r.failed);
    const i = Math.floor((r.minute_s * 1000 - frame.startMs) / MINUTE_MS);
    const b = buckets[i];
    if (b !== undefined) r.buckets.forEach((c, k) => (b[k] = (b[k] ?? 0) + c));
  }
  const p90 = buckets.map((b) => (b.length === 0 ? null : interpolateQuantile(b, RED_BUCKET_BOUNDS_MS, 0.9)));
  const logErrors = nulls(frame.minutes);
  for (const l of rows.logs) if (l.service === symptom.service) add(logErrors, l.minute_s, l.records);
  // A minute with requests and no error log had none: 0, so the curve shows its rise, not a line from nowhere.
  requests.forEach((r, i) => {
    if (r !== null && logErrors[i] === null) logErrors[i] = 0;
  });
  const byEndpoint = new Map<string, EndpointMinute[]>();
  for (const r of rows.endpoints) {
    const list = byEndpoint.get(r.endpoint) ?? [];
    list.push(r);
    byEndpoint.set(r.endpoint, list);
  }
  const endpoints = [...byEndpoint]
    .filter(([name]) => symptom.endpoint === null || name === symptom.endpoint)
    .map(([name, list]) => endpointImpact(name, list, frame))
    .sort(
      (a, b) => b.strength - a.strength || b.requests - a.requests || a.endpoint.localeCompare(b.endpoint),
    )
    .slice(0, MAX_ENDPOINTS)
    .map(({ strength: _strength, ...e }) => e);
  return {
    service: symptom.service,
    endpoint: symptom.endpoint,
    endpoints,
    timeline: {
      latencyP90Ms: points(frame, p90),
      errorRate: points(frame, ratioSeries(errors, requests)),
      logErrors: points(frame, logErrors),
    },
  };
}
