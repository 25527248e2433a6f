/**
 * The RED of `overview.services`: per service its figures in the range and its day-ago and week-ago
 * copies, its sparkline steps, and the clusters it had requests in over the 7-day "seen" window.
 *
 * overview-red-plan.ts says where each part comes from: whole hours from the hour cache, the minutes of
 * ended hours from the minute cache (overview-hour-cache.ts), both checked against the hours' fingerprints;
 * the minutes of the hour still running from the call's statement (services-overview.ts runs it with the
 * fingerprints and the call's other reads). Only hours that are new or changed cost a second statement.
 * Sums are added in JS (overview-red-sums.ts); quantiles are interpolateQuantile's over the summed buckets,
 * the same figures the SQL of overview-queries.ts computes for endpoints.
 */
import type { Storage } from '../../storage/index.ts';
import type { Subject } from './overview-figures.ts';
import { fingerprintOf, hourCacheOf, minuteCacheOf, NO_ROWS } from './overview-hour-cache.ts';
import type { RedCell } from './overview-hour-cache.ts';
import { RedCellKind, redCells } from './overview-queries.ts';
import type { CurrentRow, RedCellRow } from './overview-queries.ts';
import { HOUR_S, hoursOf, spanOf } from './overview-red-plan.ts';
import type { MinutePiece, ServiceRedInput, ServiceRedPlan } from './overview-red-plan.ts';
import { figuresOf, minuteBlockOf, RedTotals } from './overview-red-sums.ts';
import type { MinuteBlock } from './overview-red-sums.ts';

export interface ServiceRed {
  subjects: Map<string, Subject>;
  /** Per service with requests in the seen window, its clusters, sorted. */
  clusters: Map<string, string[]>;
}

const cellOf = (r: RedCellRow): RedCell => ({
  service: r.service,
  cluster: r.cluster,
  requests: r.requests,
  failed: r.failed,
  sumMs: r.sum_ms,
  buckets: r.buckets,
});

/**
 * The plan's whole hours and minute hours from the caches; those new or changed (their fingerprint differs
 * from the cached one) are read in one statement and cached.
 */
async function cachedHours(storage: Storage, red: ServiceRedPlan, fingerprints: ReadonlyMap<number, string>) {
  const fingerprint = (h: number) => fingerprints.get(h) ?? NO_ROWS;
  const [hourCache, minuteCache] = [hourCacheOf(storage), minuteCacheOf(storage)];
  const hours = new Map<number, readonly RedCell[]>();
  const minuteHours = new Map<number, MinuteBlock>();
  const stale = red.hours.filter((h) => {
    const cells = hourCache.get(h, fingerprint(h));
    if (cells !== undefined) hours.set(h, cells);
    return cells === undefined;
  });
  const staleMinutes = red.minuteHours.filter((h) => {
    const block = minuteCache.get(h, fingerprint(h));
    if (block !== undefined) minuteHours.set(h, block);
    return block === undefined;
  });
  if (stale.length + staleMinutes.length > 0) {
    const read = { hours: spanOf(stale), minuteHours: staleMinutes, minutes: [], stepped: [] };
    const rows = await redCells(storage, { ...read, plan: red.read.plan });
    const byHour = new Map<number, RedCellRow[]>([...stale, ...staleMinutes].map((h) => [h, []]));
    for (const r of rows) {
      // Hour rows carry their hour, minute rows their minute.
      byHour.get(r.kind === RedCellKind.hour ? r.t : Math.floor(r.t / HOUR_S) * HOUR_S)?.push(r);
    }
    for (const h of stale) {
      const cells = (byHour.get(h) ?? []).filter((r) => r.kind === RedCellKind.hour).map(cellOf);
      hourCache.set(h, fingerprint(h), cells);
      hours.set(h, cells);
    }
    for (const h of staleMinutes) {
      const block = minuteBlockOf(
        h,
        (byHour.get(h) ?? []).filter((r) => r.kind === RedCellKind.minute),
      );
      minuteCache.set(h, fingerprint(h), block);
      minuteHours.set(h, block);
    }
  }
  return { hours, minuteHours };
}

/**
 * Each range's whole hours summed, kept between calls: they change only when the range crosses an hour or
 * an hour is read again, and adding up the cells of 190 hours of 200 services every call was most of the
 * call's JS (~10 ms of CPU). Keyed by the range's hours, period, cluster filter and sparkline steps; valid
 * for the hours' fingerprints (their cached cells are those of these fingerprints).
 */
const MAX_SUMMED = 16;
interface Summed {
  fingerprints: string;
  totals: RedTotals;
}
const summed = new WeakMap<Storage, Map<string, Summed>>();

function summedHours(storage: Storage, key: string, fingerprints: string, sum: () => RedTotals): RedTotals {
  let memo = summed.get(storage);
  if (memo === undefined) summed.set(storage, (memo = new Map<string, Summed>()));
  const hit = memo.get(key);
  memo.delete(key);
  const entry =
    hit !== undefined && hit.fingerprints === fingerprints ? hit : { fingerprints, totals: sum() };
  memo.set(key, entry);
  for (const oldest of memo.keys()) {
    if (memo.size <= MAX_SUMMED) break;
    memo.delete(oldest);
  }
  return entry.totals;
}

type SecondsPiece = Pick<MinutePiece, 'fromS' | 'toS'>;

/** `piece` cut at the sparkline's step boundaries, each part with its step. */
function bySteps(piece: SecondsPiece, plan: ServiceRedInput['plan']): [SecondsPiece, number][] {
  const parts: [SecondsPiece, number][] = [];
  for (let fromS = piece.fromS; fromS < piece.toS;) {
    const step = Math.floor((fromS - plan.firstS) / plan.stepS);
    const toS = Math.min(piece.toS, plan.firstS + (step + 1) * plan.stepS);
    parts.push([{ fromS, toS }, step]);
    fromS = toS;
  }
  return parts;
}

/**
 * The RED of a call from its plan and the rows its statement read (fingerprints, the running hour's
 * minutes; `rows` holds no other kinds).
 */
export async function serviceRed(
  storage: Storage,
  input: ServiceRedInput,
  red: ServiceRedPlan,
  rows: readonly RedCellRow[],
): Promise<ServiceRed> {
  const { plan } = input;
  const fingerprints = new Map<number, string>();
  const liveRows = red.read.minutes.map((): RedCellRow[] => []);
  for (const r of rows) {
    if (r.kind === RedCellKind.fingerprint) fingerprints.set(r.t, fingerprintOf(r));
    else liveRows[r.seg]?.push(r);
  }
  const { hours, minuteHours } = await cachedHours(storage, red, fingerprints);

  const totals = new RedTotals(input.cluster);
  red.splits.forEach((split, period) => {
    const whole = hoursOf(split.hours);
    if (whole.length === 0) return;
    const steps = period === 0 ? `${plan.firstS}/${plan.stepS}` : '';
    const key = `${period} ${split.hours.fromS}-${split.hours.toS} ${input.cluster ?? ''} ${steps}`;
    const valid = whole.map((h) => fingerprints.get(h) ?? NO_ROWS).join(',');
    const wholeHours = summedHours(storage, key, valid, () => {
      const sums = new RedTotals(input.cluster);
      for (const h of whole) {
        const step = period === 0 ? Math.floor((h - plan.firstS) / plan.stepS) : undefined;
        for (const cell of hours.get(h) ?? []) sums.addCell(cell, period, step);
      }
      return sums;
    });
    totals.merge(wholeHours);
  });
  let live = 0;
  for (const piece of red.pieces) {
    if (piece.cachedHour === undefined) {
      // Minute rows of the current range carry their sparkline step (t).
      for (const r of liveRows[live++] ?? []) {
        const cell = cellOf(r);
        for (const period of piece.periods) totals.addCell(cell, period, period === 0 ? r.t : undefined);
      }
      continue;
    }
    const block = minuteHours.get(piece.cachedHour);
    if (block === undefined) continue;
    if (!piece.periods.includes(0)) totals.addMinutes(block, piece.cachedHour, piece, piece.periods);
    else {
      for (const [part, step] of bySteps(piece, plan))
        totals.addMinutes(block, piece.cachedHour, part, piece.periods, step);
    }
  }

  const subjects = new Map<string, Subject>();
  for (const [service, a] of totals.services) {
    const steps = [...a.steps].map(([step, s]): CurrentRow => ({ name: service, step, ...figuresOf(s) }));
    const [current, day, week] = a.periods.map((p) => (p === undefined ? undefined : figuresOf(p)));
    subjects.set(service, { periods: [current, day, week], steps });
  }
  const clusters = new Map([...totals.clusters].map(([service, set]) => [service, [...set].sort()]));
  return { subjects, clusters };
}
