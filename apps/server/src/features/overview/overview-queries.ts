/**
 * The services overview's reads (the router holds no SQL). RED comes from `red_server_1m` (100 % of spans)
 * through its time-sorted projections (storage/tables/red-rollups.ts): whole hours from the hourly ones,
 * partial-hour edges from the minutely ones (overview-plan.ts splits the ranges); service rows group by
 * service only, so the engine picks the per-service ones (every branch is written so it can: hours filter
 * and group on `toStartOfHour(minute)` only). Service rows: `redCells`, one statement per call (hour
 * fingerprints and minute edges; the hours themselves come from overview-hour-cache.ts). One service's
 * endpoints: the range read once for figures and sparkline (GROUPING SETS), the day/week-ago copies one other
 * query. chDB runs parameterized queries one at a time, so a call costs the sum of its queries; one query
 * over all periods (rows ARRAY JOINed to their periods) was 1.5–2× slower at 8 days of data. For endpoints,
 * quantiles are computed in SQL exactly as interpolateQuantile does (tested), so a few numbers per row
 * travel instead of 16 buckets. Spans, logs and events have DateTime64 timestamps,
 * compared with DateTime64 bounds: against a DateTime one, a span at 11:59:59.989 fails `ts < 12:00:00`.
 */
import { RED_BUCKET_BOUNDS_MS } from '@apo/shared/red';
import type { Storage } from '../../storage/index.ts';
import {
  array,
  computed,
  defineQuery,
  float64,
  int64Number,
  nullable,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint32,
  uint64Number,
  uint8,
} from '../../storage/index.ts';
import type { ReadPart, RowOf } from '../../storage/index.ts';
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

const red = tableColumns(storageTables.red_server_1m);
const logs = tableColumns(storageTables.logs);
const events = tableColumns(storageTables.events);
const spans = tableColumns(storageTables.spans);

const MINUTE = red.name('minute');
const HOUR = `toStartOfHour(${MINUTE})`;
const SERVICE = red.name('service');
const ENDPOINT = red.name('endpoint');

/** What every read filters on: a cluster, and for one service's endpoints, the service. */
export interface OverviewFilter {
  cluster?: string | undefined;
  service?: string | undefined;
}

/** Whether whole hours are read from the hourly projections (false: minutes only; the tests compare). */
export interface ReadOptions {
  useHours?: boolean | undefined;
}

/** Service rows (one per service) or one service's endpoint rows (one per endpoint). */
export type Level = 'service' | 'endpoint';
const KEYS: Record<Level, string> = { service: SERVICE, endpoint: `${SERVICE}, ${ENDPOINT}` };
const NAME: Record<Level, string> = { service: SERVICE, endpoint: ENDPOINT };

const FIGURES = `sum(${red.name('count')}) AS requests, sum(${red.name('error_count')}) AS failed,
       sum(${red.name('duration_sum_ms')}) AS sum_ms, sumForEach(${red.name('bucket_counts')}) AS buckets`;
/** For reads that only ask whether there were requests: no bucket arrays read. */
const REQUESTS = `sum(${red.name('count')}) AS requests`;
const SUMMED = `sum(requests) AS requests, sum(failed) AS failed, sum(sum_ms) AS sum_ms,
       sumForEach(buckets) AS buckets`;

function filterSql(f: OverviewFilter): string {
  return (
    (f.cluster === undefined ? '' : ` AND ${red.name('cluster')} = {cluster:String}`) +
    (f.service === undefined ? '' : ` AND ${SERVICE} = {service:String}`)
  );
}

/**
 * The branches that read one range: whole hours and the two minute edges, each selecting `keys` (and
 * `extra`, where `$T` stands for the hour or the minute) grouped by them, with the summed figures.
 */
function rangeBranches(
  storage: Storage,
  split: RangeSplit,
  prefix: string,
  params: Record<string, unknown>,
  keys: string,
  f: OverviewFilter,
  extra?: { select: string; groupBy: string },
  figures = FIGURES,
): string[] {
  const table = storage.qualified(storage.tables.red_server_1m);
  const at = (name: string, s: number): string => {
    params[`${prefix}${name}`] = s;
    return `toDateTime({${prefix}${name}:UInt32}, 'UTC')`;
  };
  const select = (t: string) => (extra === undefined ? keys : `${keys}, ${extra.select.replaceAll('$T', t)}`);
  const groupBy = (t: string) =>
    extra === undefined ? keys : `${keys}, ${extra.groupBy}`.replaceAll('$T', t);
  const branches: string[] = [];
  if (split.hours.toS > split.hours.fromS) {
    branches.push(
      `SELECT ${select(HOUR)}, ${figures} FROM ${table}
       WHERE ${HOUR} >= ${at('h0', split.hours.fromS)} AND ${HOUR} < ${at('h1', split.hours.toS)}${filterSql(f)}
       GROUP BY ${groupBy(HOUR)}`,
    );
  }
  const edges = split.edges.filter((e) => e.toS > e.fromS);
  if (edges.length > 0) {
    const where = edges
      .map((e, i) => `(${MINUTE} >= ${at(`e${i}a`, e.fromS)} AND ${MINUTE} < ${at(`e${i}b`, e.toS)})`)
      .join(' OR ');
    branches.push(
      `SELECT ${select(MINUTE)}, ${figures} FROM ${table}
       WHERE (${where})${filterSql(f)}
       GROUP BY ${groupBy(MINUTE)}`,
    );
  }
  return branches;
}

/**
 * The q-quantile of summed bucket counts `buckets` over `requests`, exactly as interpolateQuantile computes
 * it (packages/shared/src/red/red-quantiles.ts), the same Float64 operations in the same order: the first
 * non-empty bucket whose cumulative count reaches the rank q × requests (a bucket that reaches a positive
 * rank is never empty), linear inside it, the overflow bucket's lower edge. Needs `{bounds:Array(Float64)}`.
 */
function quantileSql(q: number, i: string): string {
  const rank = `(${q} * requests)`;
  const lower = `if(${i} = 1, 0, {bounds:Array(Float64)}[${i} - 1])`;
  const below = `(cum[${i}] - buckets[${i}])`;
  return `if(requests = 0, NULL, if(${i} = length(buckets), ${lower},
    ${lower} + (({bounds:Array(Float64)}[${i}] - ${lower}) * (${rank} - ${below})) / buckets[${i}]))`;
}

/**
 * `rows` (requests and summed buckets per row) with what quantileSql needs computed once per row: the
 * cumulative counts `cum` and the index of the bucket that holds each quantile (`i95`, `i99`), rather
 * than again at every use in the quantiles' expressions.
 */
function withQuantileIndexes(rows: string): string {
  const index = (q: number) => `arrayFirstIndex(c -> c >= (${q} * requests), cum)`;
  return `(SELECT *, ${index(0.95)} AS i95, ${index(0.99)} AS i99
     FROM (SELECT *, arrayCumSum(buckets) AS cum FROM (${rows})))`;
}

const figureColumns = {
  requests: computed(uint64Number, 'requests'),
  failed: computed(uint64Number, 'failed'),
  sum_ms: computed(float64, 'sum_ms'),
  p95: computed(nullable(float64), quantileSql(0.95, 'i95')),
  p99: computed(nullable(float64), quantileSql(0.99, 'i99')),
};
export type Figures = RowOf<typeof figureColumns>;

const currentQuery = defineQuery('overview.current', {
  name: computed(string, 'name'),
  /** The sparkline step; null on the row of the whole range. */
  step: computed(nullable(uint32), 'if(whole = 1, NULL, toUInt32(t))'),
  ...figureColumns,
});
export type CurrentRow = RowOf<typeof currentQuery.columns>;

/**
 * The current range, read once: per service (or per endpoint of `f.service`) its figures over the range
 * (`step` null) and per sparkline step. Hour-sized steps read whole hours from the projections, smaller
 * ones minutes. With `search`, only endpoints whose own or service's name contains it.
 */
export async function currentFigures(
  storage: Storage,
  level: Level,
  range: SecondsRange,
  plan: SparklinePlan,
  f: OverviewFilter,
  o: ReadOptions & { search?: string | undefined },
): Promise<CurrentRow[]> {
  const params: Record<string, unknown> = {
    ...f,
    first: plan.firstS,
    step: plan.stepS,
    bounds: RED_BUCKET_BOUNDS_MS,
    search: o.search ?? '',
  };
  const split = splitRange(range, o.useHours !== false && plan.stepS % 3600 === 0);
  const t = { select: 'intDiv(toUnixTimestamp($T) - {first:UInt32}, {step:UInt32}) AS t', groupBy: 't' };
  const branches = rangeBranches(storage, split, 'c', params, KEYS[level], f, t);
  if (branches.length === 0) return [];
  const searched =
    level === 'endpoint' && o.search !== undefined && o.search !== ''
      ? `WHERE positionCaseInsensitiveUTF8(${SERVICE}, {search:String}) > 0
            OR positionCaseInsensitiveUTF8(${ENDPOINT}, {search:String}) > 0`
      : '';
  return readRows(
    storage,
    currentQuery,
    `FROM ${withQuantileIndexes(`
       SELECT ${NAME[level]} AS name, t, grouping(t) AS whole, ${SUMMED}
       FROM (${branches.join('\nUNION ALL\n')}) ${searched}
       GROUP BY GROUPING SETS ((name), (name, t))
     `)}`,
    params,
  );
}

const pastQuery = defineQuery('overview.past', {
  /** Index in PERIODS (1: a day earlier, 2: a week earlier). */
  period: computed(uint8, 'period'),
  name: computed(string, 'name'),
  ...figureColumns,
});
export type PastRow = RowOf<typeof pastQuery.columns>;

/** The figures of each service (or endpoint of `f.service`) in the day-ago and week-ago copies of the range. */
export async function pastFigures(
  storage: Storage,
  level: Level,
  range: SecondsRange,
  f: OverviewFilter,
  o: ReadOptions,
): Promise<PastRow[]> {
  const params: Record<string, unknown> = { ...f, bounds: RED_BUCKET_BOUNDS_MS };
  const copy = (period: Period, p: number): string[] => {
    const split = splitRange(shifted(range, period), o.useHours);
    const extra = { select: `${p} AS period`, groupBy: 'period' };
    return rangeBranches(storage, split, `p${p}`, params, KEYS[level], f, extra);
  };
  const branches = PERIODS.flatMap((period, p) => (p === 0 ? [] : copy(period, p)));
  if (branches.length === 0) return [];
  return readRows(
    storage,
    pastQuery,
    `FROM ${withQuantileIndexes(`
       SELECT period, ${NAME[level]} AS name, ${SUMMED}
       FROM (${branches.join('\nUNION ALL\n')})
       GROUP BY period, name
     `)}`,
    params,
  );
}

const cellQuery = defineQuery('overview.redCells', {
  /** What the row is: see RedCellKind. */
  kind: computed(uint8, 'kind'),
  /** A minute row's interval, an index in `minutes`. */
  seg: computed(uint32, 'seg'),
  /** An hour's start (seconds) for hour rows; a minute row's sparkline step (0 outside the current range). */
  t: computed(uint32, 't'),
  service: computed(string, 'service'),
  cluster: computed(string, 'cluster'),
  requests: computed(uint64Number, 'requests'),
  failed: computed(uint64Number, 'failed'),
  sum_ms: computed(float64, 'sum_ms'),
  buckets: computed(array(uint64Number), 'buckets'),
});
export type RedCellRow = RowOf<typeof cellQuery.columns>;
/** An hour's request and error counts over all services and clusters (its fingerprint; no buckets), a
 * minute interval's sums, an hour's sums, one minute's sums (of a whole hour read minute by minute). */
export const RedCellKind = { fingerprint: 0, minutes: 1, hour: 2, minute: 3 } as const;
type CellColumns = typeof cellQuery.columns;

export interface RedCellsRead {
  /** Per-hour totals of these whole hours, all clusters (what the hour cache compares). */
  fingerprints?: SecondsRange | undefined;
  /** Per-service, per-cluster sums of these whole hours, all clusters (what the hour cache keeps). */
  hours?: SecondsRange | undefined;
  /** Hours (their starts) read minute by minute: per minute, service and cluster the sums, all clusters. */
  minuteHours?: readonly number[] | undefined;
  /** Disjoint, sorted minute intervals: per interval, service and cluster (filtered) the sums. */
  minutes: readonly SecondsRange[];
  /** The intervals inside the current range, whose rows are split by sparkline step (`t`). */
  stepped: readonly number[];
  plan: SparklinePlan;
  cluster?: string | undefined;
}

/**
 * The services overview's RED as one read (chDB runs one statement at a time; each costs ~5–10 ms however
 * little it reads): any of hour fingerprints and hour sums (from `red_service_hourly`) and minute intervals
 * and minutes (from `red_service_minutely`), told apart by `kind`. Every branch groups by service (never
 * endpoint) and filters on the hour or the minute only, so the engine picks the per-service projections.
 * Undefined when there is nothing to read.
 */
export function redCellsPart(storage: Storage, read: RedCellsRead): ReadPart<CellColumns> | undefined {
  const table = storage.qualified(storage.tables.red_server_1m);
  const params: Record<string, unknown> = {
    cluster: read.cluster,
    first: read.plan.firstS,
    step: read.plan.stepS,
  };
  const at = (name: string, s: number): string => {
    params[name] = s;
    return `toDateTime({${name}:UInt32}, 'UTC')`;
  };
  const hourT = `toUInt32(toUnixTimestamp(${HOUR}))`;
  const hoursIn = (r: SecondsRange, p: string) =>
    `${HOUR} >= ${at(`${p}0`, r.fromS)} AND ${HOUR} < ${at(`${p}1`, r.toS)}`;
  const keys = `${SERVICE} AS service, ${red.name('cluster')} AS cluster`;
  const branches: string[] = [];
  if (read.fingerprints !== undefined) {
    // Counts only: with the bucket arrays this read took 3–5× as long (22–89 vs 14–17 ms, 193 hours).
    branches.push(`SELECT 0 AS kind, toUInt32(0) AS seg, ${hourT} AS t, '' AS service, '' AS cluster,
        ${REQUESTS}, sum(${red.name('error_count')}) AS failed, toFloat64(0) AS sum_ms, [] AS buckets
      FROM ${table} WHERE ${hoursIn(read.fingerprints, 'f')} GROUP BY t`);
  }
  if (read.hours !== undefined) {
    branches.push(`SELECT 2 AS kind, toUInt32(0) AS seg, ${hourT} AS t, ${keys}, ${FIGURES}
      FROM ${table} WHERE ${hoursIn(read.hours, 'h')} GROUP BY t, service, cluster`);
  }
  if (read.minuteHours !== undefined && read.minuteHours.length > 0) {
    const where = read.minuteHours
      .map((h, i) => `(${MINUTE} >= ${at(`n${i}a`, h)} AND ${MINUTE} < ${at(`n${i}z`, h + 3600)})`)
      .join(' OR ');
    branches.push(`SELECT 3 AS kind, toUInt32(0) AS seg, toUInt32(toUnixTimestamp(${MINUTE})) AS t, ${keys}, ${FIGURES}
      FROM ${table} WHERE ${where} GROUP BY t, service, cluster`);
  }
  if (read.minutes.length > 0) {
    const last = read.minutes.length - 1;
    const ends = read.minutes.slice(0, last).map((m, i) => `${MINUTE} < ${at(`m${i}b`, m.toS)}, ${i}`);
    const seg = `toUInt32(${ends.length === 0 ? '0' : `multiIf(${ends.join(', ')}, ${last})`})`;
    const where = read.minutes
      .map((m, i) => `(${MINUTE} >= ${at(`m${i}a`, m.fromS)} AND ${MINUTE} < ${at(`m${i}z`, m.toS)})`)
      .join(' OR ');
    params.stepped = read.stepped;
    const step = `intDiv(toUnixTimestamp(${MINUTE}) - {first:UInt32}, {step:UInt32})`;
    branches.push(`SELECT 1 AS kind, ${seg} AS seg, toUInt32(if(has({stepped:Array(UInt32)}, ${seg}), ${step}, 0)) AS t,
        ${keys}, ${FIGURES}
      FROM ${table} WHERE (${where})${filterSql({ cluster: read.cluster })} GROUP BY seg, t, service, cluster`);
  }
  if (branches.length === 0) return undefined;
  return { query: cellQuery, rest: `FROM (${branches.join('\nUNION ALL\n')})`, params };
}

/** redCellsPart read alone. */
export async function redCells(storage: Storage, read: RedCellsRead): Promise<RedCellRow[]> {
  const part = redCellsPart(storage, read);
  return part === undefined ? [] : readRows(storage, part.query, part.rest, part.params);
}

const searchQuery = defineQuery('overview.endpointSearch', { service: computed(string, 'service') });

/**
 * Services with requests in the range on an endpoint whose name contains `search` (case-insensitive);
 * undefined when the range holds no minute.
 */
export function servicesWithEndpointPart(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
  search: string,
  o: ReadOptions,
): ReadPart<typeof searchQuery.columns> | undefined {
  const params: Record<string, unknown> = { ...f, search };
  const split = splitRange(range, o.useHours);
  const branches = rangeBranches(storage, split, 'm', params, KEYS.endpoint, f, undefined, REQUESTS);
  if (branches.length === 0) return undefined;
  const rest = `FROM (
       SELECT ${SERVICE} AS service, ${ENDPOINT} FROM (${branches.join('\nUNION ALL\n')})
       WHERE positionCaseInsensitiveUTF8(${ENDPOINT}, {search:String}) > 0
       GROUP BY service, ${ENDPOINT} HAVING sum(requests) > 0
     ) GROUP BY service`;
  return { query: searchQuery, rest, params };
}

const LOG_TS = logs.name('ts');
/** The condition of period p (`{a<p>:Int64}`, `{b<p>:Int64}`: its bounds in ms). */
const inPeriodSql = (p: number): string =>
  `(${LOG_TS} >= fromUnixTimestamp64Milli({a${p}:Int64}) AND ${LOG_TS} < fromUnixTimestamp64Milli({b${p}:Int64}))`;
const logErrorsQuery = defineQuery('overview.logErrors', {
  service: logs.read('service', string),
  /** Error-level records per period, in PERIODS order. */
  counts: computed(
    array(uint64Number),
    `[${PERIODS.map((_, p) => `countIf(${inPeriodSql(p)})`).join(', ')}]`,
  ),
});

/** Error-level log records per service in the range and its day-ago and week-ago copies. */
export function logErrorsPart(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
): ReadPart<typeof logErrorsQuery.columns> {
  const params: Record<string, unknown> = { cluster: f.cluster, severity: SEVERITY_ERROR };
  PERIODS.forEach((period, p) => {
    const r = shifted(range, period);
    params[`a${p}`] = r.fromS * 1000;
    params[`b${p}`] = r.toS * 1000;
  });
  const cluster = f.cluster === undefined ? '' : `AND ${logs.name('cluster')} = {cluster:String}`;
  const rest = `FROM ${storage.qualified(storage.tables.logs)}
     WHERE ${logs.name('severity_number')} >= {severity:UInt8}
       AND (${PERIODS.map((_, p) => inPeriodSql(p)).join(' OR ')}) ${cluster}
     GROUP BY service`;
  return { query: logErrorsQuery, rest, params };
}

const EVENT_TS = events.name('ts');
const EVENT_NAME = events.name('name');
const lastAtSql = (param: string) =>
  `if(countIf(${EVENT_NAME} = {${param}:String}) = 0, NULL,
      toUnixTimestamp64Milli(maxIf(${EVENT_TS}, ${EVENT_NAME} = {${param}:String})))`;
const changesQuery = defineQuery('overview.changes', {
  service: events.read('service', string),
  /** ms since the epoch; null when none. */
  restart_ms: computed(nullable(int64Number), lastAtSql('restart')),
  version_ms: computed(nullable(int64Number), lastAtSql('change')),
  new_version: computed(
    string,
    `argMaxIf(${events.name('attributes')}['service.version'], ${EVENT_TS}, ${EVENT_NAME} = {change:String})`,
  ),
});

/**
 * The last restart and version change per service before the range end, from the agent's change events
 * (the version is the event's `service.version` attribute, the version it changed to).
 */
export function lastChangesPart(
  storage: Storage,
  toS: number,
  f: OverviewFilter,
): ReadPart<typeof changesQuery.columns> {
  const cluster = f.cluster === undefined ? '' : `AND ${events.name('cluster')} = {cluster:String}`;
  const rest = `FROM ${storage.qualified(storage.tables.events)}
     WHERE ${EVENT_NAME} IN ({restart:String}, {change:String})
       AND ${EVENT_TS} >= fromUnixTimestamp64Milli({changesSince:Int64})
       AND ${EVENT_TS} < fromUnixTimestamp64Milli({changesTo:Int64}) ${cluster}
     GROUP BY service`;
  return {
    query: changesQuery,
    rest,
    params: {
      cluster: f.cluster,
      restart: RESTART_EVENT,
      change: VERSION_CHANGE_EVENT,
      changesSince: Math.max(0, toS - CHANGES_LOOKBACK_S) * 1000,
      changesTo: toS * 1000,
    },
  };
}

const NAMESPACE = `${spans.name('resource_attributes')}['k8s.namespace.name']`;
const namespaceQuery = defineQuery('overview.namespaces', {
  service: spans.read('service', string),
  k8s_namespace: computed(string, `argMax(${NAMESPACE}, ${spans.name('ts')})`),
});

/**
 * The Kubernetes namespace of each service (`k8s.namespace.name`, a resource attribute the SDK or the
 * server's pod metadata sets on spans), from its latest span in the range's last 15 minutes.
 */
export function namespacesPart(
  storage: Storage,
  range: SecondsRange,
  f: OverviewFilter,
): ReadPart<typeof namespaceQuery.columns> {
  const ts = spans.name('ts');
  const cluster = f.cluster === undefined ? '' : `AND ${spans.name('cluster')} = {cluster:String}`;
  const rest = `FROM ${storage.qualified(storage.tables.spans)}
     WHERE ${ts} >= fromUnixTimestamp64Milli({nsFrom:Int64}) AND ${ts} < fromUnixTimestamp64Milli({nsTo:Int64})
       AND ${NAMESPACE} != '' ${cluster}
     GROUP BY service`;
  return {
    query: namespaceQuery,
    rest,
    params: {
      cluster: f.cluster,
      nsFrom: Math.max(range.fromS, range.toS - NAMESPACE_WINDOW_S) * 1000,
      nsTo: range.toS * 1000,
    },
  };
}
