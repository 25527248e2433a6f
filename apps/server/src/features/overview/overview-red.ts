/**
 * The RED of `overview.services`: per service its figures in the range and its day-ago and week-ago
 * copies, its sparkline steps, and the clusters it had requests in over the 7-day "seen" window.
 *
 * Whole hours come from the hour cache (overview-hour-cache.ts), checked against their fingerprints; the
 * partial-hour edges of the four ranges (and, with sub-hour sparkline steps, the whole current range) are
 * cut into disjoint minute intervals and read in the same statement as the fingerprints. Only hours that
 * are new or changed cost a second statement. Quantiles are interpolateQuantile's over the summed buckets,
 * the same figures the SQL of overview-queries.ts computes for endpoints.
 */
import { RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT, interpolateQuantile } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import type { Subject } from './overview-figures.ts';
import { fingerprintOf, hourCacheOf, NO_ROWS } from './overview-hour-cache.ts';
import type { RedCell } from './overview-hour-cache.ts';
import { shifted, splitRange } from './overview-plan.ts';
import type { RangeSplit, SecondsRange, SparklinePlan } from './overview-plan.ts';
import { RedCellKind, redCells } from './overview-queries.ts';
import type { CurrentRow, Figures, RedCellRow } from './overview-queries.ts';

const HOUR_S = 3600;

export interface ServiceRedInput {
  range: SecondsRange;
  plan: SparklinePlan;
  /** The window whose services are listed even when silent in the range. */
  seenRange: SecondsRange;
  cluster?: string | undefined;
  /** false: minutes only, no cache (the tests compare both ways). */
  useHours: boolean;
}

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
  from.buckets.forEach((n, i) => {
    to.buckets[i] = (to.buckets[i] ?? 0) + n;
  });
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

const minutesOnly = (r: SecondsRange): RangeSplit => ({
  hours: { fromS: 0, toS: 0 },
  edges: [r, { fromS: r.toS, toS: r.toS }],
});

function hoursOf(r: SecondsRange): number[] {
  const hours: number[] = [];
  for (let h = r.fromS; h < r.toS; h += HOUR_S) hours.push(h);
  return hours;
}

const inside = (piece: SecondsRange, r: SecondsRange) => r.fromS <= piece.fromS && piece.toS <= r.toS;

/** The minute ranges cut at every bound of any of them: disjoint, sorted, each inside one or more. */
function disjointMinutes(ranges: readonly SecondsRange[]): SecondsRange[] {
  const bounds = [...new Set(ranges.flatMap((r) => [r.fromS, r.toS]))].sort((a, b) => a - b);
  return bounds
    .slice(1)
    .map((toS, i) => ({ fromS: bounds[i] ?? toS, toS }))
    .filter((piece) => ranges.some((r) => inside(piece, r)));
}

export async function serviceRed(storage: Storage, input: ServiceRedInput): Promise<ServiceRed> {
  const { range, plan, useHours, cluster } = input;
  // Current, a day ago, a week ago, the seen window.
  const ranges = [range, shifted(range, 'day'), shifted(range, 'week'), input.seenRange];
  const hourSteps = plan.stepS % HOUR_S === 0;
  const splits = ranges.map((r, i) => (useHours && (i !== 0 || hourSteps) ? splitRange(r) : minutesOnly(r)));
  const edgesOf = (i: number) => (splits[i]?.edges ?? []).filter((e) => e.toS > e.fromS);
  const minutes = disjointMinutes(splits.flatMap((_, i) => edgesOf(i)));
  const stepped = minutes.flatMap((m, i) => (edgesOf(0).some((e) => inside(m, e)) ? [i] : []));
  const needed = [...new Set(splits.flatMap((s) => hoursOf(s.hours)))].sort((a, b) => a - b);
  const span = (hours: number[]): SecondsRange | undefined => {
    const [first, last] = [hours.at(0), hours.at(-1)];
    return first === undefined || last === undefined ? undefined : { fromS: first, toS: last + HOUR_S };
  };

  const rows = await redCells(storage, { fingerprints: span(needed), minutes, stepped, plan, cluster });
  const fingerprints = new Map<number, string>();
  const minuteRows = minutes.map((): RedCellRow[] => []);
  for (const r of rows) {
    if (r.kind === RedCellKind.fingerprint) fingerprints.set(r.t, fingerprintOf(r));
    else minuteRows[r.seg]?.push(r);
  }

  const cache = hourCacheOf(storage);
  const hourCells = new Map<number, readonly RedCell[]>();
  const stale: number[] = [];
  for (const h of needed) {
    const cells = cache.get(h, fingerprints.get(h) ?? NO_ROWS);
    if (cells === undefined) stale.push(h);
    else hourCells.set(h, cells);
  }
  if (stale.length > 0) {
    const fresh = await redCells(storage, { hours: span(stale), minutes: [], stepped: [], plan });
    const byHour = new Map<number, RedCell[]>(stale.map((h) => [h, []]));
    for (const r of fresh) byHour.get(r.t)?.push(cellOf(r));
    for (const [h, cells] of byHour) {
      cache.set(h, fingerprints.get(h) ?? NO_ROWS, cells);
      hourCells.set(h, cells);
    }
  }

  // Per service: the three periods' sums, the current range's per step, and the seen window's clusters.
  const acc = new Map<string, { periods: (Sums | undefined)[]; steps: Map<number, Sums> }>();
  const clusterSets = new Map<string, Set<string>>();
  const addTo = (cell: Sums & { service: string; cluster: string }, period: number, step?: number) => {
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
  splits.forEach((split, period) => {
    for (const h of hoursOf(split.hours)) {
      const step = period === 0 ? Math.floor((h - plan.firstS) / plan.stepS) : undefined;
      for (const cell of hourCells.get(h) ?? []) addTo(cell, period, step);
    }
    minutes.forEach((m, i) => {
      if (!edgesOf(period).some((e) => inside(m, e))) return;
      for (const r of minuteRows[i] ?? []) addTo(cellOf(r), period, period === 0 ? r.t : undefined);
    });
  });

  const subjects = new Map<string, Subject>();
  for (const [service, a] of acc) {
    const steps = [...a.steps].map(([step, s]): CurrentRow => ({ name: service, step, ...figuresOf(s) }));
    const [current, day, week] = a.periods.map((p) => (p === undefined ? undefined : figuresOf(p)));
    subjects.set(service, { periods: [current, day, week], steps });
  }
  const clusters = new Map([...clusterSets].map(([service, set]) => [service, [...set].sort()]));
  return { subjects, clusters };
}
