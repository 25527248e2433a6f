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
 *
 * Ended hours that only partial-hour edges need (the day-ago and week-ago copies' edges, the seen window's
 * first) are kept minute by minute (RedMinuteCache), checked against the same fingerprints, so that a call
 * reads only the minutes of the hour still running.
 */
import type { Storage } from '../../storage/index.ts';
import type { MinuteBlock } from './overview-red-sums.ts';

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
/**
 * An hour of 200 services' minutes is 12 k cells (~1.8 MB); a 24 h overview keeps 4 such hours, a 6 h one
 * (all minutes, for its 10-minute sparkline steps) up to 11.
 */
const MAX_MINUTE_CELLS = 250_000;

interface CachedHour<T> {
  fingerprint: string;
  value: T;
  cells: number;
}

/** Values per hour, each valid for one fingerprint, bounded by their total cells (LRU). */
class FingerprintedHours<T> {
  /** In least recently used order (a Map iterates in insertion order; a hit re-inserts). */
  private readonly hours = new Map<number, CachedHour<T>>();
  private cells = 0;
  private readonly maxCells: number;
  private readonly cellsOf: (value: T) => number;

  constructor(maxCells: number, cellsOf: (value: T) => number) {
    this.maxCells = maxCells;
    this.cellsOf = cellsOf;
  }

  /** The hour's value if it was cached with this fingerprint. */
  get(hourS: number, fingerprint: string): T | undefined {
    const hour = this.hours.get(hourS);
    if (hour === undefined || hour.fingerprint !== fingerprint) return undefined;
    this.hours.delete(hourS);
    this.hours.set(hourS, hour);
    return hour.value;
  }

  set(hourS: number, fingerprint: string, value: T): void {
    const old = this.hours.get(hourS);
    if (old !== undefined) {
      this.cells -= old.cells;
      this.hours.delete(hourS);
    }
    const cells = this.cellsOf(value);
    this.hours.set(hourS, { fingerprint, value, cells });
    this.cells += cells;
    for (const [oldest, hour] of this.hours) {
      if (this.cells <= this.maxCells) break;
      this.hours.delete(oldest);
      this.cells -= hour.cells;
    }
  }

  get size(): number {
    return this.hours.size;
  }
}

/** Whole hours: per service and cluster the hour's sums. */
export class RedHourCache extends FingerprintedHours<readonly RedCell[]> {
  constructor(maxCells = MAX_CELLS) {
    super(maxCells, (cells) => cells.length);
  }
}

/** Hours minute by minute: per minute, service and cluster the minute's sums (a cell per key and minute). */
class RedMinuteCache extends FingerprintedHours<MinuteBlock> {
  constructor(maxCells = MAX_MINUTE_CELLS) {
    super(maxCells, (block) => block.keys.length * 60);
  }
}

const caches = new WeakMap<Storage, { hours: RedHourCache; minutes: RedMinuteCache }>();

function cachesOf(storage: Storage) {
  let c = caches.get(storage);
  if (c === undefined)
    caches.set(storage, (c = { hours: new RedHourCache(), minutes: new RedMinuteCache() }));
  return c;
}

/** The caches of one storage (one server's database): tests and servers in one process never share. */
export const hourCacheOf = (storage: Storage): RedHourCache => cachesOf(storage).hours;
export const minuteCacheOf = (storage: Storage): RedMinuteCache => cachesOf(storage).minutes;
