/**
 * Whole hours of per-service RED, kept in memory between `overview.services` calls. A 24 h overview needs
 * ~190 hours (the range, its day-ago and week-ago copies, the 7-day "seen" list); re-reading them every
 * call was most of its time, and past hours almost never change.
 *
 * Almost: a late flush (an agent's disk queue replayed after an outage) adds rows to a past hour, and the
 * ingest path deletes a flush that failed before its ledger row. So an hour is not trusted by age: every
 * call reads each needed hour's request and error counts over all services and clusters (integers: the
 * same every time unless rows changed; cheap, as they skip the bucket arrays) in the same statement as the
 * minute edges it reads anyway, and an hour whose counts differ from the ones it was cached with is read
 * again. Rollup rows always count requests, so any added or deleted row changes them; only a delete and an
 * add of exactly as many requests and errors in the same hour between two calls would go unseen, and a
 * retried flush (deleted, then stored again) holds the same figures anyway.
 */
import type { Storage } from '../../storage/index.ts';

/** Summed RED of one service in one cluster over some minutes. */
export interface RedCell {
  service: string;
  cluster: string;
  requests: number;
  failed: number;
  sumMs: number;
  buckets: number[];
}

/** An hour's counts as RedCellKind.fingerprint rows give them; '' for an hour without rows. */
export const NO_ROWS = '';
export const fingerprintOf = (r: { requests: number; failed: number }): string => `${r.requests}/${r.failed}`;

/**
 * ~200 services × 8 days of hours is ~40 k cells (~10 MB); the bound keeps absolute ranges far in the past
 * and many services from growing the server: the least recently used hours go first.
 */
const MAX_CELLS = 200_000;

interface CachedHour {
  fingerprint: string;
  cells: readonly RedCell[];
}

export class RedHourCache {
  /** In least recently used order (a Map iterates in insertion order; a hit re-inserts). */
  private readonly hours = new Map<number, CachedHour>();
  private cells = 0;
  private readonly maxCells: number;

  constructor(maxCells = MAX_CELLS) {
    this.maxCells = maxCells;
  }

  /** The hour's cells if it was cached with this fingerprint. */
  get(hourS: number, fingerprint: string): readonly RedCell[] | undefined {
    const hour = this.hours.get(hourS);
    if (hour === undefined || hour.fingerprint !== fingerprint) return undefined;
    this.hours.delete(hourS);
    this.hours.set(hourS, hour);
    return hour.cells;
  }

  set(hourS: number, fingerprint: string, cells: readonly RedCell[]): void {
    const old = this.hours.get(hourS);
    if (old !== undefined) {
      this.cells -= old.cells.length;
      this.hours.delete(hourS);
    }
    this.hours.set(hourS, { fingerprint, cells });
    this.cells += cells.length;
    for (const [oldest, hour] of this.hours) {
      if (this.cells <= this.maxCells) break;
      this.hours.delete(oldest);
      this.cells -= hour.cells.length;
    }
  }

  get size(): number {
    return this.hours.size;
  }
}

const caches = new WeakMap<Storage, RedHourCache>();

/** The cache of one storage (one server's database): tests and servers in one process never share. */
export function hourCacheOf(storage: Storage): RedHourCache {
  let cache = caches.get(storage);
  if (cache === undefined) caches.set(storage, (cache = new RedHourCache()));
  return cache;
}
