/**
 * The per-minute rows the engine works on, from the series the reads return (one row per series with
 * arrays of its points: a day of 200 services as a JSON object per minute cost seconds to decode). A point
 * of a coarse bucket (read-resolution.ts) becomes one row per minute of the bucket, each with an even share
 * of its counts; a point of one minute becomes its row unchanged.
 */
import { minutesOf, type CoarseWindow } from './read-resolution.ts';

/** Entry-span RED of a service's instance in a minute. */
export interface ServerMinute {
  service: string;
  /** null: all the service's instances (their requests come as `InstanceMinute` rows). */
  instance: string | null;
  minute_s: number;
  /** 1 when the row is of the asked endpoint. */
  hit: number;
  requests: number;
  failed: number;
  sum_ms: number;
  buckets: number[];
}

/** Entry-span requests of one instance in a minute (where `ServerMinute` rows are per service). */
export interface InstanceMinute {
  service: string;
  instance: string;
  minute_s: number;
  hit: number;
  requests: number;
}

/** Client calls of a service to one peer / database in a minute. */
export interface ClientMinute {
  service: string;
  call_type: string;
  peer: string;
  system: string;
  db_namespace: string;
  minute_s: number;
  calls: number;
  failed: number;
  sum_ms: number;
}

/** Error-level records of a service's message pattern in a minute, with the pattern's sample record. */
export interface LogMinute {
  service: string;
  pattern: string;
  minute_s: number;
  records: number;
  sample_ms: number;
  sample_instance: string;
  sample_severity: string;
  sample_body: string;
  sample_trace_id: string;
}

/** A series as read: its points' starts (s) and, per point, its figures. */
interface Points {
  minutes: readonly number[];
}

/**
 * One row per minute of each point of `series`: `row(series, k, minute_s, share)` builds the row of the
 * point k for one of its minutes, `share` being that minute's part of the point's counts (1 for a point
 * of one minute).
 */
function perMinute<S extends Points, R>(
  series: readonly S[],
  window: CoarseWindow | undefined,
  row: (s: S, k: number, minute_s: number, share: number) => R,
): R[] {
  const out: R[] = [];
  for (const s of series)
    s.minutes.forEach((minute_s, k) => {
      const width = minutesOf(minute_s, window);
      if (width === 1) out.push(row(s, k, minute_s, 1));
      else for (let m = 0; m < width; m++) out.push(row(s, k, minute_s + m * 60, 1 / width));
    });
  return out;
}

/** `v × share`, with `v` itself (not `v × 1`) for a whole point: per-minute reads stay exactly as read. */
const part = (v: number | undefined, share: number): number => (share === 1 ? (v ?? 0) : (v ?? 0) * share);

/** A histogram's bucket counts × share (the same array for a whole point). */
const partBuckets = (b: number[] | undefined, share: number): number[] =>
  b === undefined ? [] : share === 1 ? b : b.map((c) => c * share);

/** A RED series as the server reads return it (per instance, or per service without `instance`). */
interface ServerSeries extends Points {
  service: string;
  instance?: string;
  hit: number;
  requests: readonly number[];
  failed: readonly number[];
  sum_ms: readonly number[];
  buckets: readonly number[][];
}

export function serverRows(
  series: readonly ServerSeries[],
  window: CoarseWindow | undefined,
): ServerMinute[] {
  // A bucket's minutes share one array of its shared-out counts (the rows are read, never written).
  let last: { from: number[] | undefined; share: number; buckets: number[] } | undefined;
  const bucketsOf = (from: number[] | undefined, share: number) => {
    if (last === undefined || last.from !== from || last.share !== share)
      last = { from, share, buckets: partBuckets(from, share) };
    return last.buckets;
  };
  return perMinute(series, window, (r, k, minute_s, share): ServerMinute => ({
    service: r.service,
    instance: r.instance ?? null,
    minute_s,
    hit: r.hit,
    requests: part(r.requests[k], share),
    failed: part(r.failed[k], share),
    sum_ms: part(r.sum_ms[k], share),
    buckets: bucketsOf(r.buckets[k], share),
  }));
}

interface InstanceSeries extends Points {
  service: string;
  instance: string;
  hit: number;
  requests: readonly number[];
}

export const instanceRows = (series: readonly InstanceSeries[], window: CoarseWindow | undefined) =>
  perMinute(series, window, (r, k, minute_s, share): InstanceMinute => ({
    service: r.service,
    instance: r.instance,
    minute_s,
    hit: r.hit,
    requests: part(r.requests[k], share),
  }));

interface ClientSeries extends Points, Omit<ClientMinute, 'minute_s' | 'calls' | 'failed' | 'sum_ms'> {
  calls: readonly number[];
  failed: readonly number[];
  sum_ms: readonly number[];
}

export const clientRows = (series: readonly ClientSeries[], window: CoarseWindow | undefined) =>
  perMinute(series, window, (r, k, minute_s, share): ClientMinute => ({
    service: r.service,
    call_type: r.call_type,
    peer: r.peer,
    system: r.system,
    db_namespace: r.db_namespace,
    minute_s,
    calls: part(r.calls[k], share),
    failed: part(r.failed[k], share),
    sum_ms: part(r.sum_ms[k], share),
  }));

interface LogSeries extends Points, Omit<LogMinute, 'minute_s' | 'records'> {
  records: readonly number[];
}

/** Error logs stay per minute at every range: a day's are a few thousand patterns' minutes, read in ~0.1 s. */
export const logRows = (series: readonly LogSeries[]) =>
  perMinute(series, undefined, (r, k, minute_s): LogMinute => ({
    service: r.service,
    pattern: r.pattern,
    minute_s,
    records: r.records[k] ?? 0,
    sample_ms: r.sample_ms,
    sample_instance: r.sample_instance,
    sample_severity: r.sample_severity,
    sample_body: r.sample_body,
    sample_trace_id: r.sample_trace_id,
  }));
