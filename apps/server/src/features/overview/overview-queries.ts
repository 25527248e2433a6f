/**
 * The services overview's SQL (the router holds none). RED comes from `red_server_1m` — 100 % of spans —
 * whole hours through its time-sorted `red_hourly` projection, partial-hour edges through `red_minutely`
 * (overview-plan.ts splits the ranges; storage/tables/red-rollups.ts has why), so 24 h of 200 services × 20
 * endpoints for three periods reads ~300 k hour rows instead of ~17 M minutes. The engine uses a projection
 * when a SELECT's filter, grouping and aggregates can be read from it; every branch below is written so
 * (hours: only `toStartOfHour(minute)`). Quantiles are computed in SQL from the summed buckets with the
 * operations of interpolateQuantile in the same order (the same Float64 results, tested), so a few numbers
 * per row travel instead of 16 buckets: the JSON, not the query, was the cost.
 * Spans, logs and events have DateTime64 timestamps: they are compared with DateTime64 bounds
 * (fromUnixTimestamp64Milli), since against a DateTime bound a span at 11:59:59.989 fails `ts < 12:00:00`.
 */
import { RED_BUCKET_BOUNDS_MS } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import { readRows } from '../read-rows.ts';
import { PERIODS, shifted, splitRange } from './overview-plan.ts';
import type { Period, RangeSplit, SecondsRange, SparklinePlan } from './overview-plan.ts';

/** Events the agent records (apps/agent/src/collectors/process/change-events.ts). */
export const RESTART_EVENT = 'process.restart';
export const VERSION_CHANGE_EVENT = 'service.version.change';
/** How far before the range end restarts and version changes are looked for. */
const CHANGES_LOOKBACK_S = 30 * 86_400;
/** Services silent in the range but seen this long before its end are listed, greyed. */
export const SEEN_LOOKBACK_S = 7 * 86_400;
/** The namespace is read from the spans of the range's last minutes (spans are wide; this keeps it cheap). */
const NAMESPACE_WINDOW_S = 15 * 60;
/** OTLP SeverityNumber ERROR (17–20) and FATAL (21–24). */
const SEVERITY_ERROR = 17;

export interface OverviewFilter {
  cluster?: string | undefined;
}

const FIGURES = `sum(count) AS requests, sum(error_count) AS failed, sum(duration_sum_ms) AS sum_ms,
       sumForEach(bucket_counts) AS buckets`;
const SUMMED = `sum(requests) AS requests, sum(failed) AS failed, sum(sum_ms) AS sum_ms,
       sumForEach(buckets) AS buckets`;

const clusterSql = (f: OverviewFilter): string =>
  f.cluster === undefined ? '' : 'AND cluster = {cluster:String}';

/**
 * The SELECT branches that read one range: whole hours and the two minute edges, each grouped by
 * `groupBy` (`$T` in `select` and `groupBy` stands for the hour or the minute).
 */
function rangeBranches(
  storage: Storage,
  split: RangeSplit,
  prefix: string,
  params: Record<string, unknown>,
  select: string,
  groupBy: string,
  f: OverviewFilter,
): string[] {
  const table = storage.qualified(storage.tables.red_server_1m);
  const at = (name: string, s: number): string => {
    params[`${prefix}${name}`] = s;
    return `toDateTime({${prefix}${name}:UInt32}, 'UTC')`;
  };
  const branches: string[] = [];
  if (split.hours.toS > split.hours.fromS) {
    const hour = 'toStartOfHour(minute)';
    branches.push(
      `SELECT ${select.replaceAll('$T', hour)}, ${FIGURES} FROM ${table}
       WHERE ${hour} >= ${at('h0', split.hours.fromS)} AND ${hour} < ${at('h1', split.hours.toS)} ${clusterSql(f)}
       GROUP BY ${groupBy.replaceAll('$T', hour)}`,
    );
  }
  const edges = split.edges.filter((e) => e.toS > e.fromS);
  if (edges.length > 0) {
    const where = edges
      .map((e, i) => `(minute >= ${at(`e${i}a`, e.fromS)} AND minute < ${at(`e${i}b`, e.toS)})`)
      .join(' OR ');
    branches.push(
      `SELECT ${select.replaceAll('$T', 'minute')}, ${FIGURES} FROM ${table}
       WHERE (${where}) ${clusterSql(f)}
       GROUP BY ${groupBy.replaceAll('$T', 'minute')}`,
    );
  }
  return branches;
}

/**
 * The SELECT of each service's `top` busiest endpoints in the range that match the search (by their own
 * or their service's name); undefined when the range reads nothing. Sets `top` and `search` in params.
 */
function topEndpoints(
  storage: Storage,
  range: SecondsRange,
  params: Record<string, unknown>,
  f: OverviewFilter,
  q: FiguresQuery,
): string | undefined {
  params.top = q.top;
  params.search = q.search ?? '';
  const select = '0 AS period, service, endpoint';
  const current = rangeBranches(
    storage,
    splitRange(range, q.useHours),
    'c',
    params,
    select,
    'service, endpoint',
    f,
  );
  if (current.length === 0) return undefined;
  return `SELECT service, endpoint FROM (${current.join('\nUNION ALL\n')})
         WHERE positionCaseInsensitiveUTF8(service, {search:String}) > 0
            OR positionCaseInsensitiveUTF8(endpoint, {search:String}) > 0
         GROUP BY service, endpoint HAVING sum(requests) > 0
         ORDER BY sum(requests) DESC, endpoint LIMIT {top:UInt32} BY service`;
}

/** Figures of a service (`endpoint` null) or one of its busiest endpoints in one period. */
export interface FiguresRow {
  /** Index in PERIODS. */
  period: number;
  service: string;
  endpoint: string | null;
  requests: string;
  failed: string;
  sum_ms: number;
  p95: number | null;
  p99: number | null;
}

export interface FiguresQuery {
  /** The busiest endpoints per service to return (by requests in the range). */
  top: number;
  /** Case-insensitive text an endpoint's or its service's name must contain to be returned. */
  search?: string | undefined;
  useHours?: boolean | undefined;
}

/**
 * Per period (the range, a day and a week earlier — copies that may overlap the range when it is longer
 * than a day, so each period is its own branch): every service's figures, and those of its `top` busiest
 * endpoints in the range. Quantiles are computed here from the summed buckets, so only a few numbers
 * per row travel (the JSON of 4,000 endpoints × 3 periods × 16 buckets cost more than the query).
 */
export async function figures(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
  q: FiguresQuery,
): Promise<FiguresRow[]> {
  const params: Record<string, unknown> = { ...f, bounds: RED_BUCKET_BOUNDS_MS };
  const select = (p: number) => `${p} AS period, service, endpoint`;
  const branches = PERIODS.flatMap((period, p) =>
    rangeBranches(
      storage,
      splitRange(shifted(range, period), q.useHours),
      `p${p}`,
      params,
      select(p),
      'service, endpoint',
      f,
    ),
  );
  const top = topEndpoints(storage, range, params, f, q);
  if (branches.length === 0 || top === undefined) return [];
  return readRows<FiguresRow>(
    storage,
    `SELECT period, service, if(whole = 1, NULL, endpoint) AS endpoint, requests, failed, sum_ms,
            ${quantileSql(0.95)} AS p95, ${quantileSql(0.99)} AS p99
     FROM (
       SELECT period, service, endpoint, grouping(endpoint) AS whole, ${SUMMED}
       FROM (${branches.join('\nUNION ALL\n')})
       GROUP BY GROUPING SETS ((period, service), (period, service, endpoint))
       HAVING whole = 1 OR (service, endpoint) IN (${top})
     )`,
    params,
  );
}

export interface SeenRow {
  service: string;
  clusters: string[];
}

/** Services with requests in [fromS, toS) (hour-granular at the edges is not enough: edges read minutes). */
export async function seenServices(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
): Promise<SeenRow[]> {
  const params: Record<string, unknown> = { ...f };
  const branches = rangeBranches(
    storage,
    splitRange(range),
    's',
    params,
    'service, cluster',
    'service, cluster',
    f,
  );
  if (branches.length === 0) return [];
  return readRows<SeenRow>(
    storage,
    `SELECT service, arraySort(groupUniqArray(cluster)) AS clusters
     FROM (${branches.join('\nUNION ALL\n')}) WHERE requests > 0
     GROUP BY service`,
    params,
  );
}

/** A service's own line (endpoint null) or one of its busiest endpoints' (as `figures` picks them). */
export interface SparklineRow {
  service: string;
  /** null for the service's own line. */
  endpoint: string | null;
  /** [step index, requests, failed requests, p95 ms or null]. */
  points: [number, string, string, number | null][];
}

/**
 * The q-quantile of summed bucket counts `buckets` over `requests`, exactly as interpolateQuantile computes
 * it (packages/shared/src/red/red-quantiles.ts), the same Float64 operations in the same order: the first
 * non-empty bucket whose cumulative count reaches the rank q × requests (a bucket that reaches a positive
 * rank is never empty), linear inside it, the overflow bucket's lower edge. Needs `{bounds:Array(Float64)}`.
 */
function quantileSql(q: number): string {
  const rank = `(${q} * requests)`;
  const i = `arrayFirstIndex(c -> c >= ${rank}, arrayCumSum(buckets))`;
  const lower = `if(${i} = 1, 0, {bounds:Array(Float64)}[${i} - 1])`;
  const below = `(arrayCumSum(buckets)[${i}] - buckets[${i}])`;
  return `if(requests = 0, NULL, if(${i} = length(buckets), ${lower},
    ${lower} + (({bounds:Array(Float64)}[${i}] - ${lower}) * (${rank} - ${below})) / buckets[${i}]))`;
}

/**
 * Per step of the sparkline: requests, failed requests and p95 of each service and of its busiest
 * endpoints (the same ones `figures` returns: both pick them themselves, so the two queries run side by
 * side). Hour-sized steps read hours from the projection, smaller ones minutes.
 */
export async function sparklines(
  storage: Storage,
  range: SecondsRange,
  plan: SparklinePlan,
  f: OverviewFilter,
  q: FiguresQuery,
): Promise<SparklineRow[]> {
  const params: Record<string, unknown> = {
    ...f,
    first: plan.firstS,
    step: plan.stepS,
    bounds: RED_BUCKET_BOUNDS_MS,
  };
  const top = topEndpoints(storage, range, params, f, q);
  const split = splitRange(range, q.useHours !== false && plan.stepS % 3600 === 0);
  const t = 'intDiv(toUnixTimestamp($T) - {first:UInt32}, {step:UInt32}) AS t';
  const branches = rangeBranches(
    storage,
    split,
    'k',
    params,
    `service, endpoint, ${t}`,
    'service, endpoint, t',
    f,
  );
  if (branches.length === 0 || top === undefined) return [];
  return readRows<SparklineRow>(
    storage,
    `SELECT service, if(whole = 1, NULL, endpoint) AS endpoint,
            arraySort(groupArray((toUInt32(t), requests, failed, ${quantileSql(0.95)}))) AS points
     FROM (
       SELECT service, endpoint, t, grouping(endpoint) AS whole, ${SUMMED}
       FROM (${branches.join('\nUNION ALL\n')})
       GROUP BY GROUPING SETS ((service, t), (service, endpoint, t))
       HAVING whole = 1 OR (service, endpoint) IN (${top})
     )
     GROUP BY service, endpoint, whole`,
    params,
  );
}

export interface LogErrorsRow {
  service: string;
  /** Error-level records per period, in PERIODS order. */
  counts: [string, string, string];
}

/** Error-level log records per service in the range and its day-ago and week-ago copies. */
export async function logErrors(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
): Promise<LogErrorsRow[]> {
  const params: Record<string, unknown> = { ...f, severity: SEVERITY_ERROR };
  const inPeriod = (period: Period, p: number): string => {
    const r = shifted(range, period);
    params[`a${p}`] = r.fromS * 1000;
    params[`b${p}`] = r.toS * 1000;
    return `(ts >= fromUnixTimestamp64Milli({a${p}:Int64}) AND ts < fromUnixTimestamp64Milli({b${p}:Int64}))`;
  };
  const conditions = PERIODS.map(inPeriod);
  return readRows<LogErrorsRow>(
    storage,
    `SELECT service, [${conditions.map((c) => `countIf(${c})`).join(', ')}] AS counts
     FROM ${storage.database}.logs
     WHERE severity_number >= {severity:UInt8} AND (${conditions.join(' OR ')}) ${clusterSql(f)}
     GROUP BY service`,
    params,
  );
}

export interface ChangesRow {
  service: string;
  /** ms since the epoch as text; '' when none. */
  restart_ms: string;
  version_ms: string;
  version: string;
}

/**
 * The last restart and version change per service before the range end, from the agent's change events
 * (the version is the event's `service.version` attribute, the version it changed to).
 */
export async function lastChanges(storage: Storage, toS: number, f: OverviewFilter): Promise<ChangesRow[]> {
  return readRows<ChangesRow>(
    storage,
    `SELECT service,
            if(countIf(name = {restart:String}) = 0, '',
               toString(toUnixTimestamp64Milli(maxIf(ts, name = {restart:String})))) AS restart_ms,
            if(countIf(name = {change:String}) = 0, '',
               toString(toUnixTimestamp64Milli(maxIf(ts, name = {change:String})))) AS version_ms,
            argMaxIf(attributes['service.version'], ts, name = {change:String}) AS version
     FROM ${storage.database}.events
     WHERE name IN ({restart:String}, {change:String})
       AND ts >= fromUnixTimestamp64Milli({since:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64}) ${clusterSql(f)}
     GROUP BY service`,
    {
      ...f,
      restart: RESTART_EVENT,
      change: VERSION_CHANGE_EVENT,
      since: Math.max(0, toS - CHANGES_LOOKBACK_S) * 1000,
      to: toS * 1000,
    },
  );
}

export interface NamespaceRow {
  service: string;
  namespace: string;
}

/**
 * The Kubernetes namespace of each service (`k8s.namespace.name`, a resource attribute the SDK or the
 * server's pod metadata sets on spans), from its latest span in the range's last 15 minutes.
 */
export async function namespaces(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
): Promise<NamespaceRow[]> {
  return readRows<NamespaceRow>(
    storage,
    `SELECT service, argMax(resource_attributes['k8s.namespace.name'], ts) AS namespace
     FROM ${storage.database}.spans
     WHERE ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
       AND resource_attributes['k8s.namespace.name'] != '' ${clusterSql(f)}
     GROUP BY service`,
    { ...f, from: Math.max(range.fromS, range.toS - NAMESPACE_WINDOW_S) * 1000, to: range.toS * 1000 },
  );
}
