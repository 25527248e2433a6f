/**
 * RED summed in JS, as the services overview assembles it from cached hours and minutes: request count,
 * error count, duration sum (ms) and the 16 bucket counts, in that order, in a plain array of numbers (the
 * counts are integers, exact below 2^53). A 24 h call adds ~90 k cells (190 hours and ~4 hours of minutes of
 * 200 services) into ~5 k sums (a service's periods and sparkline steps): the loops are plain indexed ones
 * over packed arrays, and only an hour's minutes are typed arrays (a small typed array costs far more to
 * allocate than an array: as the sums they took half the call's JS time in allocation and GC). An hour's
 * minutes are kept as running sums, so any minutes of it cost one subtraction per key and value.
 */
import { RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT, interpolateQuantile } from '@apo/shared/red';
import type { RedCell } from './overview-hour-cache.ts';
import type { SecondsRange } from './overview-plan.ts';
import type { Figures, RedCellRow } from './overview-queries.ts';

/** Values per sum: requests, failed, duration sum, buckets. */
const WIDTH = 3 + RED_BUCKET_COUNT;
const MINUTES = 60;

type Sums = number[];

/** Packed (Array.from), not holey (new Array(n).fill): V8's indexed loops over it stay fast. */
const ZEROS: readonly number[] = Array.from({ length: WIDTH }, () => 0);
const emptySums = (): Sums => ZEROS.slice();
/** The buckets handed to interpolateQuantile: one array reused (it only reads them). */
const scratchBuckets: number[] = Array.from({ length: RED_BUCKET_COUNT }, () => 0);

/** Adds `from[offset .. offset + WIDTH)` to `to`. */
function addAt(to: Sums, from: Sums, offset = 0): void {
  for (let i = 0; i < WIDTH; i++) to[i] = (to[i] ?? 0) + (from[offset + i] ?? 0);
}

function addCell(to: Sums, c: RedCell): void {
  to[0] = (to[0] ?? 0) + c.requests;
  to[1] = (to[1] ?? 0) + c.failed;
  to[2] = (to[2] ?? 0) + c.sumMs;
  const n = Math.min(c.buckets.length, RED_BUCKET_COUNT);
  for (let i = 0; i < n; i++) to[3 + i] = (to[3 + i] ?? 0) + (c.buckets[i] ?? 0);
}

export function figuresOf(s: Sums): Figures {
  const requests = s[0] ?? 0;
  for (let i = 0; i < RED_BUCKET_COUNT; i++) scratchBuckets[i] = s[3 + i] ?? 0;
  const quantile = (q: number) =>
    requests === 0 ? null : interpolateQuantile(scratchBuckets, RED_BUCKET_BOUNDS_MS, q);
  return { requests, failed: s[1] ?? 0, sum_ms: s[2] ?? 0, p95: quantile(0.95), p99: quantile(0.99) };
}

/** An hour's minutes per service and cluster (`keys[k]`), zeros where it had no rows. */
export interface MinuteBlock {
  keys: readonly { service: string; cluster: string }[];
  /**
   * Key k's sums of its minutes before minute m (0–60) at `before[(k × 61 + m) × WIDTH …]`: integers, so
   * minutes [m0, m1) are exactly before[m1] − before[m0]. Not the duration sum (index 2; see durationMs).
   */
  before: Float64Array;
  /**
   * Key k's duration sum of minute m at `durationMs[k × 60 + m]`, added up minute by minute: a difference
   * of running sums of fractions is not exact.
   */
  durationMs: Float64Array;
}

/** The block of the hour at `hourS` from its per-minute rows (`t`: the minute's start, seconds). */
export function minuteBlockOf(hourS: number, rows: readonly RedCellRow[]): MinuteBlock {
  const index = new Map<string, number>();
  const keys: { service: string; cluster: string }[] = [];
  for (const r of rows) {
    const key = `${r.cluster}\u0000${r.service}`;
    if (!index.has(key)) {
      index.set(key, keys.length);
      keys.push({ service: r.service, cluster: r.cluster });
    }
  }
  // Each minute's own values first (at m + 1), then summed up along the minutes.
  const before = new Float64Array(keys.length * (MINUTES + 1) * WIDTH);
  const durationMs = new Float64Array(keys.length * MINUTES);
  for (const r of rows) {
    const m = (r.t - hourS) / 60;
    const k = index.get(`${r.cluster}\u0000${r.service}`);
    if (k === undefined || !(m >= 0 && m < MINUTES)) continue;
    const at = (k * (MINUTES + 1) + m + 1) * WIDTH;
    before[at] = r.requests;
    before[at + 1] = r.failed;
    durationMs[k * MINUTES + m] = r.sum_ms;
    r.buckets.slice(0, RED_BUCKET_COUNT).forEach((n, i) => (before[at + 3 + i] = n));
  }
  for (let k = 0; k < keys.length; k++) {
    for (let m = 1; m <= MINUTES; m++) {
      const [at, prev] = [(k * (MINUTES + 1) + m) * WIDTH, (k * (MINUTES + 1) + m - 1) * WIDTH];
      for (let i = 0; i < WIDTH; i++) before[at + i] = (before[at + i] ?? 0) + (before[prev + i] ?? 0);
    }
  }
  return { keys, before, durationMs };
}

/** Per service the three periods' sums and the current range's per sparkline step. */
interface ServiceSums {
  periods: (Sums | undefined)[];
  steps: Map<number, Sums>;
}

/** Where the sums of one call are added up. */
export class RedTotals {
  readonly services = new Map<string, ServiceSums>();
  readonly clusters = new Map<string, Set<string>>();
  private readonly cluster: string | undefined;
  /** Sums taken from another RedTotals by merge, not copied: copied when first added to. */
  private readonly borrowed = new Set<Sums>();

  constructor(cluster: string | undefined) {
    this.cluster = cluster;
  }

  private borrow(sums: Sums, put: (sums: Sums) => void): void {
    this.borrowed.add(sums);
    put(sums);
  }

  /** Whether cells of `cluster` count (the call's cluster filter). */
  counts(cluster: string): boolean {
    return this.cluster === undefined || cluster === this.cluster;
  }

  /** The seen window (period 3) lists a service's clusters with requests. */
  seen(service: string, cluster: string): void {
    let set = this.clusters.get(service);
    if (set === undefined) this.clusters.set(service, (set = new Set()));
    set.add(cluster);
  }

  /** The sums of `service` in `period` (0–2) and, given, in that sparkline step, to add to. */
  sums(service: string, period: number, step: number | undefined): [Sums, Sums | undefined] {
    let s = this.services.get(service);
    if (s === undefined)
      this.services.set(service, (s = { periods: [undefined, undefined, undefined], steps: new Map() }));
    let total = s.periods[period];
    if (total === undefined || this.borrowed.has(total))
      s.periods[period] = total = total?.slice() ?? emptySums();
    if (step === undefined) return [total, undefined];
    let stepSums = s.steps.get(step);
    if (stepSums === undefined || this.borrowed.has(stepSums))
      s.steps.set(step, (stepSums = stepSums?.slice() ?? emptySums()));
    return [total, stepSums];
  }

  addCell(cell: RedCell, period: number, step?: number): void {
    if (!this.counts(cell.cluster)) return;
    if (period === 3) {
      if (cell.requests > 0) this.seen(cell.service, cell.cluster);
      return;
    }
    const [total, stepSums] = this.sums(cell.service, period, step);
    addCell(total, cell);
    if (stepSums !== undefined) addCell(stepSums, cell);
  }

  /** A cached hour's minutes [fromS, toS) (inside one sparkline step when period 0 is among `periods`). */
  addMinutes(
    block: MinuteBlock,
    hourS: number,
    piece: SecondsRange,
    periods: readonly number[],
    step?: number,
  ) {
    const [m0, m1] = [(piece.fromS - hourS) / 60, (piece.toS - hourS) / 60];
    const sum = emptySums();
    const { before, durationMs } = block;
    block.keys.forEach(({ service, cluster }, k) => {
      if (!this.counts(cluster)) return;
      const [from, to] = [(k * (MINUTES + 1) + m0) * WIDTH, (k * (MINUTES + 1) + m1) * WIDTH];
      for (let i = 0; i < WIDTH; i++) sum[i] = (before[to + i] ?? 0) - (before[from + i] ?? 0);
      let duration = 0;
      for (let m = m0; m < m1; m++) duration += durationMs[k * MINUTES + m] ?? 0;
      sum[2] = duration;
      // No requests: no rows in these minutes (every rollup row counts requests).
      if (sum[0] === 0) return;
      for (const period of periods) {
        if (period === 3) {
          this.seen(service, cluster);
          continue;
        }
        const [total, stepSums] = this.sums(service, period, period === 0 ? step : undefined);
        addAt(total, sum);
        if (stepSums !== undefined) addAt(stepSums, sum);
      }
    });
  }

  /**
   * Adds everything `other` summed (with the same cluster filter). Sums this one has none of yet are taken
   * as they are (most sparkline steps get nothing else), so `other` must not change afterwards.
   */
  merge(other: RedTotals): void {
    for (const [service, o] of other.services) {
      let s = this.services.get(service);
      if (s === undefined)
        this.services.set(service, (s = { periods: [undefined, undefined, undefined], steps: new Map() }));
      const into = s;
      o.periods.forEach((total, period) => {
        if (total === undefined) return;
        if (into.periods[period] === undefined) this.borrow(total, (b) => (into.periods[period] = b));
        else addAt(this.sums(service, period, undefined)[0], total);
      });
      for (const [step, sums] of o.steps) {
        if (!into.steps.has(step)) this.borrow(sums, (b) => into.steps.set(step, b));
        else {
          const to = this.sums(service, 0, step)[1];
          if (to !== undefined) addAt(to, sums);
        }
      }
    }
    for (const [service, set] of other.clusters) for (const cluster of set) this.seen(service, cluster);
  }
}
