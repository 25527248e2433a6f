/** Client-call checks: database statements and calls to other services (dependency timeouts and failures). */
import { fmt, seriesEvidence } from './evidence.ts';
import {
  hypothesis,
  latencyEvidence,
  restartsAfter,
  type Candidate,
  type CheckContext,
} from './check-context.ts';
import { degradation, strongest, type CallView, type ServiceView } from './service-view.ts';
import { clamp01, present } from './stats.ts';

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
  const calls = present(call.call.requests.slice(from)).reduce((a, b) => a + b, 0);
  const reqs = present(v.s.requests.slice(from)).reduce((a, b) => a + b, 0);
  return reqs > 0 ? calls / reqs : 0;
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
    const explained = restarts > 0 ? 1 : Math.max(stalled, peer === undefined ? 0 : degradation(peer));
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
    const after = call.latShift?.after ?? 0;
    const hangs =
      after >= 1000 ||
      (call.latShift !== null && call.latShift.after >= 5 * Math.max(call.latShift.baseline, 1));
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
          0.9 * err * (1 - explained) * c.attribution,
          `${v.s.service}'s calls to ${call.call.label} fail (${Math.round((call.errShift?.after ?? 0) * 100)} %) without errors inside ${call.call.label}.`,
          evidence,
          { target: call.call.label },
        ),
      );
    }
  }
  return out;
}
