/**
 * The time steps of a RED chart. Steps are whole minutes (the rollups' resolution) aligned to the epoch,
 * so the same step always covers the same minutes whatever range a chart asks for (zooming and paging
 * line up); the first step is the one holding `from`, the last one starts before `to`.
 */
import { BadRequestError } from '../domain-errors.ts';

/** Default steps in seconds, smallest first: the first one that gives at most 300 points is used. */
export const RED_DEFAULT_STEPS: readonly number[] = Object.freeze([
  60, 300, 900, 3600, 10_800, 21_600, 86_400,
]);
const RED_DEFAULT_MAX_POINTS = 300;
/** Most points an explicit step may give (a year of hours, a week of minutes). */
const RED_MAX_POINTS = 11_000;

const MINUTE_S = 60;
const DAY_S = 86_400;

export interface RedStepPlan {
  stepSeconds: number;
  /** Start of the first step, ms since the epoch (≤ from). */
  firstMs: number;
  /** Steps from `firstMs` until the first one that starts at or after `to`. */
  points: number;
}

function plan(fromMs: number, toMs: number, stepSeconds: number): RedStepPlan {
  const stepMs = stepSeconds * 1000;
  const firstMs = Math.floor(fromMs / stepMs) * stepMs;
  return { stepSeconds, firstMs, points: Math.ceil((toMs - firstMs) / stepMs) };
}

/**
 * The steps for [fromMs, toMs): the smallest default step giving ≤ 300 points (whole days beyond that), or
 * `stepSeconds` rounded up to a whole minute, which must give ≤ 11,000 points. Expects `toMs > fromMs`.
 */
export function planRedSteps(fromMs: number, toMs: number, stepSeconds?: number): RedStepPlan {
  if (stepSeconds === undefined) {
    for (const step of RED_DEFAULT_STEPS) {
      const p = plan(fromMs, toMs, step);
      if (p.points <= RED_DEFAULT_MAX_POINTS) return p;
    }
    // Longer than 300 days: whole days, as few per step as keep the chart within 300 points.
    let days = Math.max(2, Math.ceil((toMs - fromMs) / (RED_DEFAULT_MAX_POINTS * DAY_S * 1000)));
    let p = plan(fromMs, toMs, days * DAY_S);
    while (p.points > RED_DEFAULT_MAX_POINTS) p = plan(fromMs, toMs, ++days * DAY_S);
    return p;
  }
  const step = Math.ceil(stepSeconds / MINUTE_S) * MINUTE_S;
  const p = plan(fromMs, toMs, step);
  if (p.points > RED_MAX_POINTS) {
    const least = Math.ceil((toMs - fromMs) / 1000 / (RED_MAX_POINTS - 1) / MINUTE_S) * MINUTE_S;
    throw new BadRequestError(
      `step ${step} s gives ${p.points} points from ${fromMs} to ${toMs}; at most ${RED_MAX_POINTS} are allowed (use a step of at least ${least} s, or leave it out)`,
    );
  }
  return p;
}
