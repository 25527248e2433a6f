import { describe, expect, it } from 'vitest';
import { coveredMinutes, planSparkline } from './overview-plan.ts';
import type { SecondsRange } from './overview-plan.ts';
import { planServiceRed } from './overview-red-plan.ts';
import type { MinutePiece } from './overview-red-plan.ts';
import { SEEN_LOOKBACK_S } from './overview-queries.ts';

const H = 3600;
const DAY = 24 * H;
/** A day's start (UTC), and times written as "d days after it at hh:mm". */
const D = 1_800_000_000 - (1_800_000_000 % DAY);
const at = (day: number, hh: number, mm = 0, ss = 0) => D + day * DAY + hh * H + mm * 60 + ss;

function inputOf(fromMs: number, toMs: number, useHours = true) {
  const range = coveredMinutes(fromMs, toMs);
  const seenRange = { fromS: Math.min(range.fromS, range.toS - SEEN_LOOKBACK_S), toS: range.toS };
  return { range, plan: planSparkline(range), seenRange, useHours };
}

const piece = (r: SecondsRange, periods: number[], cachedHour?: number): MinutePiece => ({
  ...r,
  periods,
  cachedHour,
});

describe('planServiceRed', () => {
  it('24 h at 20:07:30: whole hours and ended edge hours cached, only the running hour read', () => {
    const nowS = at(0, 20, 7, 30);
    const plan = planServiceRed(inputOf((nowS - DAY) * 1000, nowS * 1000), nowS);
    // The range is the minutes it touches: [yesterday 20:07, today 20:08).
    expect(plan.ranges).toEqual([
      { fromS: at(-1, 20, 7), toS: at(0, 20, 8) },
      { fromS: at(-2, 20, 7), toS: at(-1, 20, 8) },
      { fromS: at(-8, 20, 7), toS: at(-7, 20, 8) },
      { fromS: at(-7, 20, 8), toS: at(0, 20, 8) },
    ]);
    expect(plan.pieces).toEqual([
      piece({ fromS: at(-8, 20, 7), toS: at(-8, 21) }, [2], at(-8, 20)),
      piece({ fromS: at(-7, 20), toS: at(-7, 20, 8) }, [2], at(-7, 20)),
      piece({ fromS: at(-7, 20, 8), toS: at(-7, 21) }, [3], at(-7, 20)),
      piece({ fromS: at(-2, 20, 7), toS: at(-2, 21) }, [1], at(-2, 20)),
      piece({ fromS: at(-1, 20), toS: at(-1, 20, 7) }, [1], at(-1, 20)),
      // Yesterday's 20:07 is both the range's first minute and the day-ago copy's last.
      piece({ fromS: at(-1, 20, 7), toS: at(-1, 20, 8) }, [0, 1], at(-1, 20)),
      piece({ fromS: at(-1, 20, 8), toS: at(-1, 21) }, [0], at(-1, 20)),
      piece({ fromS: at(0, 20), toS: at(0, 20, 8) }, [0, 3]),
    ]);
    expect(plan.minuteHours).toEqual([at(-8, 20), at(-7, 20), at(-2, 20), at(-1, 20)]);
    // The week-ago copy's 23 whole hours and the seen window's 167 (which hold the range's and a day ago's).
    expect(plan.hours).toHaveLength(23 + 167);
    expect([plan.hours[0], plan.hours[22], plan.hours[23], plan.hours.at(-1)]).toEqual([
      at(-8, 21),
      at(-7, 19),
      at(-7, 21),
      at(0, 19),
    ]);
    expect(plan.read).toMatchObject({
      fingerprints: { fromS: at(-8, 20), toS: at(0, 20) },
      minutes: [{ fromS: at(0, 20), toS: at(0, 20, 8) }],
      stepped: [0],
    });
  });

  it('an hour is cached minute by minute only once it has ended', () => {
    const toMs = at(0, 20) * 1000;
    const input = inputOf(toMs - 3 * H * 1000, toMs);
    const at2000 = planServiceRed(input, at(0, 20));
    const at1959 = planServiceRed(input, at(0, 19, 59, 59));
    // 3 h has 10-minute sparkline steps: the current range is all minutes, three pieces of an hour each.
    expect(at2000.pieces.filter((p) => p.periods.includes(0)).map((p) => p.cachedHour)).toEqual([
      at(0, 17),
      at(0, 18),
      at(0, 19),
    ]);
    expect(at1959.pieces.filter((p) => p.periods.includes(0)).map((p) => p.cachedHour)).toEqual([
      at(0, 17),
      at(0, 18),
      undefined,
    ]);
    expect(at1959.read.minutes).toEqual([{ fromS: at(0, 19), toS: at(0, 20) }]);
    expect(at1959.read.stepped).toEqual([0]);
    expect(at2000.read.minutes).toEqual([]);
    // Whole hours only (the copies, the seen window): no minute of them is read.
    expect(at2000.minuteHours).toEqual([at(0, 17), at(0, 18), at(0, 19)]);
  });

  it('without hours (the tests compare both ways): every edge as minutes, read each call, nothing cached', () => {
    const nowS = at(0, 20, 7, 30);
    const plan = planServiceRed(inputOf((nowS - 2 * H) * 1000, nowS * 1000, false), nowS);
    expect(plan.hours).toEqual([]);
    expect(plan.minuteHours).toEqual([]);
    expect(plan.read.fingerprints).toBeUndefined();
    expect(plan.pieces.every((p) => p.cachedHour === undefined)).toBe(true);
    // The ranges themselves, cut where they overlap: the seen window holds the range and a day ago.
    expect(plan.pieces).toEqual([
      piece({ fromS: at(-7, 18, 7), toS: at(-7, 20, 8) }, [2]),
      piece({ fromS: at(-7, 20, 8), toS: at(-1, 18, 7) }, [3]),
      piece({ fromS: at(-1, 18, 7), toS: at(-1, 20, 8) }, [1, 3]),
      piece({ fromS: at(-1, 20, 8), toS: at(0, 18, 7) }, [3]),
      piece({ fromS: at(0, 18, 7), toS: at(0, 20, 8) }, [0, 3]),
    ]);
    expect(plan.read.minutes).toHaveLength(5);
    expect(plan.read.stepped).toEqual([4]);
  });
});
