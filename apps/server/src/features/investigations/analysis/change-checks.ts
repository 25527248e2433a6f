/** Change checks: a service's own errors, its restarts and its deployments near the onset. */
import { failuresExplained } from './call-checks.ts';
import { eventsEvidence, logsEvidence, seriesEvidence } from './evidence.ts';
import {
  DEPLOY_LEAD_MS,
  VERSION_EVENT,
  hypothesis,
  restartsAfter,
  type Candidate,
  type CheckContext,
} from './check-context.ts';
import { degradation, type ServiceView } from './service-view.ts';
import type { ChangeEvent } from './signals.ts';

/**
 * A version change back to the version an earlier change replaced (a bad deploy's rollback, the demo
 * shop's `--clear`): it restores what ran before, so it is the end of a fault, not the start of one.
 */
function isRollback(e: ChangeEvent, events: readonly ChangeEvent[]): boolean {
  if (e.version === undefined || e.previousVersion === undefined) return false;
  return events.some(
    (x) =>
      x.name === VERSION_EVENT &&
      x.ts < e.ts &&
      x.previousVersion === e.version &&
      x.version === e.previousVersion,
  );
}

/** Error-log patterns more frequent per minute after the onset than before, most frequent first. */
function risingPatterns(v: ServiceView, onset: number | null) {
  const total = (xs: readonly (number | null)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
  const at = onset ?? 0;
  return v.s.logPatterns
    .map((p) => {
      const before = total(p.counts.slice(0, at));
      const after = total(p.counts.slice(at));
      const rateBefore = at === 0 ? 0 : before / at;
      const rateAfter = after / Math.max(1, p.counts.length - at);
      return { sample: p.sample, after, rising: rateAfter > 2 * rateBefore && after > 0 };
    })
    .filter((p) => p.rising)
    .sort((a, b) => b.after - a.after || a.sample.body.localeCompare(b.sample.body));
}

export function changeChecks(v: ServiceView, c: CheckContext): Candidate[] {
  const out: Candidate[] = [];
  const name = v.s.service;
  const explainedByCalls = Math.max(
    0,
    ...v.calls.map((x) => (x.errShift?.strength ?? 0) * failuresExplained(v, x, c.t.onset ?? 0)),
  );
  const ownErr = (v.errShift?.strength ?? 0) * (1 - explainedByCalls);
  const own = Math.max(ownErr, v.selfShift?.strength ?? 0);
  const errEvidence = seriesEvidence(
    c.t,
    `${name} error rate`,
    'ratio',
    { source: 'red_server', service: name, measure: 'error.rate' },
    v.errorRate,
    v.errShift,
  );
  const logLines = risingPatterns(v, c.t.onset).map((p) => ({
    ...p.sample,
    body: `${p.after}× ${p.sample.body}`,
  }));
  const logs =
    logLines.length === 0 ? [] : [logsEvidence(`error logs of ${name} that rose after the onset`, logLines)];
  const since = c.onsetMs === null ? -Infinity : c.onsetMs - DEPLOY_LEAD_MS;
  const deploys = v.s.events.filter(
    (e) => e.name === VERSION_EVENT && e.ts >= since && e.ts < c.endMs && !isRollback(e, v.s.events),
  );
  const last = deploys.at(-1);
  if (last !== undefined) {
    out.push(
      hypothesis(
        'deployment',
        v,
        own > 0 ? 0.45 + 0.55 * own : 0.4,
        `${name} changed version (${last.detail}) ${own > 0 ? 'just before it started failing or slowing' : 'in this range, with no visible impact'}.`,
        [eventsEvidence(`version changes of ${name}`, name, deploys), errEvidence, ...logs],
        { instance: last.instance },
      ),
    );
  }
  const restarts = restartsAfter(v, c);
  if (restarts.length > 0) {
    const hurt = c.impact > 0 || degradation(v) > 0;
    // Restarts only in the two minutes before the onset, none after: a crash (loop) that ended as this
    // began — live, the restart of fraud's cleared crash loop tied with inventory's new one, whose
    // processes died before their first export (one restart seen). A loop that is the cause goes on.
    const ongoing = c.onsetMs === null || restarts.some((e) => e.ts >= (c.onsetMs ?? 0)) ? 1 : 0.6;
    out.push(
      hypothesis(
        'crash-restarts',
        v,
        Math.min(0.95, 0.5 + 0.15 * restarts.length) * (hurt ? 1 : 0.5) * ongoing,
        `${name} restarted ${restarts.length} time(s) since the onset${hurt ? ', and its callers failed meanwhile' : ''}.`,
        [eventsEvidence(`restarts of ${name}`, name, restarts), ...logs],
        { instance: restarts[0]?.instance ?? '' },
      ),
    );
  }
  if (ownErr > 0) {
    const withLogs = (v.logShift?.strength ?? 0) > 0 ? 1 : 0.9;
    out.push(
      hypothesis(
        'error-burst',
        v,
        ownErr * c.attribution * withLogs * (last === undefined ? 1 : 0.7),
        `${name} itself started failing (${Math.round((v.errShift?.after ?? 0) * 100)} % of requests) without failing dependencies.`,
        [errEvidence, ...logs],
      ),
    );
  }
  return out;
}
