/**
 * The sliding baseline of onset detection: the present values of the last N minutes, kept sorted while
 * the window moves one minute at a time. Onset detection needs a baseline's median and MAD at every
 * minute of every series (1,470 minutes a day, hundreds of series); sorting the window afresh each minute
 * made a day's analysis take tens of seconds. Kept sorted, the median is a lookup and the MAD one merge
 * over half the window — the same numbers as `median` and `mad` in stats.ts (same elements, same
 * arithmetic), only without the sorts.
 */
import type { Series } from './stats.ts';

export class BaselineWindow {
  /** The window's present values, ascending. */
  private readonly sorted: number[] = [];
  /** The next minute to enter; minutes [end − size, end) are in the window. */
  private end = 0;
  private readonly values: Series;
  private readonly minutes: number;

  constructor(values: Series, minutes: number) {
    this.values = values;
    this.minutes = minutes;
  }

  /** Moves the window to the minutes [index − minutes, index); `index` never goes back. */
  moveTo(index: number): void {
    for (; this.end < index; this.end++) {
      this.insert(this.values[this.end]);
      this.remove(this.values[this.end - this.minutes]);
    }
  }

  get count(): number {
    return this.sorted.length;
  }

  /** The median of the window (as stats.ts `median`); 0 when it is empty. */
  median(): number {
    const s = this.sorted;
    const mid = s.length >> 1;
    if (s.length === 0) return 0;
    return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  }

  /**
   * The MAD around `center` (as stats.ts `mad`): the absolute deviations below and above the split point
   * are each ascending walking away from it, so merging the two walks yields them in order, and only the
   * first half of them is needed for their median.
   */
  mad(center: number): number {
    const s = this.sorted;
    const n = s.length;
    if (n === 0) return 0;
    let above = lowerBound(s, center);
    let below = above - 1;
    const mid = n >> 1;
    let previous = 0;
    for (let k = 0; k <= mid; k++) {
      const down = below >= 0 ? Math.abs((s[below] ?? 0) - center) : Infinity;
      const up = above < n ? Math.abs((s[above] ?? 0) - center) : Infinity;
      let d: number;
      if (down <= up) {
        d = down;
        below--;
      } else {
        d = up;
        above++;
      }
      if (k === mid) return 1.4826 * (n % 2 === 1 ? d : (previous + d) / 2);
      previous = d;
    }
    return 0;
  }

  private insert(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    this.sorted.splice(lowerBound(this.sorted, v), 0, v);
  }

  private remove(v: number | null | undefined): void {
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    // Any element equal to `v` is the one that left: equal values are interchangeable.
    this.sorted.splice(lowerBound(this.sorted, v), 1);
  }
}

/** The first index whose value is ≥ `v` (the length when none is). */
function lowerBound(sorted: readonly number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if ((sorted[m] ?? 0) < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}
