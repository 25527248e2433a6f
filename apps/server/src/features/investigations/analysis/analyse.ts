/**
 * The engine's core, without I/O: from the signals to ranked hypotheses.
 *  1. The symptom: the asked service, else the entry service (no caller) whose latency or error rate
 *     shifted the most; its onset is the investigation's onset (the first minute it stayed abnormal).
 *  2. The candidates: the symptom and its recursive dependencies (every service when none was asked),
 *     ranked by how similar their curves are to the symptom's (PRODUCT.md §2.2), each with its delay source.
 *  3. The checks (checks.ts) on every candidate, weighted by that similarity; the best hypothesis per
 *     kind, service and target is kept, most confident first. Deterministic: ties break by kind order, then
 *     name.
 */
import { HYPOTHESIS_KINDS, type Hypothesis, type RankedDependency } from '@apo/shared/console';
import { restartsAfter } from './check-context.ts';
import { runChecks, type Candidate } from './checks.ts';
import { delaySource, dependencyShare, selfTimeSeries } from './delay-source.ts';
import { detectOnset, type Onset } from './onset.ts';
import {
  ERROR_RATE_OPTIONS,
  FAST_LATENCY_OPTIONS,
  LATENCY_OPTIONS,
  degradation,
  ownResourceRose,
  resourceView,
  serviceView,
  type ServiceView,
} from './service-view.ts';
import type { InvestigationSignals, ServiceSignals } from './signals.ts';
import { rankBySimilarity } from './similarity.ts';
import { median, present, ratioSeries } from './stats.ts';

export interface Analysis {
  symptom: string | null;
  /** Minute index of the onset in the signals' series, null when nothing shifted. */
  onset: number | null;
  dependencies: RankedDependency[];
  hypotheses: Hypothesis[];
}

const MAX_HYPOTHESES = 10;
const MINUTE_MS = 60_000;

/** The earlier of a service's latency and error-rate onsets (the stronger on a tie); else a fast one's. */
function onsetOf(s: ServiceSignals): Onset | null {
  const latency = detectOnset(ratioSeries(s.serverMs, s.requests), LATENCY_OPTIONS);
  const errors = detectOnset(ratioSeries(s.errors, s.requests), ERROR_RATE_OPTIONS);
  if (latency === null) return errors ?? fastOnset(s);
  if (errors === null) return latency;
  if (latency.index !== errors.index) return latency.index < errors.index ? latency : errors;
  return latency.strength >= errors.strength ? latency : errors;
}

/** Below it, a service is a fast one (ms a request, the median of its own time). */
const FAST_MS = 10;

/**
 * A fast service's own time that at least doubled by a few ms while one of its own resources rose
 * strongly at the same minute (service-view.ts, FAST_LATENCY_OPTIONS): under the usual 10 ms floor, yet a
 * fault — disk I/O that multiplied a 1 ms request by five.
 */
function fastOnset(s: ServiceSignals): Onset | null {
  const self = selfTimeSeries({ requests: s.requests, serverMs: s.serverMs, clientMs: s.clientMs });
  if ((median(present(self)) ?? Infinity) >= FAST_MS) return null;
  const o = detectOnset(self, FAST_LATENCY_OPTIONS);
  return o !== null &&
    ownResourceRose(
      s.instances.map((i) => resourceView(i, o.index)),
      o.index,
    )
    ? o
    : null;
}

/** The services reachable from `root` along caller → callee edges, `root` included. */
export function dependencyClosure(root: string, edges: InvestigationSignals['edges']): Set<string> {
  const seen = new Set([root]);
  const queue = [root];
  while (queue.length > 0) {
    const from = queue.shift();
    for (const e of edges) {
      if (e.from === from && !seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return seen;
}

function pickSymptom(sig: InvestigationSignals, onsets: Map<string, Onset | null>): string | null {
  if (sig.symptom !== null) return sig.symptom.service;
  const called = new Set(sig.edges.map((e) => e.to));
  const best = (names: string[]): string | null => {
    let top: { name: string; strength: number } | null = null;
    for (const name of names) {
      const o = onsets.get(name);
      if (o !== null && o !== undefined && (top === null || o.strength > top.strength))
        top = { name, strength: o.strength };
    }
    return top?.name ?? null;
  };
  const names = sig.services.map((s) => s.service).sort();
  return best(names.filter((n) => !called.has(n))) ?? best(names);
}

/**
 * Without an asked service, the onset is the symptom's, unless its episode went back to normal for a
 * minute and another service's episode, still going on, started at or after that minute: then the latest
 * such one. A new fault that is small at the entry (a tenth of the requests reach it) has not outgrown the
 * entry's earlier episode there yet, and compared at that earlier minute its own curves would not show.
 */
function currentOnset(own: Onset, onsets: Map<string, Onset | null>): Onset {
  const gap = own.firstNormal;
  if (gap === null) return own;
  let latest = own;
  for (const o of onsets.values()) {
    if (o === null || o.ended || o.index < gap) continue;
    if (o.index > latest.index || (o.index === latest.index && o.strength > latest.strength)) latest = o;
  }
  return latest;
}

/** Latency-derived kinds (checks.ts): a process that keeps restarting pays its start-up in them. */
const STARTUP_COST: ReadonlySet<Candidate['kind']> = new Set([
  'self-latency',
  'cpu-saturation',
  'lock-contention',
  'gc-pressure',
  'memory-pressure',
  'disk-io',
  'connection-pool-exhaustion',
]);
/** How sure the unseen crash must be before it discounts the service's latency-derived hypotheses. */
const DOWN = 0.5;

/**
 * A service its callers found down — their calls never arrived (call-checks.ts, the unseen crash) — is
 * restarting as surely as one with restart events, whose latency-derived hypotheses checks.ts halves: the
 * start-up CPU and a cold process's slow first requests are the loop's cost, not its cause (live, pass A:
 * start-up CPU 0.3 → 2.2 s a minute in fraud's crash loop).
 */
function discountUnseenRestarts(all: Candidate[], seenRestarting: (service: string) => boolean): Candidate[] {
  const down = new Set(
    all
      .filter((c) => c.kind === 'crash-restarts' && c.confidence >= DOWN && !seenRestarting(c.service))
      .map((c) => c.service),
  );
  return all.map((c) =>
    down.has(c.service) && STARTUP_COST.has(c.kind) ? { ...c, confidence: 0.5 * c.confidence } : c,
  );
}

function dedupe(candidates: Candidate[]): Candidate[] {
  const byKey = new Map<string, Candidate>();
  for (const c of candidates) {
    const key = `${c.kind}\u0000${c.service}\u0000${c.target ?? ''}`;
    const got = byKey.get(key);
    if (got === undefined || c.confidence > got.confidence) byKey.set(key, c);
  }
  return [...byKey.values()];
}

export function analyse(sig: InvestigationSignals): Analysis {
  const onsets = new Map(sig.services.map((s) => [s.service, onsetOf(s)]));
  const symptom = pickSymptom(sig, onsets);
  const scope = symptom === null || sig.symptom === null ? null : dependencyClosure(symptom, sig.edges);
  let onset = symptom === null ? null : (onsets.get(symptom) ?? null);
  if (onset !== null && sig.symptom === null) onset = currentOnset(onset, onsets);
  if (onset === null && scope !== null) {
    // The asked service did not shift (it may be too quiet to show it): the first dependency that did.
    for (const s of sig.services)
      if (scope.has(s.service)) {
        const o = onsets.get(s.service) ?? null;
        if (o !== null && (onset === null || o.index < onset.index)) onset = o;
      }
  }
  const at = onset?.index ?? null;
  const views = new Map<string, ServiceView>(sig.services.map((s) => [s.service, serviceView(s, at)]));
  const symptomView = symptom === null ? undefined : views.get(symptom);
  const candidates = sig.services
    .filter((s) => scope === null || scope.has(s.service))
    .map((s) => s.service)
    .sort();
  const similarities =
    symptomView === undefined
      ? []
      : rankBySimilarity(
          { latency: symptomView.latency, errorRate: symptomView.errorRate },
          candidates
            .filter((n) => n !== symptom)
            .flatMap((n) => {
              const v = views.get(n);
              return v === undefined ? [] : [{ name: n, latency: v.latency, errorRate: v.errorRate }];
            }),
        );
  const simOf = new Map(similarities.map((s) => [s.name, s.score]));
  const impact = symptomView === undefined ? 0 : degradation(symptomView);
  const t = { startMs: sig.startMs, onset: at };
  const onsetMs = at === null ? null : sig.startMs + at * MINUTE_MS;
  const endMs = sig.startMs + sig.minutes * MINUTE_MS;
  const all: Candidate[] = [];
  for (const name of candidates) {
    const v = views.get(name);
    if (v === undefined) continue;
    // With an asked symptom, a dependency whose curves do not move with it is a weaker suspect.
    const attribution =
      sig.symptom === null || name === symptom ? 1 : 0.6 + 0.4 * Math.max(0, simOf.get(name) ?? 0);
    all.push(
      ...runChecks(v, {
        t,
        onsetMs,
        endMs,
        attribution,
        impact,
        peer: (service) => views.get(service),
      }),
    );
  }
  const seenRestarting = (service: string) => {
    const v = views.get(service);
    return v !== undefined && restartsAfter(v, { onsetMs, endMs }).length > 0;
  };
  const kindOrder = (k: Candidate['kind']) => HYPOTHESIS_KINDS.indexOf(k);
  const ranked = dedupe(discountUnseenRestarts(all, seenRestarting))
    .sort(
      (a, b) =>
        b.confidence - a.confidence ||
        kindOrder(a.kind) - kindOrder(b.kind) ||
        a.service.localeCompare(b.service),
    )
    .slice(0, MAX_HYPOTHESES)
    .map((h, i): Hypothesis => ({ rank: i + 1, ...h, confidence: Math.round(h.confidence * 1000) / 1000 }));
  const dependencies = similarities.map((s): RankedDependency => {
    const v = views.get(s.name);
    const share =
      v === undefined
        ? null
        : dependencyShare(
            { requests: v.s.requests, serverMs: v.s.serverMs, clientMs: v.s.clientMs },
            at ?? 0,
          );
    return {
      service: s.name,
      similarity: Math.round(s.score * 1000) / 1000,
      delaySource: delaySource(share),
    };
  });
  return { symptom, onset: at, dependencies, hypotheses: ranked };
}
