/** Client-call checks: database statements and calls to other services (dependency timeouts and failures). */
import { fmt, seriesEvidence } from './evidence.ts';
import {
  hypothesis,
  latencyEvidence,
  restartsAfter,
  sqrt,
  type Candidate,
  type CheckContext,
} from './check-context.ts';
import { degradation, strongest, type CallView, type ServiceView } from './service-view.ts';
import { clamp01, present } from './stats.ts';

const sum = (xs: readonly (number | null)[]) => present(xs).reduce((a, b) => a + b, 0);

/** Database calls: slower or failing statements, weighted by how much of the service's slowdown they explain. */
export function databaseChecks(v: ServiceView, c: CheckContext): Candidate[] {
  const out: Candidate[] = [];
  const rise = v.latShift === null ? 0 : v.latShift.after - v.latShift.baseline;
  for (const call of v.calls.filter((x) => x.call.callType === 'db')) {
    const q = { source: 'red_client' as const, service: v.s.service, target: call.call.label };
    const lat = call.latShift;
    if (lat !== null && lat.strength > 0) {
      const perRequest = callsPerRequest(v, call, c.t.onset ?? 0);
      const explains = rise > 0 ? clamp01(((lat.after - lat.baseline) * perRequest) / rise / 0.5) : 0.5;
      out.push(
        hypothesis(
          'database-latency',
          v,
          lat.strength * explains * c.attribution,
          `${v.s.service}'s statements on ${call.call.label} became slower: ${fmt(lat.baseline, 'ms')} → ${fmt(lat.after, 'ms')} per call.`,
          [
            seriesEvidence(
              c.t,
              `${v.s.service} → ${call.call.label} latency`,
              'ms',
              { ...q, measure: 'call.latency.avg' },
              call.latency,
              lat,
            ),
            ...latencyEvidence(c, v).slice(0, 1),
          ],
          { target: call.call.label },
        ),
      );
    }
    const err = call.errShift;
    if (err !== null && err.strength > 0) {
      out.push(
        hypothesis(
          'database-errors',
          v,
          err.strength * c.attribution,
          `${v.s.service}'s statements on ${call.call.label} started failing (${Math.round(err.after * 100)} % of calls).`,
          [
            seriesEvidence(
              c.t,
              `${v.s.service} → ${call.call.label} error rate`,
              'ratio',
              { ...q, measure: 'call.error.rate' },
              call.errorRate,
              err,
            ),
          ],
          { target: call.call.label },
        ),
      );
    }
  }
  return out;
}

function callsPerRequest(v: ServiceView, call: CallView, from: number): number {
  const reqs = sum(v.s.requests.slice(from));
  return reqs > 0 ? sum(call.call.requests.slice(from)) / reqs : 0;
}

/** What a series added after the onset over its rate before (per present minute), at least 0. */
function excessAfter(xs: readonly (number | null)[], onset: number): number {
  const before = present(xs.slice(0, onset));
  const after = present(xs.slice(onset));
  const rate = before.length === 0 ? 0 : sum(before) / before.length;
  return Math.max(0, sum(after) - rate * after.length);
}

/**
 * How much of a service's new failures its failing calls to one peer account for, 0…1: failed calls per
 * failed request after the onset (both over their rates before). A failing dependency fails each request
 * that calls it (≈ 1); a service failing by itself cuts some of its calls short in flight, far fewer
 * than the requests it fails. 1 when the service's own requests did not fail more (it retried or fell back).
 */
export function failuresExplained(v: ServiceView, call: CallView, onset: number): number {
  const failed = excessAfter(v.s.errors, onset);
  return failed <= 0 ? 1 : clamp01(excessAfter(call.call.errors, onset) / failed);
}

/**
 * Calls since the onset needed to say some never arrived. A handful is enough: a peer that answers counts
 * every call it received, so four calls of which it saw one say it was down; at the shop's night (a few
 * calls a minute) more would take minutes. Fewer than this, and one refused call could name a crash.
 */
const MIN_CALLS = 4;

/**
 * The share of a caller's calls that never reached the peer since the onset, 0…1: the peer's server RED
 * counts every request it received (from any caller), so fewer received than this caller alone sent means
 * the rest were refused or reset before a request existed — the peer is down or restarting. Measured
 * against the same ratio before the onset (a peer may count requests differently from its callers, and
 * it has other callers: inventory receives from gateway and orders alike, twice either's calls), and 0
 * with too few calls to say.
 */
function missedShare(call: CallView, peer: ServiceView, onset: number): number {
  const callsAfter = sum(call.call.requests.slice(onset));
  if (callsAfter < MIN_CALLS) return 0;
  const arrivedAfter = sum(peer.s.requests.slice(onset)) / callsAfter;
  const callsBefore = sum(call.call.requests.slice(0, onset));
  const arrivedBefore = callsBefore > 0 ? sum(peer.s.requests.slice(0, onset)) / callsBefore : 1;
  return arrivedBefore > 0 ? clamp01(1 - arrivedAfter / arrivedBefore) : 0;
}

/**
 * A peer that stopped answering: its callers' calls fail fast while it received few of them. A crash
 * loop whose process dies before its first export leaves no restart events (docs/investigations.md), so
 * this is the sign of it that always exists; with restart events the change checks name it already.
 */
function unavailablePeer(
  v: ServiceView,
  call: CallView,
  peer: ServiceView,
  missed: number,
  c: CheckContext,
  evidence: Candidate['evidence'],
): Candidate {
  const err = call.errShift?.strength ?? 0;
  const requests = seriesEvidence(
    c.t,
    `${peer.s.service} requests received`,
    'count',
    { source: 'red_server', service: peer.s.service, measure: 'requests' },
    peer.s.requests,
    null,
  );
  return hypothesis(
    'crash-restarts',
    peer,
    Math.min(0.95, sqrt(err, missed)) * c.attribution,
    `${peer.s.service} stopped answering: ${v.s.service}'s calls to it fail (${Math.round((call.errShift?.after ?? 0) * 100)} %) and ${Math.round(missed * 100)} % of them never reached it — it is down or restarting.`,
    [requests, ...evidence],
  );
}

/** Calls to another service that time out or fail while that service itself looks fine (or restarts). */
export function dependencyChecks(v: ServiceView, c: CheckContext): Candidate[] {
  const out: Candidate[] = [];
  for (const call of v.calls.filter((x) => x.call.callType !== 'db' && x.call.callType !== 'messaging')) {
    const lat = call.latShift?.strength ?? 0;
    const err = call.errShift?.strength ?? 0;
    if (lat === 0 && err === 0) continue;
    const peer = call.call.peerService === null ? undefined : c.peer(call.call.peerService);
    const restarts = peer === undefined ? 0 : restartsAfter(peer, c).length;
    // The callee's own degradation explains the caller's calls; its restarts explain failures; a caller
    // whose own event loop stalled (a synchronous driver, CPU burn) sees every call it makes as slow.
    const stalled = strongest(v, (r) => r.eventLoop)?.shift.strength ?? 0;
    const hangs =
      (call.latShift?.after ?? 0) >= 1000 ||
      (call.latShift !== null && call.latShift.after >= 5 * Math.max(call.latShift.baseline, 1));
    // A call that hangs reached a socket that accepted it; one refused fast may never have reached the peer.
    const missed =
      peer === undefined || hangs || err === 0 || restarts > 0 ? 0 : missedShare(call, peer, c.t.onset ?? 0);
    const explained =
      restarts > 0 ? 1 : Math.max(stalled, missed, peer === undefined ? 0 : degradation(peer));
    const q = { source: 'red_client' as const, service: v.s.service, target: call.call.label };
    const evidence = [
      seriesEvidence(
        c.t,
        `${v.s.service} → ${call.call.label} latency`,
        'ms',
        { ...q, measure: 'call.latency.avg' },
        call.latency,
        call.latShift,
      ),
      seriesEvidence(
        c.t,
        `${v.s.service} → ${call.call.label} error rate`,
        'ratio',
        { ...q, measure: 'call.error.rate' },
        call.errorRate,
        call.errShift,
      ),
    ];
    if (peer !== undefined && missed >= 0.3) out.push(unavailablePeer(v, call, peer, missed, c, evidence));
    const after = call.latShift?.after ?? 0;
    if (hangs) {
      out.push(
        hypothesis(
          'dependency-timeout',
          v,
          // A timeout fails the call; slow calls that all succeed are a weaker sign.
          Math.max(lat, err) * (err > 0 ? 1 : 0.4) * (1 - explained) * c.attribution,
          `${v.s.service}'s calls to ${call.call.label} hang (${fmt(after, 'ms')} per call${err > 0 ? ', failing' : ''}) while ${call.call.label} itself shows no such slowdown.`,
          evidence,
          { target: call.call.label },
        ),
      );
    } else if (err > 0) {
      out.push(
        hypothesis(
          'dependency-errors',
          v,
          0.9 * err * (1 - explained) * failuresExplained(v, call, c.t.onset ?? 0) * c.attribution,
          `${v.s.service}'s calls to ${call.call.label} fail (${Math.round((call.errShift?.after ?? 0) * 100)} %) without errors inside ${call.call.label}.`,
          evidence,
          { target: call.call.label },
        ),
      );
    }
  }
  return out;
}
