/**
 * Onset detection on a per-minute series (RED, self time, a resource): the first minute from which the
 * series stays away from its baseline. The baseline is the window before the candidate minute (median and
 * MAD), so it works without an earlier day: five quiet minutes are enough. A minute counts as abnormal when
 * it is both far in robust z (the scale floored, so a flat baseline cannot make noise infinite) and a real
 * change (relative and absolute floors). One abnormal minute is noise; the onset is the first minute where
 * most of the next few are abnormal too, and most minutes up to the end (the episode still lasts).
 */
import { BaselineWindow } from './baseline-window.ts';
import { clamp01, mad, median, present, type Series } from './stats.ts';

export interface OnsetOptions {
  /** Present points needed before a candidate onset (default 5). */
  minBaseline?: number;
  /** Robust z a minute must reach (default 4). */
  z?: number;
  /** Change relative to the baseline median a minute must reach (default 0.25 = +25 %). */
  minRelative?: number;
  /** Absolute change a minute must reach, in the series' unit (default 0). */
  minAbsolute?: number;
  /** 'up' (default): only rises are faults (latency, errors, CPU). */
  direction?: 'up' | 'down';
}

export interface Shift {
  /** Median before the onset. */
  baseline: number;
  /** Median from the onset on. */
  after: number;
  /** Robust z of `after` against the baseline (scale floored). */
  z: number;
  /** (after − baseline) ÷ max(|baseline|, the absolute floor). */
  relative: number;
  /** 0…1: how strong the shift is (docs/investigations.md, "strength"); halved once it ended. */
  strength: number;
  /** The last minutes with data are back within the thresholds: the anomaly is over. */
  ended: boolean;
}

export interface Onset extends Shift {
  index: number;
  /** The first minute with data after the onset that was back to normal, null while it never was. */
  firstNormal: number | null;
}

const WINDOW = 3;
/** Minutes before a candidate onset that form its baseline (a local one: traffic has a daily rhythm). */
const BASELINE_MINUTES = 60;
/** The recent part of it, the baseline instead when an earlier fault filled most of the hour. */
const RECENT_MINUTES = 10;
/** Share of the minutes from the onset to the end that must be abnormal. */
const STAYS = 0.6;
/** The last minutes with data that, all back to normal, make a shift one that ended. */
const TAIL = 2;
/**
 * What an anomaly that ended before the range's end is worth, against one still going on: it is over, so
 * it is not what is wrong now (a fault cleared just before the next one started).
 */
const ENDED_WEIGHT = 0.5;

type Resolved = ReturnType<typeof resolved>;

function resolved(o: OnsetOptions) {
  return {
    minBaseline: o.minBaseline ?? 5,
    z: o.z ?? 4,
    minRelative: o.minRelative ?? 0.25,
    minAbsolute: o.minAbsolute ?? 0,
    sign: o.direction === 'down' ? -1 : 1,
  };
}

/** Scale of a baseline: its MAD, floored at 5 % of its level and at a third of the absolute floor. */
function scaleOf(mad: number, center: number, minAbsolute: number): number {
  return Math.max(mad, Math.abs(center) * 0.05, minAbsolute / 3, 1e-9);
}

interface Baseline {
  /** Present minutes in it. */
  count: number;
  center: number;
  scale: number;
}

/** Whether a minute is abnormal against a baseline: far in robust z, and past both floors. */
function abnormalAgainst(v: number | null | undefined, base: Baseline, r: Resolved): boolean {
  if (v === null || v === undefined) return false;
  const dev = r.sign * (v - base.center);
  return dev / base.scale >= r.z && dev >= r.minAbsolute && dev >= r.minRelative * Math.abs(base.center);
}

function baselineOver(values: Series, index: number, minutes: number, r: Resolved): Baseline | null {
  const base = present(values.slice(Math.max(0, index - minutes), index));
  if (base.length === 0) return null;
  const center = median(base) ?? 0;
  return { count: base.length, center, scale: scaleOf(mad(base, center), center, r.minAbsolute) };
}

/** The same baseline from a window already moved to its minute (detectOnset's walk over every minute). */
function baselineOfWindow(w: BaselineWindow, r: Resolved): Baseline | null {
  if (w.count === 0) return null;
  const center = w.median();
  return { count: w.count, center, scale: scaleOf(w.mad(center), center, r.minAbsolute) };
}

/**
 * The baseline of a candidate onset: the hour before it. Its median survives an earlier fault that filled
 * less than half of it; one that filled more makes the median that fault's level, and a new fault on top
 * no longer stands out. Then the minutes since it ended are the normal ones: when the hour's median would
 * itself be abnormal against the last ten minutes (which hold enough points), those ten are the baseline.
 * Earlier faults that filled less also widen the hour's spread (its MAD), enough to hide a new rise of a
 * few times the level: when the last ten minutes are calmer (a smaller scale) and not higher, they are the
 * better picture of normal now, and they are the baseline too.
 */
function chooseBaseline(hour: Baseline | null, recent: Baseline | null, r: Resolved): Baseline | null {
  if (hour === null || recent === null || recent.count < r.minBaseline) return hour;
  const hourShift = r.sign * (hour.center - recent.center);
  if (hourShift / recent.scale >= r.z && hourShift >= r.minAbsolute) return recent;
  return recent.scale < hour.scale && hourShift >= 0 ? recent : hour;
}

function baselineAt(values: Series, index: number, r: Resolved): Baseline | null {
  return chooseBaseline(
    baselineOver(values, index, BASELINE_MINUTES, r),
    baselineOver(values, index, RECENT_MINUTES, r),
    r,
  );
}

/**
 * 0…1 from a robust z and a relative change: both must be clearly past their thresholds. About 0.3 at the
 * detection thresholds' edge, 0.6 at twice the z threshold and +50 %, over 0.85 at three times and double.
 */
export function strengthOf(z: number, relative: number, zThreshold = 4): number {
  const s = 1 - Math.exp(-Math.max(0, z / zThreshold - 0.5));
  const m = 1 - Math.exp(-Math.max(0, relative) / 0.5);
  return clamp01(Math.sqrt(s * m));
}

/** How far the series from `index` on is from the series before it; null without enough points. */
export function shiftAt(values: Series, index: number, o: OnsetOptions = {}): Shift | null {
  const r = resolved(o);
  const base = baselineAt(values, index, r);
  const after = present(values.slice(index));
  if (base === null || base.count < Math.min(r.minBaseline, 3) || after.length === 0) return null;
  const b = base.center;
  const a = median(after) ?? 0;
  const scale = base.scale;
  const dev = r.sign * (a - b);
  const z = dev / scale;
  const relative = dev / Math.max(Math.abs(b), r.minAbsolute, 1e-9);
  const passes = dev >= r.minAbsolute && relative >= r.minRelative;
  // Only a shift that has minutes beyond its tail can have ended; a young one is still going on.
  const ended = after.length > TAIL && after.slice(-TAIL).every((v) => !abnormalAgainst(v, base, r));
  const strength = passes ? strengthOf(z, relative, r.z) * (ended ? ENDED_WEIGHT : 1) : 0;
  return { baseline: b, after: a, z, relative, strength, ended };
}

/**
 * The onset of the latest episode that lasts to the end, null without one. Every minute is a candidate
 * with its own baseline (`baselineAt`); two sliding windows give those baselines minute by minute
 * without sorting (baseline-window.ts), the same numbers as `baselineAt` computes for one minute.
 */
export function detectOnset(values: Series, o: OnsetOptions = {}): Onset | null {
  const r = resolved(o);
  const hourWindow = new BaselineWindow(values, BASELINE_MINUTES);
  const recentWindow = new BaselineWindow(values, RECENT_MINUTES);
  let found: Onset | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // A minute without data is never abnormal: no baseline is needed for it.
    if (v === null || v === undefined) continue;
    hourWindow.moveTo(i);
    recentWindow.moveTo(i);
    const base = chooseBaseline(baselineOfWindow(hourWindow, r), baselineOfWindow(recentWindow, r), r);
    if (base === null || base.count < r.minBaseline) continue;
    const abnormal = (x: number | null | undefined): boolean => abnormalAgainst(x, base, r);
    if (!abnormal(v)) continue;
    // An episode starts after a normal minute: inside a longer one, later minutes are not its onset.
    let p = i - 1;
    while (p >= 0 && values[p] === null) p--;
    if (p >= 0 && abnormal(values[p])) continue;
    let next = 0;
    let hits = 0;
    for (let k = i; k < Math.min(values.length, i + WINDOW); k++) {
      if (values[k] === null) continue;
      next++;
      if (abnormal(values[k])) hits++;
    }
    // Near the end fewer minutes exist: all of them must be abnormal, and a lone last minute must be so
    // by twice the threshold (the answer is wanted within two minutes of a fault's start).
    const sustained =
      next >= WINDOW
        ? hits >= WINDOW - 1
        : next >= 2
          ? hits === next
          : (r.sign * (v - base.center)) / base.scale >= 2 * r.z;
    if (!sustained) continue;
    // It must also stay: an earlier episode that ended is not this investigation's onset (a fault that
    // recovered before the one being asked about).
    let rest = 0;
    let restHits = 0;
    for (let k = i; k < values.length; k++) {
      if (values[k] === null) continue;
      rest++;
      if (abnormal(values[k])) restHits++;
    }
    if (restHits < STAYS * rest) continue;
    const shift = shiftAt(values, i, o);
    let normal: number | null = null;
    for (let k = i + 1; k < values.length && normal === null; k++)
      if (values[k] !== null && !abnormal(values[k])) normal = k;
    // The latest episode that lasts is the one asked about (earlier faults in the window have ended).
    if (shift !== null && shift.strength > 0) found = { index: i, firstNormal: normal, ...shift };
  }
  return found;
}
