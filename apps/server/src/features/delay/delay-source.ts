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
 * Where the stored requests come from: the topology job (jobs/topology-job.ts) splits each one-minute window
 * once its grace period has passed and keeps the sums per endpoint and latency bucket in `delay_source_1m`
 * (delay-queries.ts `windowDelaySums`, the same split in SQL); a range reads those sums for the
 * minutes the job has computed — a few thousand rows a day — and splits the stored spans here only for the
 * minutes it has not (the last few, still in their grace period; minutes before the job ran or before
 * migration 0008), at most the `DELAY_SAMPLE_LIMIT` most recent of them. The weighting is the same either
 * way, so a computed window gives the answer its spans would.
 *
 * Limits: a call that a request hands off without waiting (fire-and-forget) counts as waited for; time
 * spent in a call that outlives its request is clipped to the request; the job looks for a request's calls
 * up to two minutes after its window, so a longer request loses the calls it makes after that. Service-
 * wide, the rollups alone give an upper bound (Σ call time ÷ Σ request time), returned beside it.
 */
import { delayVerdict } from '@apo/shared/console';
import type { EndpointDelaySource, ServiceDelaySource } from '@apo/shared/console';
import { RED_BUCKET_BOUNDS_MS } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import { entryAndCallSpans, rangeReads } from './delay-queries.ts';
import type { CallSpan, DelayCoverage, DelayInput, EntrySpan } from './delay-queries.ts';

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

/** One latency bucket's stored requests: how many, their summed duration and dependency time (ms). */
interface BucketSums {
  n: number;
  duration: number;
  dependency: number;
}

/** An endpoint's stored requests per RED latency bucket. */
type Buckets = Map<number, BucketSums>;

function addTo(buckets: Buckets, bucket: number, n: number, duration: number, dependency: number): void {
  const acc = buckets.get(bucket);
  if (acc === undefined) buckets.set(bucket, { n, duration, dependency });
  else {
    acc.n += n;
    acc.duration += duration;
    acc.dependency += dependency;
  }
}

/**
 * The dependency share of one endpoint's stored requests, each latency bucket weighted by the time the
 * 100 % rollups spent in it (`bucketCounts`); the plain ratio of sums without rollups. Null without requests.
 */
export function weightedShare(requests: readonly SplitRequest[], bucketCounts: readonly number[] | null) {
  const buckets: Buckets = new Map();
  for (const r of requests) addTo(buckets, bucketOf(r.durationMs), 1, r.durationMs, r.dependencyMs);
  return bucketShare(buckets, bucketCounts);
}

/** `weightedShare` of requests already summed per bucket (the job's table, or split spans). */
export function bucketShare(buckets: Buckets, bucketCounts: readonly number[] | null): number | null {
  let n = 0;
  let duration = 0;
  let dependency = 0;
  for (const acc of buckets.values()) {
    n += acc.n;
    duration += acc.duration;
    dependency += acc.dependency;
  }
  if (n === 0) return null;
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

const MINUTE_MS = 60_000;

/**
 * The part of [from, to) whose stored spans must still be split here, given the minutes the job has
 * computed: all of it when none (or when the computed minutes have gaps, or lie inside it with uncomputed
 * minutes on both sides — the span read then skips the computed ones), the minutes before the first
 * computed one, or the ones after the last (the usual case: the minutes still in their grace period);
 * null when every minute is computed.
 */
export function uncoveredRange(
  range: { from: number; to: number },
  coverage: DelayCoverage,
): { from: number; to: number } | null {
  if (coverage.windows === 0) return { from: range.from, to: range.to };
  const firstMinute = Math.floor(range.from / MINUTE_MS) * MINUTE_MS;
  const lastMinute = Math.ceil(range.to / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  const contiguous = coverage.windows === (coverage.lastMs - coverage.firstMs) / MINUTE_MS + 1;
  const head = coverage.firstMs > firstMinute;
  const tail = coverage.lastMs < lastMinute;
  if (!contiguous || (head && tail)) return { from: range.from, to: range.to };
  if (head) return { from: range.from, to: Math.min(range.to, coverage.firstMs) };
  if (tail) return { from: Math.max(range.from, coverage.lastMs + MINUTE_MS), to: range.to };
  return null;
}

const nsToMs = (ns: bigint): number => Number(ns) / 1e6;

/** `services.delaySource`: every endpoint with requests or stored traces in the range, busiest first. */
export async function delaySource(storage: Storage, input: DelayInput): Promise<ServiceDelaySource> {
  // The rollups, the computed minutes and the job's sums first, in one statement; then the stored spans of
  // the minutes the job has not computed. The table is read before the spans: a window the job records in
  // between is then missed by both reads once, rather than counted by both.
  const { figures, coverage, computed, totals } = await rangeReads(storage, input);
  const uncovered = uncoveredRange(input, coverage);
  const sampled =
    uncovered === null
      ? { entries: [], calls: [] }
      : await entryAndCallSpans(storage, {
          ...input,
          ...uncovered,
          limit: DELAY_SAMPLE_LIMIT,
          skipComputed: coverage.windows > 0,
        });
  const byEndpoint = new Map<string, Buckets>();
  const bucketsOf = (endpoint: string): Buckets => {
    let buckets = byEndpoint.get(endpoint);
    if (buckets === undefined) byEndpoint.set(endpoint, (buckets = new Map<number, BucketSums>()));
    return buckets;
  };
  for (const row of computed)
    addTo(
      bucketsOf(row.endpoint),
      row.bucket,
      row.requests,
      nsToMs(row.duration_ns),
      nsToMs(row.dependency_ns),
    );
  for (const r of splitRequests(sampled.entries, sampled.calls))
    addTo(bucketsOf(r.endpoint), bucketOf(r.durationMs), 1, r.durationMs, r.dependencyMs);
  const names = [...figures.map((f) => f.endpoint), ...[...byEndpoint.keys()].sort()];
  const endpoints = [...new Set(names)].map((endpoint): EndpointDelaySource => {
    const red = figures.find((f) => f.endpoint === endpoint);
    const buckets = byEndpoint.get(endpoint) ?? new Map<number, BucketSums>();
    const stored = [...buckets.values()];
    const sampledRequests = stored.reduce((a, b) => a + b.n, 0);
    const share = bucketShare(buckets, red?.bucketCounts ?? null);
    const meanMs =
      red !== undefined && red.count > 0
        ? red.durationSumMs / red.count
        : sampledRequests > 0
          ? stored.reduce((a, b) => a + b.duration, 0) / sampledRequests
          : null;
    return {
      endpoint,
      dependencyShare: share,
      verdict: share === null ? null : delayVerdict(share),
      selfMs: share === null || meanMs === null ? null : meanMs * (1 - share),
      dependencyMs: share === null || meanMs === null ? null : meanMs * share,
      sampledRequests,
      requests: red?.count ?? 0,
    };
  });
  return {
    endpoints,
    rollupCallTimeShare: totals.serverMs > 0 ? Math.min(1, totals.clientMs / totals.serverMs) : null,
    sampleLimit: DELAY_SAMPLE_LIMIT,
  };
}
