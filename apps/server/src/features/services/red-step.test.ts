import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../domain-errors.ts';
import { planRedSteps, RED_DEFAULT_STEPS } from './red-step.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Midnight UTC, so every default step divides it. */
const T = Date.UTC(2026, 0, 5);

describe('RED chart steps', () => {
  it('picks the smallest default step giving at most 300 points', () => {
    const cases: [number, number][] = [
      [1 * MIN, 60],
      [5 * HOUR, 60], // 300 one-minute points exactly
      [5 * HOUR + 1, 300],
      [25 * HOUR, 300],
      [3 * DAY, 900],
      [7 * DAY, 3600],
      [30 * DAY, 10_800],
      [40 * DAY, 21_600],
      [75 * DAY, 21_600],
      [90 * DAY, 86_400],
    ];
    for (const [range, step] of cases) {
      const plan = planRedSteps(T, T + range);
      expect(plan.stepSeconds, `range ${range / MIN} min`).toBe(step);
      expect(plan.points).toBeLessThanOrEqual(300);
      // No smaller default step would have fitted.
      const smaller = RED_DEFAULT_STEPS.filter((s) => s < step);
      for (const s of smaller) expect(Math.ceil(range / (s * 1000))).toBeGreaterThan(300);
    }
  });

  it('aligns steps to the epoch: the first holds `from`, the last starts before `to`', () => {
    expect(planRedSteps(T + 30_000, T + 10 * MIN + 1)).toEqual({ stepSeconds: 60, firstMs: T, points: 11 });
    expect(planRedSteps(T + 7 * MIN, T + 2 * HOUR, 900)).toEqual({
      stepSeconds: 900,
      firstMs: T,
      points: 8,
    });
    // A range inside one step is one point.
    expect(planRedSteps(T + 1000, T + 2000)).toEqual({ stepSeconds: 60, firstMs: T, points: 1 });
  });

  it('goes to whole days beyond 300 days, still within 300 points', () => {
    const plan = planRedSteps(T, T + 1000 * DAY);
    expect(plan.stepSeconds % 86_400).toBe(0);
    expect(plan.stepSeconds).toBe(4 * 86_400);
    expect(plan.points).toBeLessThanOrEqual(300);
  });

  it('rounds an explicit step up to whole minutes', () => {
    expect(planRedSteps(T, T + HOUR, 1).stepSeconds).toBe(60);
    expect(planRedSteps(T, T + HOUR, 61).stepSeconds).toBe(120);
    expect(planRedSteps(T, T + HOUR, 0.5).stepSeconds).toBe(60);
    expect(planRedSteps(T, T + HOUR, 3600)).toEqual({ stepSeconds: 3600, firstMs: T, points: 1 });
  });

  it('refuses an explicit step that gives more than 11,000 points, naming one that fits', () => {
    expect(planRedSteps(T, T + 11_000 * MIN, 60).points).toBe(11_000);
    expect(() => planRedSteps(T, T + 11_000 * MIN + 1, 60)).toThrow(BadRequestError);
    expect(() => planRedSteps(T, T + 30 * DAY, 60)).toThrow(
      /step 60 s gives 43200 points .*at most 11000 are allowed \(use a step of at least 240 s/,
    );
    // The suggested step does fit, from any start.
    expect(planRedSteps(T + 59_000, T + 59_000 + 30 * DAY, 240).points).toBeLessThanOrEqual(11_000);
  });
});
