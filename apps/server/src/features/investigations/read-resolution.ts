/**
 * How finely a range's per-minute reads are taken. Over a long range the engine's cost is the engine's own
 * aggregation of every series' every minute (a day of 200 services: 2.3 M metric minutes, 300 k service
 * minutes, 880 k client-call minutes; bench/README.md "A day in five seconds"). The minutes that decide an
 * investigation are its last hours (where the fault being asked about shows, and the hour of baseline
 * before it) and the lookback in front of the range (the baseline of a fault at its very start); in
 * between, the far past is a baseline that needs its level, not its every minute. So a range longer than
 * `FINE_RANGE_MS` reads that far past in 5-minute buckets and everything else per minute; the analysis
 * keeps its per-minute frame (a bucket's counts spread evenly over its minutes, rates and levels repeated:
 * minute-rows.ts, investigation-signals.ts). Ranges up to `FINE_RANGE_MS` read every minute as before.
 */
const MINUTE_MS = 60_000;
/** A coarse bucket, in minutes: ClickHouse's `toStartOfFiveMinutes`. */
const BUCKET_MINUTES = 5;
const BUCKET_MS = BUCKET_MINUTES * MINUTE_MS;
/** Ranges up to this are read per minute throughout. */
export const FINE_RANGE_MS = 4 * 3_600_000;
/** The end of a long range that stays per minute: the fault and the hour of baseline before it. */
export const RECENT_MS = 3 * 3_600_000;

/** The part of a range read in 5-minute buckets: [fromMs, toMs), both on a bucket's start. */
export interface CoarseWindow {
  fromMs: number;
  toMs: number;
}

/**
 * The coarse part of the asked range [from, to): from the range's start (the lookback before it stays
 * per minute) to `RECENT_MS` before its end, both rounded inwards to whole buckets; none for a range up to
 * `FINE_RANGE_MS`.
 */
export function coarseWindow(from: number, to: number): CoarseWindow | undefined {
  if (to - from <= FINE_RANGE_MS) return undefined;
  const fromMs = Math.ceil(from / BUCKET_MS) * BUCKET_MS;
  const toMs = Math.floor((to - RECENT_MS) / BUCKET_MS) * BUCKET_MS;
  return toMs > fromMs ? { fromMs, toMs } : undefined;
}

/** How many minutes a read point starting at `minuteS` (seconds) stands for: a bucket's inside the window. */
export function minutesOf(minuteS: number, window: CoarseWindow | undefined): number {
  if (window === undefined) return 1;
  const ms = minuteS * 1000;
  return ms >= window.fromMs && ms < window.toMs ? BUCKET_MINUTES : 1;
}
