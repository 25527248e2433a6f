/**
 * Delay source per endpoint (PRODUCT.md §2.3): the share of a request's latency spent waiting on its
 * downstream calls, "dependency" above one half, else "self".
 *
 * Why spans and not only rollups: the 100 % client-call rollups (`red_client_1m`) are keyed by what is
 * called, not by the calling endpoint, so they cannot split time per endpoint. The stored traces can: for
 * each stored request (an entry span), the time covered by the same service's client / producer spans that
 * start inside it in the same trace — their union, so parallel calls count once — is dependency time, the
 * rest is self time. Stored traces over-represent slow requests (the tail sampler keeps every slow or
 * failing trace, and a baseline of normal ones), so the share is computed per RED latency bucket and the
 * buckets are weighted by the time the 100 % rollups spent in them (their requests × the stored mean
 * duration there): post-stratification, which corrects the sampler's bias as long as each busy bucket has
 * a stored request. Buckets without one are left out of the weighting.
 *
 * Limits: only the most recent `DELAY_SAMPLE_LIMIT` stored requests of the service are read; a call that a
 * request hands off without waiting (fire-and-forget) counts as waited for; time spent in a call that
 * outlives its request is clipped to the request. Service-wide, the rollups alone give an upper bound
 * (Σ call time ÷ Σ request time), returned beside it.
 */
import { delayVerdict } from '@apo/shared/console';
import type { EndpointDelaySource, ServiceDelaySource } from '@apo/shared/console';
import { RED_BUCKET_BOUNDS_MS } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import { callTimeTotals, endpointFigures, entryAndCallSpans } from './service-queries.ts';
import type { CallSpan, EntrySpan, RedEndpointsInput } from './service-queries.ts';

const DELAY_SAMPLE_LIMIT = 5000;

/** The RED bucket a duration falls in (upper bounds inclusive, as the rollups count). */
export function bucketOf(durationMs: number): number {
  const i = RED_BUCKET_BOUNDS_MS.findIndex((bound) => durationMs <= bound);
  return i === -1 ? RED_BUCKET_BOUNDS_MS.length : i;
}

/** Length of the union of [start, end) intervals, clipped to [from, to). */
export function coveredNs(
  intervals: readonly (readonly [bigint, bigint])[],
  from: bigint,
  to: bigint,
): bigint {
  const clipped = intervals
    .map(([s, e]): [bigint, bigint] => [s < from ? from : s, e > to ? to : e])
    .filter(([s, e]) => e > s)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let total = 0n;
  let runStart = -1n;
  let runEnd = -1n;
  for (const [s, e] of clipped) {
    if (runEnd < 0n || s > runEnd) {
      if (runEnd >= 0n) total += runEnd - runStart;
      runStart = s;
      runEnd = e;
    } else if (e > runEnd) runEnd = e;
  }
  if (runEnd >= 0n) total += runEnd - runStart;
  return total;
}

/** Per stored request: its endpoint, duration and the part of it spent in its calls, ms. */
interface SplitRequest {
  endpoint: string;
  durationMs: number;
  dependencyMs: number;
}

/** Splits each entry span into self and dependency time, from the calls of its trace that start inside it. */
export function splitRequests(entries: readonly EntrySpan[], calls: readonly CallSpan[]): SplitRequest[] {
  const byTrace = new Map<string, CallSpan[]>();
  for (const c of calls) {
    const list = byTrace.get(c.trace_id);
    if (list === undefined) byTrace.set(c.trace_id, [c]);
    else list.push(c);
  }
  return entries.map((e) => {
    const end = e.start_ns + e.duration_ns;
    const inside = (byTrace.get(e.trace_id) ?? [])
      .filter((c) => c.start_ns >= e.start_ns && c.start_ns < end)
      .map((c): [bigint, bigint] => [c.start_ns, c.start_ns + c.duration_ns]);
    return {
      endpoint: e.endpoint,
      durationMs: Number(e.duration_ns) / 1e6,
      dependencyMs: Number(coveredNs(inside, e.start_ns, end)) / 1e6,
    };
  });
}

/**
 * The dependency share of one endpoint's stored requests, each latency bucket weighted by the time the
 * 100 % rollups spent in it (`bucketCounts`); the plain ratio of sums without rollups. Null without requests.
 */
export function weightedShare(requests: readonly SplitRequest[], bucketCounts: readonly number[] | null) {
  const buckets = new Map<number, { n: number; duration: number; dependency: number }>();
  let duration = 0;
  let dependency = 0;
  for (const r of requests) {
    duration += r.durationMs;
    dependency += r.dependencyMs;
    const b = bucketOf(r.durationMs);
    const acc = buckets.get(b) ?? { n: 0, duration: 0, dependency: 0 };
    acc.n++;
    acc.duration += r.durationMs;
    acc.dependency += r.dependencyMs;
    buckets.set(b, acc);
  }
  if (requests.length === 0) return null;
  const plain = duration > 0 ? dependency / duration : 0;
  if (bucketCounts === null) return plain;
  let weight = 0;
  let weighted = 0;
  for (const [b, acc] of buckets) {
    const w = (bucketCounts[b] ?? 0) * (acc.duration / acc.n);
    if (w <= 0 || acc.duration <= 0) continue;
    weight += w;
    weighted += w * (acc.dependency / acc.duration);
  }
  return weight > 0 ? weighted / weight : plain;
}

/** `services.delaySource`: every endpoint with requests or stored traces in the range, busiest first. */
export async function delaySource(storage: Storage, input: RedEndpointsInput): Promise<ServiceDelaySource> {
  const [figures, sampled, totals] = [
    await endpointFigures(storage, input),
    await entryAndCallSpans(storage, { ...input, limit: DELAY_SAMPLE_LIMIT }),
    await callTimeTotals(storage, input),
  ];
  const requests = splitRequests(sampled.entries, sampled.calls);
  const byEndpoint = new Map<string, SplitRequest[]>();
  for (const r of requests) {
    const list = byEndpoint.get(r.endpoint);
    if (list === undefined) byEndpoint.set(r.endpoint, [r]);
    else list.push(r);
  }
  const names = [...figures.map((f) => f.endpoint), ...[...byEndpoint.keys()].sort()];
  const endpoints = [...new Set(names)].map((endpoint): EndpointDelaySource => {
    const red = figures.find((f) => f.endpoint === endpoint)?.figures;
    const stored = byEndpoint.get(endpoint) ?? [];
    const share = weightedShare(stored, red?.bucketCounts ?? null);
    const meanMs =
      red !== undefined && red.count > 0
        ? red.durationSumMs / red.count
        : stored.length > 0
          ? stored.reduce((a, r) => a + r.durationMs, 0) / stored.length
          : null;
    return {
      endpoint,
      dependencyShare: share,
      verdict: share === null ? null : delayVerdict(share),
      selfMs: share === null || meanMs === null ? null : meanMs * (1 - share),
      dependencyMs: share === null || meanMs === null ? null : meanMs * share,
      sampledRequests: stored.length,
      requests: red?.count ?? 0,
    };
  });
  return {
    endpoints,
    rollupCallTimeShare: totals.serverMs > 0 ? Math.min(1, totals.clientMs / totals.serverMs) : null,
    sampleLimit: DELAY_SAMPLE_LIMIT,
  };
}
