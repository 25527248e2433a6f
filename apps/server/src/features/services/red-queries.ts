/**
 * RED read from the per-minute rollups (storage/tables/red-rollups.ts), never from raw spans: one row per
 * series and minute, however many spans, so a month of a service reads in the time a minute of spans
 * would. Several rows may share a key and minute, so everything is summed; the quantiles come from the
 * summed bucket counts (`summarizeRed`), computed here rather than in SQL so they follow exactly the
 * conventions documented in packages/shared/src/red/red-quantiles.ts.
 */
import { summarizeRed } from '@apo/shared/red';
import type { RedFigures, RedSummary } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import { readRows } from '../read-rows.ts';
import { planRedSteps } from './red-step.ts';

/** Summed figures as the query returns them (64-bit integers arrive as exact strings). */
export interface FigureColumns {
  requests: string;
  failed: string;
  sum_ms: number;
  buckets: string[];
}

export function figuresOf(r: FigureColumns): RedFigures {
  return {
    count: Number(r.requests),
    errorCount: Number(r.failed),
    durationSumMs: r.sum_ms,
    bucketCounts: r.buckets.map(Number),
  };
}

/**
 * The aggregate columns every RED query selects, as FigureColumns. The aliases differ from the column
 * names: ClickHouse substitutes aliases everywhere, so `sum(count) AS count` would nest aggregates.
 */
const FIGURES_SQL = `sum(count) AS requests, sum(error_count) AS failed,
       sum(duration_sum_ms) AS sum_ms, sumForEach(bucket_counts) AS buckets`;

/** DateTime is seconds in a UInt32: the API's ms clamp into it (a range past 2106 has no rows anyway). */
const MAX_DATETIME_S = 4_294_967_295;
export function dateTimeSeconds(ms: number): number {
  return Math.min(MAX_DATETIME_S, Math.max(0, Math.floor(ms / 1000)));
}

/** Minutes that overlap [from, to): from the minute holding `from` to the last one starting before `to`. */
export function minuteRange(fromMs: number, toMs: number): { fromS: number; toS: number } {
  return { fromS: dateTimeSeconds(Math.floor(fromMs / 60_000) * 60_000), toS: dateTimeSeconds(toMs + 999) };
}

const MINUTES_SQL = `minute >= toDateTime({fromS:UInt32}, 'UTC') AND minute < toDateTime({toS:UInt32}, 'UTC')`;

export interface RedSeriesInput {
  service: string;
  endpoint?: string | undefined;
  instance?: string | undefined;
  cluster?: string | undefined;
  from: number;
  to: number;
  step?: number | undefined;
}

export interface RedPoint extends Omit<RedSummary, 'count'> {
  /** Start of the step, ms since the epoch. */
  t: number;
  count: number;
}

/** One point per step in [from, to), steps without requests included (count 0, figures null). */
export async function redSeries(storage: Storage, input: RedSeriesInput): Promise<RedPoint[]> {
  const { stepSeconds, firstMs, points } = planRedSteps(input.from, input.to, input.step);
  const endMs = firstMs + points * stepSeconds * 1000;
  const rows = await readRows<FigureColumns & { t: string }>(
    storage,
    `SELECT intDiv(toUnixTimestamp(minute), {step:UInt32}) * {step:UInt32} AS t, ${FIGURES_SQL}
     FROM ${storage.qualified(storage.tables.red_server_1m)}
     WHERE service = {service:String} AND ${MINUTES_SQL}
       ${input.endpoint === undefined ? '' : 'AND endpoint = {endpoint:String}'}
       ${input.instance === undefined ? '' : 'AND instance = {instance:String}'}
       ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
     GROUP BY t ORDER BY t`,
    {
      ...input,
      step: stepSeconds,
      fromS: dateTimeSeconds(firstMs),
      toS: dateTimeSeconds(endMs),
    },
  );
  const byStep = new Map(rows.map((r) => [Number(r.t) * 1000, r]));
  const series: RedPoint[] = [];
  for (let i = 0; i < points; i++) {
    const t = firstMs + i * stepSeconds * 1000;
    const row = byStep.get(t);
    series.push(
      row === undefined
        ? { t, count: 0, errors: 0, avg: null, p50: null, p95: null, p99: null }
        : { t, ...summarizeRed([figuresOf(row)]) },
    );
  }
  return series;
}

export interface RedEndpointsInput {
  service: string;
  cluster?: string | undefined;
  from: number;
  to: number;
}

export interface RedEndpoint {
  endpoint: string;
  count: number;
  errors: number;
  /** Milliseconds. */
  avg: number | null;
  p95: number | null;
}

const RED_ENDPOINTS_LIMIT = 200;

/** A service's endpoints over [from, to), busiest first (at most 200). */
export async function redEndpoints(storage: Storage, input: RedEndpointsInput): Promise<RedEndpoint[]> {
  const rows = await readRows<FigureColumns & { endpoint: string }>(
    storage,
    `SELECT endpoint, ${FIGURES_SQL}
     FROM ${storage.qualified(storage.tables.red_server_1m)}
     WHERE service = {service:String} AND ${MINUTES_SQL}
       ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
     GROUP BY endpoint ORDER BY requests DESC, endpoint LIMIT {limit:UInt32}`,
    { ...input, ...minuteRange(input.from, input.to), limit: RED_ENDPOINTS_LIMIT },
  );
  return rows.map((r) => {
    const s = summarizeRed([figuresOf(r)]);
    return { endpoint: r.endpoint, count: s.count, errors: s.errors, avg: s.avg, p95: s.p95 };
  });
}

export interface RedCall {
  /** db | http | rpc | messaging | other */
  callType: string;
  peer: string;
  system: string;
  dbNamespace: string;
  operation: string;
  target: string;
  role: string;
  count: number;
  errors: number;
  /** Milliseconds. */
  avg: number | null;
  p95: number | null;
}

interface CallRow extends FigureColumns {
  call_type: string;
  peer: string;
  system: string;
  db_namespace: string;
  operation: string;
  target: string;
  role: string;
}

/**
 * What a service calls over [from, to) — databases by statement kind and table, HTTP/RPC peers, message
 * destinations — busiest first (at most 200): the dependency side of "self or dependency?".
 */
export async function redCalls(storage: Storage, input: RedEndpointsInput): Promise<RedCall[]> {
  const rows = await readRows<CallRow>(
    storage,
    `SELECT call_type, peer, system, db_namespace, operation, target, role, ${FIGURES_SQL}
     FROM ${storage.qualified(storage.tables.red_client_1m)}
     WHERE service = {service:String} AND ${MINUTES_SQL}
       ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
     GROUP BY call_type, peer, system, db_namespace, operation, target, role
     ORDER BY requests DESC, call_type, peer, target LIMIT {limit:UInt32}`,
    { ...input, ...minuteRange(input.from, input.to), limit: RED_ENDPOINTS_LIMIT },
  );
  return rows.map((r) => {
    const s = summarizeRed([figuresOf(r)]);
    return {
      callType: r.call_type,
      peer: r.peer,
      system: r.system,
      dbNamespace: r.db_namespace,
      operation: r.operation,
      target: r.target,
      role: r.role,
      count: s.count,
      errors: s.errors,
      avg: s.avg,
      p95: s.p95,
    };
  });
}
