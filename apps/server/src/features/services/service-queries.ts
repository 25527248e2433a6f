/**
 * The services feature's reads. The service list counts spans and logs and adds RED; RED itself is read
 * from the per-minute rollups (storage/tables/red-rollups.ts), never from raw spans: one row per
 * series and minute, however many spans, so a month of a service reads in the time a minute of spans
 * would. Several rows may share a key and minute, so everything is summed; the quantiles come from the
 * summed bucket counts (`summarizeRed`), computed here rather than in SQL so they follow exactly the
 * conventions documented in packages/shared/src/red/red-quantiles.ts.
 */
import { summarizeRed } from '@apo/shared/red';
import type { RedFigures, RedSummary } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import {
  array,
  computed,
  defineQuery,
  float64,
  int64Number,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint64Number,
} from '../../storage/index.ts';
import type { RowOf, Selected, TableColumns } from '../../storage/index.ts';
import { decodeCursor, textPart, uint64Part } from '../cursor.ts';
import { keysetPage } from '../paging.ts';
import { dateTimeSeconds, minuteRange } from '../time-range.ts';
import { planRedSteps } from './red-step.ts';

const redServer = tableColumns(storageTables.red_server_1m);
const redClient = tableColumns(storageTables.red_client_1m);
const spans = tableColumns(storageTables.spans);
const logs = tableColumns(storageTables.logs);

/**
 * The summed figures every RED query selects. The aliases differ from the column names: ClickHouse
 * substitutes aliases everywhere, so `sum(count) AS count` would nest aggregates.
 */
function figureColumns(table: TableColumns) {
  return {
    requests: computed(uint64Number, `sum(${table.name('count')})`),
    failed: computed(uint64Number, `sum(${table.name('error_count')})`),
    sum_ms: computed(float64, `sum(${table.name('duration_sum_ms')})`),
    buckets: computed(array(uint64Number), `sumForEach(${table.name('bucket_counts')})`),
  };
}

type FigureColumns = RowOf<ReturnType<typeof figureColumns>>;

function figuresOf(r: FigureColumns): RedFigures {
  return { count: r.requests, errorCount: r.failed, durationSumMs: r.sum_ms, bucketCounts: r.buckets };
}

const MINUTES_SQL = `minute >= toDateTime({fromS:UInt32}, 'UTC') AND minute < toDateTime({toS:UInt32}, 'UTC')`;

const redSeriesQuery = defineQuery('services.red', {
  t: computed(
    uint64Number,
    `intDiv(toUnixTimestamp(${redServer.name('minute')}), {step:UInt32}) * {step:UInt32}`,
  ),
  ...figureColumns(redServer),
});

const redEndpointsQuery = defineQuery('services.redEndpoints', {
  endpoint: redServer.read('endpoint', string),
  ...figureColumns(redServer),
});

const callKey = (column: string): Selected<string> => redClient.read(column, string);
const redCallsQuery = defineQuery('services.redCalls', {
  call_type: callKey('call_type'),
  peer: callKey('peer'),
  system: callKey('system'),
  db_namespace: callKey('db_namespace'),
  operation: callKey('operation'),
  target: callKey('target'),
  role: callKey('role'),
  ...figureColumns(redClient),
});

export interface ServiceListInput {
  from: number;
  to: number;
  cluster?: string | undefined;
}

export interface ServiceSummary {
  name: string;
  spanCount: number;
  errorCount: number;
  logCount: number;
  lastSeen: number;
  /** Requests (entry spans) from the RED rollups, 100 % of spans. */
  requestCount: number;
  requestErrorCount: number;
  /** Milliseconds; null without requests. */
  p95: number | null;
}

/**
 * The outer columns of the service list. The inner ones are named apart (n_spans, …): an alias equal to
 * the column it sums would refer to itself.
 */
const serviceListQuery = defineQuery('services.list', {
  service: computed(string, 'service'),
  spans: computed(uint64Number, 'sum(n_spans)'),
  errors: computed(uint64Number, 'sum(n_errors)'),
  logs: computed(uint64Number, 'sum(n_logs)'),
  last_seen_ms: computed(int64Number, 'max(last_ms)'),
  requests: computed(uint64Number, 'sum(red_count)'),
  failed: computed(uint64Number, 'sum(red_errors)'),
  sum_ms: computed(float64, 'sum(red_sum)'),
  buckets: computed(array(uint64Number), 'sumForEach(red_buckets)'),
});

/**
 * Services that sent spans or logs in the range, or have RED rollups there, with span, error and log
 * counts and their RED over the range, by name.
 */
export async function listServices(storage: Storage, input: ServiceListInput): Promise<ServiceSummary[]> {
  const cluster = input.cluster === undefined ? '' : 'AND cluster = {cluster:String}';
  const filter = `ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64}) ${cluster}`;
  const none = 'toUInt64(0), toUInt64(0), toFloat64(0), emptyArrayUInt64()';
  const rows = await readRows(
    storage,
    serviceListQuery,
    `FROM (
       SELECT ${spans.name('service')} AS service, count() AS n_spans, countIf(${spans.name('status_code')} = 2) AS n_errors,
              toUInt64(0) AS n_logs, max(toUnixTimestamp64Milli(ts)) AS last_ms,
              toUInt64(0) AS red_count, toUInt64(0) AS red_errors, toFloat64(0) AS red_sum,
              emptyArrayUInt64() AS red_buckets
       FROM ${storage.qualified(storage.tables.spans)} WHERE ${filter} GROUP BY service
       UNION ALL
       SELECT ${logs.name('service')}, toUInt64(0), toUInt64(0), count(), max(toUnixTimestamp64Milli(ts)), ${none}
       FROM ${storage.qualified(storage.tables.logs)} WHERE ${filter} GROUP BY service
       UNION ALL
       SELECT ${redServer.name('service')}, toUInt64(0), toUInt64(0), toUInt64(0),
              toInt64(toUnixTimestamp(max(minute))) * 1000,
              sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts)
       FROM ${storage.qualified(storage.tables.red_server_1m)}
       WHERE ${MINUTES_SQL} ${cluster}
       GROUP BY service
     )
     GROUP BY service ORDER BY service`,
    { ...input, ...minuteRange(input.from, input.to) },
  );
  return rows.map((r) => {
    const red = summarizeRed([figuresOf(r)]);
    return {
      name: r.service,
      spanCount: r.spans,
      errorCount: r.errors,
      logCount: r.logs,
      lastSeen: r.last_seen_ms,
      requestCount: red.count,
      requestErrorCount: red.errors,
      p95: red.p95,
    };
  });
}

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
  const rows = await readRows(
    storage,
    redSeriesQuery,
    `FROM ${storage.qualified(storage.tables.red_server_1m)}
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
  const byStep = new Map(rows.map((r) => [r.t * 1000, r]));
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
  const rows = await readRows(
    storage,
    redEndpointsQuery,
    `FROM ${storage.qualified(storage.tables.red_server_1m)}
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

/**
 * What a service calls over [from, to) — databases by statement kind and table, HTTP/RPC peers, message
 * destinations — busiest first (at most 200): the dependency side of "self or dependency?".
 */
export async function redCalls(storage: Storage, input: RedEndpointsInput): Promise<RedCall[]> {
  const rows = await readRows(
    storage,
    redCallsQuery,
    `FROM ${storage.qualified(storage.tables.red_client_1m)}
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

/** The key and summed 100 % figures of one call key (`callFigures`). */
export type CallRow = RowOf<(typeof redCallsQuery)['columns']>;

/** A call key's columns in the order pages are sorted by after the request count (all of them: a total order). */
const CALL_KEY = ['call_type', 'peer', 'target', 'system', 'db_namespace', 'operation', 'role'] as const;
const callKeyOf = (r: CallRow): string[] => CALL_KEY.map((k) => r[k]);
const CALL_AFTER_SQL = `HAVING requests < {cRequests:UInt64} OR (requests = {cRequests:UInt64}
  AND (${CALL_KEY.join(', ')}) > (${CALL_KEY.map((_, i) => `{cKey${i}:String}`).join(', ')}))`;
/** One string per key, to read given keys (`keys`): the parts joined by a character keys do not hold. */
const KEY_SEPARATOR = '\u001f';
const CALL_KEY_SQL = `concat(${CALL_KEY.join(", '\\x1f', ")})`;

function callsAfter(cursor: string | undefined): { sql: string; params: Record<string, unknown> } {
  if (cursor === undefined) return { sql: '', params: {} };
  const [requests, ...key] = decodeCursor(cursor, [uint64Part, ...CALL_KEY.map(() => textPart)]);
  return {
    sql: CALL_AFTER_SQL,
    params: { cRequests: requests, ...Object.fromEntries(key.map((k, i) => [`cKey${i}`, k])) },
  };
}

/**
 * Client-call keys of a service over [from, to) with their summed figures, busiest first, a page of at
 * most `limit` after `cursor` — or, given `keys`, just those keys: the database / external-call panel reads
 * a page of the range and then the same keys in the comparison period.
 */
export async function callFigures(
  storage: Storage,
  input: RedEndpointsInput & { limit: number; cursor?: string | undefined; keys?: readonly CallRow[] },
): Promise<{ rows: { key: CallRow; figures: RedFigures }[]; nextCursor: string | null }> {
  const after = callsAfter(input.cursor);
  const keys = input.keys?.map((k) => callKeyOf(k).join(KEY_SEPARATOR));
  const rows = await readRows(
    storage,
    redCallsQuery,
    `FROM ${storage.qualified(storage.tables.red_client_1m)}
     WHERE service = {service:String} AND ${MINUTES_SQL}
       ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
       ${keys === undefined ? '' : `AND ${CALL_KEY_SQL} IN {keys:Array(String)}`}
     GROUP BY call_type, peer, system, db_namespace, operation, target, role ${after.sql}
     ORDER BY requests DESC, ${CALL_KEY.join(', ')} LIMIT {limit:UInt32}`,
    { ...input, ...minuteRange(input.from, input.to), ...after.params, keys, limit: input.limit + 1 },
  );
  const page = keysetPage(rows, input.limit, (r) => [String(r.requests), ...callKeyOf(r)]);
  return { rows: page.rows.map((r) => ({ key: r, figures: figuresOf(r) })), nextCursor: page.nextCursor };
}
