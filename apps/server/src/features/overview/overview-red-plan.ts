/**
 * Where each part of a services overview's RED comes from (overview-red.ts reads and assembles it). Four
 * ranges are needed: the current one, its day-ago and week-ago copies and the 7-day "seen" window. Each
 * splits into whole hours (kept in memory: overview-hour-cache.ts) and partial-hour edges; the edges are cut
 * into disjoint minute pieces, each inside one hour. A piece in an hour that has ended comes from that
 * hour's minutes kept in memory (checked against the hour's fingerprint, like whole hours): those edges —
 * the day-ago and week-ago ones, the seen window's first — never change but by a late write, and reading
 * their minutes every call was half of the call. Only the pieces of the hour still running are read each
 * call, with the fingerprints of every hour used, in one statement.
 */
import { shifted, splitRange } from './overview-plan.ts';
import type { RangeSplit, SecondsRange, SparklinePlan } from './overview-plan.ts';
import type { RedCellsRead } from './overview-queries.ts';

export const HOUR_S = 3600;

export interface ServiceRedInput {
  range: SecondsRange;
  plan: SparklinePlan;
  /** The window whose services are listed even when silent in the range. */
  seenRange: SecondsRange;
  cluster?: string | undefined;
  /** false: minutes only, no cache (the tests compare both ways). */
  useHours: boolean;
}

/** Minutes [fromS, toS) inside one hour (or, without the cache, any disjoint interval). */
export interface MinutePiece extends SecondsRange {
  /** The ranges (indexes in ServiceRedPlan.ranges) whose edges hold it. */
  periods: number[];
  /** Its hour's start when it comes from the minute cache; undefined when the statement reads it. */
  cachedHour: number | undefined;
}

export interface ServiceRedPlan {
  /** Current, a day ago, a week ago, the seen window. */
  ranges: SecondsRange[];
  splits: RangeSplit[];
  /** Whole hours any range needs (their starts), sorted. */
  hours: number[];
  /** Ended hours whose minutes some piece needs, sorted. */
  minuteHours: number[];
  /** Sorted, disjoint. */
  pieces: MinutePiece[];
  /** The statement's read: fingerprints of `hours` and `minuteHours`, and the pieces without cachedHour. */
  read: RedCellsRead;
}

export function hoursOf(r: SecondsRange): number[] {
  const hours: number[] = [];
  for (let h = r.fromS; h < r.toS; h += HOUR_S) hours.push(h);
  return hours;
}

const inside = (piece: SecondsRange, r: SecondsRange): boolean =>
  r.fromS <= piece.fromS && piece.toS <= r.toS;

/** The ranges cut at every bound of any of them: disjoint, sorted, each inside one or more. */
function disjoint(ranges: readonly SecondsRange[]): SecondsRange[] {
  const bounds = [...new Set(ranges.flatMap((r) => [r.fromS, r.toS]))].sort((a, b) => a - b);
  return bounds
    .slice(1)
    .map((toS, i) => ({ fromS: bounds[i] ?? toS, toS }))
    .filter((piece) => ranges.some((r) => inside(piece, r)));
}

/** `r` cut at every hour boundary inside it. */
function byHour(r: SecondsRange): SecondsRange[] {
  const pieces: SecondsRange[] = [];
  for (let fromS = r.fromS; fromS < r.toS;) {
    const toS = Math.min(r.toS, (Math.floor(fromS / HOUR_S) + 1) * HOUR_S);
    pieces.push({ fromS, toS });
    fromS = toS;
  }
  return pieces;
}

const minutesOnly = (r: SecondsRange): RangeSplit => ({
  hours: { fromS: 0, toS: 0 },
  edges: [r, { fromS: r.toS, toS: r.toS }],
});

/** [first, last + 1 h) of sorted hours; undefined for none. */
export function spanOf(hours: readonly number[]): SecondsRange | undefined {
  const [first, last] = [hours.at(0), hours.at(-1)];
  return first === undefined || last === undefined ? undefined : { fromS: first, toS: last + HOUR_S };
}

/**
 * The plan of one call at `nowS` (seconds): an hour has ended when nowS ≥ its end. With sub-hour sparkline
 * steps the current range is all minutes (its steps are cut from them).
 */
export function planServiceRed(input: ServiceRedInput, nowS: number): ServiceRedPlan {
  const { range, plan, useHours } = input;
  const ranges = [range, shifted(range, 'day'), shifted(range, 'week'), input.seenRange];
  const hourSteps = plan.stepS % HOUR_S === 0;
  const splits = ranges.map((r, i) => (useHours && (i !== 0 || hourSteps) ? splitRange(r) : minutesOnly(r)));
  const edges = splits.map((s) => s.edges.filter((e) => e.toS > e.fromS));
  const intervals = disjoint(edges.flat());
  const pieces = (useHours ? intervals.flatMap(byHour) : intervals).map((p): MinutePiece => {
    const hourS = Math.floor(p.fromS / HOUR_S) * HOUR_S;
    return {
      ...p,
      periods: edges.flatMap((e, i) => (e.some((edge) => inside(p, edge)) ? [i] : [])),
      cachedHour: useHours && hourS + HOUR_S <= nowS ? hourS : undefined,
    };
  });
  const hours = [...new Set(splits.flatMap((s) => hoursOf(s.hours)))].sort((a, b) => a - b);
  const minuteHours = [...new Set(pieces.flatMap((p) => p.cachedHour ?? []))].sort((a, b) => a - b);
  const live = pieces.filter((p) => p.cachedHour === undefined);
  const fingerprinted = [...hours, ...minuteHours].sort((a, b) => a - b);
  return {
    ranges,
    splits,
    hours,
    minuteHours,
    pieces,
    read: {
      fingerprints: spanOf(fingerprinted),
      minutes: live.map(({ fromS, toS }) => ({ fromS, toS })),
      stepped: live.flatMap((p, i) => (p.periods.includes(0) ? [i] : [])),
      plan,
      cluster: input.cluster,
    },
  };
}
