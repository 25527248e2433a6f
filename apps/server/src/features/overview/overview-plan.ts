/**
 * The time arithmetic of the services overview, apart from the SQL: which minutes a range covers, its
 * day-ago and week-ago copies, how a range splits into whole hours (read from the hourly projection of
 * `red_server_1m`) and partial-hour edges (read as minutes), and the sparkline's steps.
 */
import type { ComparisonPeriod } from '@apo/shared/console';

const MINUTE_S = 60;
const HOUR_S = 3600;
const DAY_S = 86_400;

/** Seconds since the epoch, [from, to), whole minutes. */
export interface SecondsRange {
  fromS: number;
  toS: number;
}

/** Where a range's rows are read: whole hours from the projection, the rest as minutes. */
export interface RangeSplit {
  /** [h0, h1) in whole hours; empty (h0 = h1) when the range holds no whole hour. */
  hours: SecondsRange;
  /** The minutes before the first and after the last whole hour (possibly empty). */
  edges: [SecondsRange, SecondsRange];
}

export type Period = 'current' | ComparisonPeriod;
export const PERIODS: readonly Period[] = ['current', 'day', 'week'];
const SHIFT_S: Record<Period, number> = { current: 0, day: DAY_S, week: 7 * DAY_S };

/** DateTime is seconds in a UInt32: times outside it have no rows anyway. */
const MAX_DATETIME_S = 4_294_967_295;
const clampS = (s: number): number => Math.min(MAX_DATETIME_S, Math.max(0, s));

/**
 * The minutes that overlap [fromMs, toMs): the rollups are per minute, so a range that cuts a minute
 * reads all of it, and rates are per second of those minutes.
 */
export function coveredMinutes(fromMs: number, toMs: number): SecondsRange {
  return {
    fromS: clampS(Math.floor(fromMs / 60_000) * MINUTE_S),
    toS: clampS(Math.ceil(toMs / 60_000) * MINUTE_S),
  };
}

/** The same-length range one day or one week earlier. */
export function shifted(range: SecondsRange, period: Period): SecondsRange {
  return { fromS: clampS(range.fromS - SHIFT_S[period]), toS: clampS(range.toS - SHIFT_S[period]) };
}

/** Hours for the whole hours of the range, minutes for the edges; `useHours: false` reads minutes only. */
export function splitRange(range: SecondsRange, useHours = true): RangeSplit {
  const h0 = Math.ceil(range.fromS / HOUR_S) * HOUR_S;
  const h1 = Math.floor(range.toS / HOUR_S) * HOUR_S;
  if (!useHours || h0 >= h1) {
    return {
      hours: { fromS: 0, toS: 0 },
      edges: [range, { fromS: range.toS, toS: range.toS }],
    };
  }
  return {
    hours: { fromS: h0, toS: h1 },
    edges: [
      { fromS: range.fromS, toS: h0 },
      { fromS: h1, toS: range.toS },
    ],
  };
}

/** Sparkline steps, seconds: round ones, so points line up with the clock (and hours with the projection). */
const STEPS_S = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, DAY_S];
const SPARKLINE_POINTS = 30;

export interface SparklinePlan {
  /** Start of the first step (at or before the range start), seconds. */
  firstS: number;
  stepS: number;
  points: number;
}

/**
 * At most 30 steps of the smallest round size, epoch-aligned. Past 6 h the step is at least an hour, so
 * the sparkline, like the figures, reads hours rather than up to 30 × 4,000 minute rows per point
 * (6–30 points between 6 h and 30 h).
 */
export function planSparkline(range: SecondsRange): SparklinePlan {
  const span = range.toS - range.fromS;
  let stepS =
    STEPS_S.find((s) => Math.ceil(span / s) <= SPARKLINE_POINTS) ??
    Math.ceil(span / SPARKLINE_POINTS / DAY_S) * DAY_S;
  if (stepS < HOUR_S && span > 6 * HOUR_S) stepS = HOUR_S;
  const firstS = Math.floor(range.fromS / stepS) * stepS;
  return { firstS, stepS, points: Math.ceil((range.toS - firstS) / stepS) };
}

/** Seconds of step `i` inside the range: the first and last steps may be cut by it. */
export function stepOverlapS(plan: SparklinePlan, range: SecondsRange, i: number): number {
  const start = plan.firstS + i * plan.stepS;
  return Math.max(0, Math.min(range.toS, start + plan.stepS) - Math.max(range.fromS, start));
}
