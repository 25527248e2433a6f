/**
 * Delay source (PRODUCT.md §2.3): of a service's request time, how much is spent waiting on its
 * dependencies (its synchronous client calls) and how much is its own. Dependency share = client time per
 * request ÷ latency; over 50 % the delay source is "dependency", else "self". For an investigation the
 * change matters more than the level: of the extra latency since the onset, how much is extra self time.
 */
import { median, present, type Series } from './stats.ts';

export interface DelayInputs {
  /** Per minute: requests, summed server time (ms), summed synchronous client-call time (ms). */
  requests: Series;
  serverMs: Series;
  clientMs: Series;
}

/** Self time per request per minute: (server − client) ÷ requests, floored at 0 (parallel calls overlap). */
export function selfTimeSeries(d: DelayInputs): (number | null)[] {
  return d.requests.map((n, i) => {
    const s = d.serverMs[i];
    if (n === null || n === 0 || s === null || s === undefined) return null;
    return Math.max(0, s - (d.clientMs[i] ?? 0)) / n;
  });
}

/** Dependency share over minutes [from, to): summed client time ÷ summed server time, clamped to 0…1. */
export function dependencyShare(d: DelayInputs, from = 0, to = d.requests.length): number | null {
  let server = 0;
  let client = 0;
  for (let i = from; i < to; i++) {
    server += d.serverMs[i] ?? 0;
    client += d.clientMs[i] ?? 0;
  }
  return server > 0 ? Math.min(1, client / server) : null;
}

export function delaySource(share: number | null): 'self' | 'dependency' | null {
  return share === null ? null : share > 0.5 ? 'dependency' : 'self';
}

export interface DelayChange {
  /** Median latency per request (ms) before and after the onset. */
  latencyBefore: number;
  latencyAfter: number;
  selfBefore: number;
  selfAfter: number;
  /** Of the latency increase, the part that is self time, 0…1 (null when latency did not rise). */
  selfShareOfIncrease: number | null;
}

/** How the latency's increase from the onset splits into self time and waiting on dependencies. */
export function delayChange(d: DelayInputs, onset: number): DelayChange | null {
  const latency = d.requests.map((n, i) => {
    const s = d.serverMs[i];
    return n === null || n === 0 || s === null || s === undefined ? null : s / n;
  });
  const self = selfTimeSeries(d);
  const m = (s: Series, a: number, b: number) => median(present(s.slice(a, b)));
  const lb = m(latency, 0, onset);
  const la = m(latency, onset, latency.length);
  const sb = m(self, 0, onset);
  const sa = m(self, onset, self.length);
  if (lb === null || la === null || sb === null || sa === null) return null;
  const rise = la - lb;
  const selfShareOfIncrease = rise > 0 ? Math.max(0, Math.min(1, (sa - sb) / rise)) : null;
  return { latencyBefore: lb, latencyAfter: la, selfBefore: sb, selfAfter: sa, selfShareOfIncrease };
}
