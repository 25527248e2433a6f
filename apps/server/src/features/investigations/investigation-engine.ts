/**
 * `investigations.run` and `investigations.trace`: read the signals of a range (plus a lookback that is the
 * baseline when no earlier day exists), analyse them (analysis/analyse.ts, pure and deterministic), then add
 * the evidence that needs the onset to be known: the failed / slowest traces of each suspect service after
 * it. docs/investigations.md describes the rules.
 */
import { randomUUID } from 'node:crypto';
import type { InvestigationResult, TraceRootCause } from '@apo/shared/console';
import type { Storage } from '../../storage/index.ts';
import { BadRequestError } from '../domain-errors.ts';
import { traceById, type TraceReadLimits } from '../traces/trace-queries.ts';
import { analyse } from './analysis/analyse.ts';
import { selfTimeSeries } from './analysis/delay-source.ts';
import { tracesEvidence } from './analysis/evidence.ts';
import { traceRootCause, type TraceSpan } from './analysis/trace-root-cause.ts';
import { spanDependencies, type DependencySource } from './dependency-source.ts';
import {
  changeEvents,
  clientMinutes,
  endpointMinutes,
  errorLogMinutes,
  instanceMinutes,
  metricSeries,
  sampleTraces,
  serverMinutes,
  serviceMinutes,
  type Scope,
} from './investigation-queries.ts';
import { buildImpact } from './investigation-impact.ts';
import { buildSignals, METRIC_FIELDS, type Frame } from './investigation-signals.ts';
import { coarseWindow } from './read-resolution.ts';

const MINUTE_MS = 60_000;
/** In front of the asked range: the baseline when the fault started early in it. */
const LOOKBACK_MS = 30 * MINUTE_MS;
/** The longest range one investigation reads (per-minute series of every service). */
const MAX_RANGE_MS = 24 * 3_600_000;
/** Hypotheses that get trace evidence (each costs a span read). */
const TRACED_HYPOTHESES = 5;

export interface RunInput {
  from: number;
  to: number;
  cluster?: string | undefined;
  service?: string | undefined;
  endpoint?: string | undefined;
}

/** `step()`, its time (ms) recorded under `name` when `timings` is given (the benchmark's breakdown). */
async function timed<T>(
  timings: Record<string, number> | undefined,
  name: string,
  step: () => Promise<T> | T,
): Promise<T> {
  if (timings === undefined) return step();
  const t0 = performance.now();
  const v = await step();
  timings[name] = (timings[name] ?? 0) + performance.now() - t0;
  return v;
}

export async function runInvestigation(
  storage: Storage,
  input: RunInput,
  dependencies: DependencySource = spanDependencies,
  timings?: Record<string, number>,
): Promise<InvestigationResult> {
  if (input.to - input.from > MAX_RANGE_MS)
    throw new BadRequestError(
      `an investigation covers at most 24 h; got ${Math.round((input.to - input.from) / 3_600_000)} h`,
    );
  if (input.endpoint !== undefined && input.service === undefined)
    throw new BadRequestError('endpoint needs its service');
  const startMs = Math.floor((input.from - LOOKBACK_MS) / MINUTE_MS) * MINUTE_MS;
  const endMs = Math.ceil(input.to / MINUTE_MS) * MINUTE_MS;
  // A long range's far past in 5-minute buckets (read-resolution.ts); up to 4 h every minute, as read.
  const coarse = coarseWindow(input.from, input.to);
  const scope: Scope = { fromMs: startMs, toMs: endMs, cluster: input.cluster, coarse };
  const t = timings;
  const server = await timed(t, 'server', () =>
    coarse === undefined
      ? serverMinutes(storage, scope, input.endpoint)
      : serviceMinutes(storage, scope, input.endpoint),
  );
  const instances =
    coarse === undefined
      ? undefined
      : await timed(t, 'instances', () => instanceMinutes(storage, scope, input.endpoint));
  const client = await timed(t, 'client', () => clientMinutes(storage, scope));
  const metrics = await timed(t, 'metrics', () => metricSeries(storage, scope, Object.keys(METRIC_FIELDS)));
  const logs = await timed(t, 'logs', () => errorLogMinutes(storage, scope));
  const events = await timed(t, 'events', () => changeEvents(storage, scope));
  const services = [...new Set(server.map((r) => r.service))].sort();
  const deps = await timed(t, 'dependencies', () => dependencies.read(storage, scope, services));
  const frame: Frame = {
    startMs,
    minutes: Math.max(1, (endMs - startMs) / MINUTE_MS),
    rangeStartIndex: Math.floor((input.from - startMs) / MINUTE_MS),
    symptom: input.service === undefined ? null : { service: input.service, endpoint: input.endpoint },
    coarse,
  };
  const signals = await timed(t, 'buildSignals', () =>
    buildSignals({ server, instances, client, metrics, logs, events }, frame, deps),
  );
  const analysis = await timed(t, 'analyse', () => analyse(signals));
  const onsetMs = analysis.onset === null ? null : startMs + analysis.onset * MINUTE_MS;
  const traced = new Map<string, string[]>();
  for (const h of analysis.hypotheses.slice(0, TRACED_HYPOTHESES)) {
    let ids = traced.get(h.service);
    if (ids === undefined) {
      const service = h.service;
      ids = await timed(t, 'traces', () =>
        sampleTraces(storage, { ...scope, fromMs: onsetMs ?? input.from }, service),
      );
      traced.set(h.service, ids);
    }
    h.evidence.push(...tracesEvidence(`failed or slowest traces of ${h.service} since the onset`, ids));
  }
  // The asked service, else the entry service that shifted most; with neither there is no impact to show.
  const symptom = analysis.symptom ?? input.service ?? null;
  const impact =
    symptom === null
      ? null
      : buildImpact(
          { startMs, minutes: frame.minutes, onset: analysis.onset },
          { service: symptom, endpoint: input.endpoint ?? null },
          {
            server,
            logs,
            endpoints: await timed(t, 'endpoints', () => endpointMinutes(storage, scope, symptom)),
          },
        );
  return {
    id: randomUUID(),
    from: input.from,
    to: input.to,
    service: input.service ?? null,
    endpoint: input.endpoint ?? null,
    onsetMs,
    impact,
    dependencies: analysis.dependencies,
    hypotheses: analysis.hypotheses,
  };
}

/** A service's normal self time per request: its average over the half hour before `atMs`, × 1.5 for a P90. */
async function expectedSelfTimes(
  storage: Storage,
  atMs: number,
  cluster: string | undefined,
): Promise<Map<string, number>> {
  const scope = {
    fromMs: Math.floor((atMs - LOOKBACK_MS) / MINUTE_MS) * MINUTE_MS,
    toMs: Math.floor(atMs / MINUTE_MS) * MINUTE_MS,
    cluster,
  };
  const totals = new Map<string, { n: number; server: number; client: number }>();
  const of = (s: string) =>
    totals.get(s) ?? totals.set(s, { n: 0, server: 0, client: 0 }).get(s) ?? { n: 0, server: 0, client: 0 };
  for (const r of await serverMinutes(storage, scope)) {
    const t = of(r.service);
    t.n += r.requests;
    t.server += r.sum_ms;
  }
  for (const r of await clientMinutes(storage, scope))
    if (r.call_type !== 'messaging') of(r.service).client += r.sum_ms;
  const out = new Map<string, number>();
  for (const [service, t] of totals) {
    const [self] = selfTimeSeries({ requests: [t.n], serverMs: [t.server], clientMs: [t.client] });
    if (self !== null && self !== undefined) out.set(service, 1.5 * self);
  }
  return out;
}

const nsToMs = (ns: bigint): number => Number(ns / 1000n) / 1000;

export async function investigateTrace(
  storage: Storage,
  traceId: string,
  cluster: string | undefined,
  limits: TraceReadLimits,
): Promise<TraceRootCause> {
  const trace = await traceById(storage, traceId, cluster, limits);
  const spans = trace.spans.map((s): TraceSpan => {
    const exception = s.events
      .find((e) => e.name === 'exception')
      ?.attributes.find(([k]) => k === 'exception.type')?.[1];
    return {
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      service: s.service,
      name: s.name,
      startMs: nsToMs(s.startTimeUnixNano),
      durationMs: nsToMs(s.durationNs),
      error: s.status.code === 2,
      errorText: [exception, s.status.message].filter((x) => x !== undefined && x !== '').join(': '),
    };
  });
  const first = spans.reduce((m, s) => Math.min(m, s.startMs), Infinity);
  const expected = Number.isFinite(first)
    ? await expectedSelfTimes(storage, first, cluster)
    : new Map<string, number>();
  const root = spans.find((s) => s.parentSpanId === '') ?? null;
  return {
    ...traceRootCause(traceId, spans, expected),
    startMs: Number.isFinite(first) ? first : null,
    entryService: root?.service ?? null,
  };
}
