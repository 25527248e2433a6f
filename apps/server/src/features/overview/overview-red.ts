/**
 * The RED of `overview.services`: per service its figures in the range and its day-ago and week-ago
 * copies, its sparkline steps, and the clusters it had requests in over the 7-day "seen" window.
 *
 * overview-red-plan.ts says where each part comes from: whole hours from the hour cache, the minutes of
 * ended hours from the minute cache (overview-hour-cache.ts), both checked against the hours' fingerprints;
 * the minutes of the hour still running from the call's statement (services-overview.ts runs it with the
 * fingerprints and the call's other reads). Only hours that are new or changed cost a second statement.
 * Quantiles are interpolateQuantile's over the summed buckets, the same figures the SQL of
 * overview-queries.ts computes for endpoints.
 */
import { RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT, interpolateQuantile } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import type { Subject } from './overview-figures.ts';
import { fingerprintOf, hourCacheOf, minuteCacheOf, NO_ROWS } from './overview-hour-cache.ts';
import type { MinuteCells, RedCell } from './overview-hour-cache.ts';
import { RedCellKind, redCells } from './overview-queries.ts';
import type { CurrentRow, Figures, RedCellRow } from './overview-queries.ts';
import { HOUR_S, hoursOf, spanOf } from './overview-red-plan.ts';
import type { ServiceRedInput, ServiceRedPlan } from './overview-red-plan.ts';

const MINUTE_S = 60;

export interface ServiceRed {
  subjects: Map<string, Subject>;
  /** Per service with requests in the seen window, its clusters, sorted. */
  clusters: Map<string, string[]>;
}

type Sums = Omit<RedCell, 'service' | 'cluster'>;

const emptySums = (): Sums => ({
  requests: 0,
  failed: 0,
  sumMs: 0,
  buckets: new Array<number>(RED_BUCKET_COUNT).fill(0),
});

function add(to: Sums, from: Sums): void {
  to.requests += from.requests;
  to.failed += from.failed;
  to.sumMs += from.sumMs;
  const { buckets } = to;
  for (let i = 0; i < from.buckets.length; i++) buckets[i] = (buckets[i] ?? 0) + (from.buckets[i] ?? 0);
}

function figuresOf(s: Sums): Figures {
  const quantile = (q: number) =>
    s.requests === 0 ? null : interpolateQuantile(s.buckets, RED_BUCKET_BOUNDS_MS, q);
  return {
    requests: s.requests,
    failed: s.failed,
    sum_ms: s.sumMs,
    p95: quantile(0.95),
    p99: quantile(0.99),
  };
}

const cellOf = (r: RedCellRow): RedCell => ({
  service: r.service,
  cluster: r.cluster,
  requests: r.requests,
  failed: r.failed,
  sumMs: r.sum_ms,
  buckets: r.buckets,
});

/** An hour's minute cells from its kind-3 rows (t: the minute's start). */
function minutesOf(hourS: number, rows: readonly RedCellRow[]): MinuteCells {
  const minutes = Array.from({ length: HOUR_S / MINUTE_S }, (): RedCell[] => []);
  for (const r of rows) minutes[(r.t - hourS) / MINUTE_S]?.push(cellOf(r));
  return minutes;
}

/**
 * The plan's whole hours and minute hours from the caches; those new or changed (their fingerprint differs
 * from the cached one) are read in one statement and cached.
 */
async function cachedHours(storage: Storage, red: ServiceRedPlan, fingerprints: ReadonlyMap<number, string>) {
  const fingerprint = (h: number) => fingerprints.get(h) ?? NO_ROWS;
  const [hourCache, minuteCache] = [hourCacheOf(storage), minuteCacheOf(storage)];
  const hours = new Map<number, readonly RedCell[]>();
  const minuteHours = new Map<number, MinuteCells>();
  const stale = red.hours.filter((h) => {
    const cells = hourCache.get(h, fingerprint(h));
    if (cells !== undefined) hours.set(h, cells);
    return cells === undefined;
  });
  const staleMinutes = red.minuteHours.filter((h) => {
    const minutes = minuteCache.get(h, fingerprint(h));
    if (minutes !== undefined) minuteHours.set(h, minutes);
    return minutes === undefined;
  });
  if (stale.length + staleMinutes.length > 0) {
    const read = { hours: spanOf(stale), minuteHours: staleMinutes, minutes: [], stepped: [] };
    const rows = await redCells(storage, { ...read, plan: red.read.plan });
    const byHour = new Map<number, RedCellRow[]>([...stale, ...staleMinutes].map((h) => [h, []]));
    for (const r of rows) {
      // Hour rows carry their hour, minute rows their minute.
      byHour.get(r.kind === RedCellKind.hour ? r.t : Math.floor(r.t / HOUR_S) * HOUR_S)?.push(r);
    }
    for (const h of stale) {
      const cells = (byHour.get(h) ?? []).filter((r) => r.kind === RedCellKind.hour).map(cellOf);
      hourCache.set(h, fingerprint(h), cells);
      hours.set(h, cells);
    }
    for (const h of staleMinutes) {
      const minutes = minutesOf(
        h,
        (byHour.get(h) ?? []).filter((r) => r.kind === RedCellKind.minute),
      );
      minuteCache.set(h, fingerprint(h), minutes);
      minuteHours.set(h, minutes);
    }
  }
  return { hours, minuteHours };
}

/**
 * The RED of a call from its plan and the rows its statement read (fingerprints, the running hour's
 * minutes; `rows` holds no other kinds).
 */
export async function serviceRed(
  storage: Storage,
  input: ServiceRedInput,
  red: ServiceRedPlan,
  rows: readonly RedCellRow[],
): Promise<ServiceRed> {
  const { plan, cluster } = input;
  const fingerprints = new Map<number, string>();
  const liveRows = red.read.minutes.map((): RedCellRow[] => []);
  for (const r of rows) {
    if (r.kind === RedCellKind.fingerprint) fingerprints.set(r.t, fingerprintOf(r));
    else liveRows[r.seg]?.push(r);
  }
  const { hours, minuteHours } = await cachedHours(storage, red, fingerprints);

  // Per service: the three periods' sums, the current range's per step, and the seen window's clusters.
  const acc = new Map<string, { periods: (Sums | undefined)[]; steps: Map<number, Sums> }>();
  const clusterSets = new Map<string, Set<string>>();
  const addTo = (cell: RedCell, period: number, step?: number) => {
    if (cluster !== undefined && cell.cluster !== cluster) return;
    if (period === 3) {
      if (cell.requests === 0) return;
      let set = clusterSets.get(cell.service);
      if (set === undefined) clusterSets.set(cell.service, (set = new Set()));
      set.add(cell.cluster);
      return;
    }
    let a = acc.get(cell.service);
    if (a === undefined)
      acc.set(cell.service, (a = { periods: [undefined, undefined, undefined], steps: new Map() }));
    add((a.periods[period] ??= emptySums()), cell);
    if (step === undefined) return;
    let s = a.steps.get(step);
    if (s === undefined) a.steps.set(step, (s = emptySums()));
    add(s, cell);
  };
  const stepOf = (s: number) => Math.floor((s - plan.firstS) / plan.stepS);
  red.splits.forEach((split, period) => {
    for (const h of hoursOf(split.hours)) {
      const step = period === 0 ? stepOf(h) : undefined;
      for (const cell of hours.get(h) ?? []) addTo(cell, period, step);
    }
  });
  let live = 0;
  for (const piece of red.pieces) {
    if (piece.cachedHour === undefined) {
      // Minute rows of the current range carry their sparkline step (t).
      for (const r of liveRows[live++] ?? []) {
        const cell = cellOf(r);
        for (const period of piece.periods) addTo(cell, period, period === 0 ? r.t : undefined);
      }
      continue;
    }
    const minutes = minuteHours.get(piece.cachedHour) ?? [];
    for (let m = piece.fromS; m < piece.toS; m += MINUTE_S) {
      for (const cell of minutes[(m - piece.cachedHour) / MINUTE_S] ?? []) {
        for (const period of piece.periods) addTo(cell, period, period === 0 ? stepOf(m) : undefined);
      }
    }
  }

  const subjects = new Map<string, Subject>();
  for (const [service, a] of acc) {
    const steps = [...a.steps].map(([step, s]): CurrentRow => ({ name: service, step, ...figuresOf(s) }));
    const [current, day, week] = a.periods.map((p) => (p === undefined ? undefined : figuresOf(p)));
    subjects.set(service, { periods: [current, day, week], steps });
  }
  const clusters = new Map([...clusterSets].map(([service, set]) => [service, [...set].sort()]));
  return { subjects, clusters };
}
