/**
 * RED summed in JS, as the services overview assembles it from cached hours and minutes: request count,
 * error count, duration sum (ms) and the 16 bucket counts, in that order, in a plain array of numbers (the
 * counts are integers, exact below 2^53). A 24 h call adds ~90 k cells (190 hours and ~4 hours of minutes of
 * 200 services) into ~5 k sums (a service's periods and sparkline steps): the loops are plain indexed ones,
 * and only an hour's minutes are one Float64Array (a small typed array costs far more to allocate than an
 * array: as the sums they took half the call's JS time in allocation and GC).
 */
import { RED_BUCKET_BOUNDS_MS, RED_BUCKET_COUNT, interpolateQuantile } from '@apo/shared/red';
import type { RedCell } from './overview-hour-cache.ts';
import type { SecondsRange } from './overview-plan.ts';
import type { Figures, RedCellRow } from './overview-queries.ts';

/** Values per sum: requests, failed, duration sum, buckets. */
const WIDTH = 3 + RED_BUCKET_COUNT;
const MINUTES = 60;

type Sums = number[];

const emptySums = (): Sums => new Array<number>(WIDTH).fill(0);

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
  const buckets = s.slice(3);
  const quantile = (q: number) =>
    requests === 0 ? null : interpolateQuantile(buckets, RED_BUCKET_BOUNDS_MS, q);
  return { requests, failed: s[1] ?? 0, sum_ms: s[2] ?? 0, p95: quantile(0.95), p99: quantile(0.99) };
}

/**
 * An hour's minutes per service and cluster: `keys[k]`'s minute m (0–59) at
 * `values[(k × 60 + m) × WIDTH …]`, zeros where it had no rows.
 */
export interface MinuteBlock {
  keys: readonly { service: string; cluster: string }[];
  values: Float64Array;
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
  const values = new Float64Array(keys.length * MINUTES * WIDTH);
  for (const r of rows) {
    const m = (r.t - hourS) / 60;
    const k = index.get(`${r.cluster}\u0000${r.service}`);
    if (k === undefined || !(m >= 0 && m < MINUTES)) continue;
    const at = (k * MINUTES + m) * WIDTH;
    values[at] = r.requests;
    values[at + 1] = r.failed;
    values[at + 2] = r.sum_ms;
    r.buckets.slice(0, RED_BUCKET_COUNT).forEach((n, i) => (values[at + 3 + i] = n));
  }
  return { keys, values };
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

  constructor(cluster: string | undefined) {
    this.cluster = cluster;
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
    const total = (s.periods[period] ??= emptySums());
    if (step === undefined) return [total, undefined];
    let stepSums = s.steps.get(step);
    if (stepSums === undefined) s.steps.set(step, (stepSums = emptySums()));
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
    const values = block.values;
    block.keys.forEach(({ service, cluster }, k) => {
      if (!this.counts(cluster)) return;
      sum.fill(0);
      for (let at = (k * MINUTES + m0) * WIDTH, end = (k * MINUTES + m1) * WIDTH; at < end; at += WIDTH) {
        for (let i = 0; i < WIDTH; i++) sum[i] = (sum[i] ?? 0) + (values[at + i] ?? 0);
      }
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

  /** Adds everything `other` summed (with the same cluster filter). */
  merge(other: RedTotals): void {
    for (const [service, o] of other.services) {
      o.periods.forEach((total, period) => {
        if (total !== undefined) addAt(this.sums(service, period, undefined)[0], total);
      });
      for (const [step, sums] of o.steps) {
        const to = this.sums(service, 0, step)[1];
        if (to !== undefined) addAt(to, sums);
      }
    }
    for (const [service, set] of other.clusters) for (const cluster of set) this.seen(service, cluster);
  }
}
