/**
 * The investigations feature's reads (the engine holds no SQL). Everything is per minute and bounded:
 * RED from the rollups (100 % of spans), client calls from `red_client_1m`, process and runtime metrics,
 * error logs (counts and masked patterns), change events, and from spans only what the rollups cannot
 * give: which service answers a caller's peer (the client span's server child), a few trace ids for
 * evidence. Spans, logs, events and metrics have DateTime64 timestamps, compared with DateTime64 bounds.
 */
import type { Storage } from '../../storage/index.ts';
import {
  array,
  bool,
  computed,
  defineQuery,
  float64,
  int64Number,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint32,
  uint64Number,
  uint8,
} from '../../storage/index.ts';
import type { RowOf } from '../../storage/index.ts';
import { dateTimeSeconds } from '../time-range.ts';
import {
  clientRows,
  instanceRows,
  logRows,
  serverRows,
  type ClientMinute,
  type InstanceMinute,
  type LogMinute,
  type ServerMinute,
} from './minute-rows.ts';
import type { CoarseWindow } from './read-resolution.ts';

const redServer = tableColumns(storageTables.red_server_1m);
const redClient = tableColumns(storageTables.red_client_1m);
const metrics = tableColumns(storageTables.metrics);
const logs = tableColumns(storageTables.logs);
const events = tableColumns(storageTables.events);
const spans = tableColumns(storageTables.spans);

/**
 * A read's scope: minutes [fromMs, toMs) (whole minutes), optionally one cluster; the per-minute reads take
 * the `coarse` part of it in 5-minute buckets (read-resolution.ts).
 */
export interface Scope {
  fromMs: number;
  toMs: number;
  cluster?: string | undefined;
  coarse?: CoarseWindow | undefined;
}

/** Bounds: a 24 h investigation of 200 services stays well inside them. */
/** Series: (service, instance) and (service, call type, peer, database), each a minute per point of the range. */
const MAX_SERVER_SERIES = 20_000;
const MAX_CLIENT_SERIES = 50_000;
/** Rows of one service's endpoints × minutes (the impact step). */
const MAX_ENDPOINT_ROWS = 500_000;
/** Series (service × instance × metric × label set), each at most a minute per point of the range. */
const MAX_METRIC_SERIES = 20_000;
/** Message patterns (service × masked message), each a count per minute of the range. */
const MAX_LOG_PATTERNS = 5_000;
const MAX_EVENTS = 2_000;
const MAX_EDGES = 5_000;
/** OTLP SeverityNumber ERROR (17–24 with FATAL). */
const SEVERITY_ERROR = 17;

const minuteParams = (s: Scope) => ({
  cluster: s.cluster,
  fromS: dateTimeSeconds(s.fromMs),
  toS: dateTimeSeconds(s.toMs),
});
const MINUTES = `minute >= toDateTime({fromS:UInt32}, 'UTC') AND minute < toDateTime({toS:UInt32}, 'UTC')`;
const TS_RANGE = `ts >= fromUnixTimestamp64Milli({fromMs:Int64}) AND ts < fromUnixTimestamp64Milli({toMs:Int64})`;
const clusterSql = (s: Scope) => (s.cluster === undefined ? '' : 'AND cluster = {cluster:String}');
const MINUTE_OF_TS = 'toUInt32(toUnixTimestamp(toStartOfMinute(ts)))';
/** The start (s) of a rollup row's point: its 5-minute bucket inside the coarse window, else its minute. */
const BUCKET_OF_MINUTE = `toUInt32(toUnixTimestamp(if(minute >= toDateTime({coarseFromS:UInt32}, 'UTC')
  AND minute < toDateTime({coarseToS:UInt32}, 'UTC'), toStartOfFiveMinutes(minute), minute)))`;
/** The same for a DateTime64 `ts`. */
const BUCKET_OF_TS = `toUInt32(toUnixTimestamp(if(ts >= fromUnixTimestamp64Milli({coarseFromMs:Int64})
  AND ts < fromUnixTimestamp64Milli({coarseToMs:Int64}), toStartOfFiveMinutes(ts), toStartOfMinute(ts))))`;
/** A rollup row's point: per minute, or by `BUCKET_OF_MINUTE` when the scope has a coarse window. */
const pointOfMinute = (s: Scope) =>
  s.coarse === undefined ? `toUInt32(toUnixTimestamp(${redServer.name('minute')}))` : BUCKET_OF_MINUTE;
const coarseParamsOf = (s: Scope) =>
  s.coarse === undefined
    ? {}
    : {
        coarseFromS: dateTimeSeconds(s.coarse.fromMs),
        coarseToS: dateTimeSeconds(s.coarse.toMs),
        coarseFromMs: s.coarse.fromMs,
        coarseToMs: s.coarse.toMs,
      };

/**
 * Entry-span RED of one (service, instance, `hit`) over the range: its minutes in order, each with its
 * figures. Arrays rather than a row per minute, as the metrics (a day of 200 services is ~300 k minutes).
 */
/** A RED series' points, as arrays: `points` holds (start, requests, failed, sum_ms, buckets) tuples. */
const redPoints = {
  minutes: computed(array(uint32), 'arrayMap(p -> p.1, points)'),
  /** Counts as Float64 (exact below 2^53): unquoted in JSON, unlike UInt64. */
  requests: computed(array(float64), 'arrayMap(p -> p.2, points)'),
  failed: computed(array(float64), 'arrayMap(p -> p.3, points)'),
  sum_ms: computed(array(float64), 'arrayMap(p -> p.4, points)'),
  buckets: computed(array(array(float64)), 'arrayMap(p -> p.5, points)'),
};
const serverQuery = defineQuery('investigations.server', {
  service: computed(string, 'service'),
  instance: computed(string, 'instance'),
  /** 1 when the rows are of the asked endpoint. */
  hit: computed(uint8, 'hit'),
  ...redPoints,
});

/**
 * Entry-span RED per service, instance and minute (`hit`: the rows of `endpoint`, when one is asked),
 * ordered by service, instance, hit, then minute.
 */
export async function serverMinutes(storage: Storage, s: Scope, endpoint = ''): Promise<ServerMinute[]> {
  const series = await readRows(
    storage,
    serverQuery,
    `FROM (
       SELECT service, instance, hit,
              arraySort(p -> p.1, groupArray((minute_s, requests, failed, sum_ms, buckets))) AS points
       FROM (
         SELECT ${redServer.name('service')} AS service, ${redServer.name('instance')} AS instance,
                toUInt32(toUnixTimestamp(${redServer.name('minute')})) AS minute_s,
                toUInt8(${redServer.name('endpoint')} = {endpoint:String}) AS hit,
                toFloat64(sum(${redServer.name('count')})) AS requests,
                toFloat64(sum(${redServer.name('error_count')})) AS failed,
                sum(${redServer.name('duration_sum_ms')}) AS sum_ms,
                arrayMap(c -> toFloat64(c), sumForEach(${redServer.name('bucket_counts')})) AS buckets
         FROM ${storage.qualified(storage.tables.red_server_1m)} WHERE ${MINUTES} ${clusterSql(s)}
         GROUP BY service, instance, minute_s, hit)
       GROUP BY service, instance, hit)
     ORDER BY service, instance, hit LIMIT ${MAX_SERVER_SERIES}`,
    { ...minuteParams(s), endpoint },
  );
  return serverRows(series, undefined);
}

/** `serverQuery` per service: a long range's figures, with its far past in buckets. */
const serviceQuery = defineQuery('investigations.services', {
  service: computed(string, 'service'),
  hit: computed(uint8, 'hit'),
  ...redPoints,
});

/** Without an asked endpoint `hit` is 0: grouping by an endpoint test would keep the engine off the per-service projection. */
const hitSql = (endpoint: string) =>
  endpoint === '' ? 'toUInt8(0)' : `toUInt8(${redServer.name('endpoint')} = {endpoint:String})`;

/**
 * A long range's entry-span RED per service (instance null) and minute, its coarse window spread from
 * 5-minute buckets; ordered by service, hit, then minute. Per service and not per instance, so that
 * the engine answers from `red_service_minutely` (a row per service and minute) instead of aggregating
 * the table's row per endpoint (a day of 200 services: ~0.2 s instead of ~1.2 s); the instances'
 * requests come from `instanceMinutes`.
 */
export async function serviceMinutes(storage: Storage, s: Scope, endpoint = ''): Promise<ServerMinute[]> {
  const series = await readRows(
    storage,
    serviceQuery,
    `FROM (
       SELECT service, hit, arraySort(p -> p.1, groupArray((minute_s, requests, failed, sum_ms, buckets))) AS points
       FROM (
         SELECT ${redServer.name('service')} AS service, ${pointOfMinute(s)} AS minute_s, ${hitSql(endpoint)} AS hit,
                toFloat64(sum(${redServer.name('count')})) AS requests,
                toFloat64(sum(${redServer.name('error_count')})) AS failed,
                sum(${redServer.name('duration_sum_ms')}) AS sum_ms,
                arrayMap(c -> toFloat64(c), sumForEach(${redServer.name('bucket_counts')})) AS buckets
         FROM ${storage.qualified(storage.tables.red_server_1m)} WHERE ${MINUTES} ${clusterSql(s)}
         GROUP BY service, minute_s, hit)
       GROUP BY service, hit)
     ORDER BY service, hit LIMIT ${MAX_SERVER_SERIES}`,
    { ...minuteParams(s), ...coarseParamsOf(s), endpoint },
  );
  return serverRows(series, s.coarse);
}

const instanceQuery = defineQuery('investigations.instances', {
  service: computed(string, 'service'),
  instance: computed(string, 'instance'),
  hit: computed(uint8, 'hit'),
  minutes: computed(array(uint32), 'arrayMap(p -> p.1, points)'),
  requests: computed(array(float64), 'arrayMap(p -> p.2, points)'),
});

/** `serviceMinutes`' companion: entry-span requests per instance and minute, ordered by service, instance, hit. */
export async function instanceMinutes(storage: Storage, s: Scope, endpoint = ''): Promise<InstanceMinute[]> {
  const series = await readRows(
    storage,
    instanceQuery,
    `FROM (
       SELECT service, instance, hit, arraySort(p -> p.1, groupArray((minute_s, requests))) AS points
       FROM (
         SELECT ${redServer.name('service')} AS service, ${redServer.name('instance')} AS instance,
                ${pointOfMinute(s)} AS minute_s, ${hitSql(endpoint)} AS hit,
                toFloat64(sum(${redServer.name('count')})) AS requests
         FROM ${storage.qualified(storage.tables.red_server_1m)} WHERE ${MINUTES} ${clusterSql(s)}
         GROUP BY service, instance, minute_s, hit)
       GROUP BY service, instance, hit)
     ORDER BY service, instance, hit LIMIT ${MAX_SERVER_SERIES}`,
    { ...minuteParams(s), ...coarseParamsOf(s), endpoint },
  );
  return instanceRows(series, s.coarse);
}

/** Client calls of one (service, call type, peer, database) over the range, as arrays of its minutes. */
const clientQuery = defineQuery('investigations.client', {
  service: computed(string, 'service'),
  call_type: computed(string, 'call_type'),
  peer: computed(string, 'peer'),
  system: computed(string, 'system'),
  db_namespace: computed(string, 'db_namespace'),
  minutes: computed(array(uint32), 'arrayMap(p -> p.1, points)'),
  calls: computed(array(float64), 'arrayMap(p -> p.2, points)'),
  failed: computed(array(float64), 'arrayMap(p -> p.3, points)'),
  sum_ms: computed(array(float64), 'arrayMap(p -> p.4, points)'),
});

/** Client calls per service, call type, peer / database and minute. */
export async function clientMinutes(storage: Storage, s: Scope): Promise<ClientMinute[]> {
  const series = await readRows(
    storage,
    clientQuery,
    `FROM (
       SELECT service, call_type, peer, system, db_namespace,
              arraySort(p -> p.1, groupArray((minute_s, calls, failed, sum_ms))) AS points
       FROM (
         SELECT ${redClient.name('service')} AS service, ${redClient.name('call_type')} AS call_type,
                ${redClient.name('peer')} AS peer, ${redClient.name('system')} AS system,
                ${redClient.name('db_namespace')} AS db_namespace,
                ${pointOfMinute(s)} AS minute_s,
                toFloat64(sum(${redClient.name('count')})) AS calls,
                toFloat64(sum(${redClient.name('error_count')})) AS failed,
                sum(${redClient.name('duration_sum_ms')}) AS sum_ms
         FROM ${storage.qualified(storage.tables.red_client_1m)} WHERE ${MINUTES} ${clusterSql(s)}
         GROUP BY service, call_type, peer, system, db_namespace, minute_s)
       GROUP BY service, call_type, peer, system, db_namespace)
     ORDER BY service, call_type, peer, system, db_namespace LIMIT ${MAX_CLIENT_SERIES}`,
    { ...minuteParams(s), ...coarseParamsOf(s) },
  );
  return clientRows(series, s.coarse);
}

const CUMULATIVE = 2;
/** Counters and histograms (their sums): the types whose points add up, as opposed to levels. */
const ADDITIVE_TYPE = `(metric_type IN ('histogram', 'exponential_histogram') OR (metric_type = 'sum' AND is_monotonic))`;
/**
 * One metric series (service, instance, name, label set, type) of the range: its minutes, in order, each
 * with its last point's offset into the minute and its value. Arrays rather than a row per minute: a day of
 * 200 services' process metrics is ~2.4 M minutes, which as JSON objects cost seconds to decode (and used
 * to be cut at a row limit); as arrays, a few thousand rows.
 */
const metricQuery = defineQuery('investigations.metrics', {
  service: computed(string, 'service'),
  instance: computed(string, 'instance'),
  name: computed(string, 'name'),
  unit: computed(string, 'unit'),
  disk_direction: computed(string, 'disk_direction'),
  /** One label set of the metric (its points are summed over label sets after the rates). */
  series: computed(string, 'series'),
  cumulative: computed(bool, 'cumulative'),
  /** Delta counters and histogram sums: a bucket's value is the sum of its minutes'. */
  additive: computed(bool, `toBool(${ADDITIVE_TYPE} AND NOT cumulative)`),
  minutes: computed(array(uint32), 'arrayMap(p -> p.1, points)'),
  /** The minute's last point, ms after the minute's start: a counter's increase is a rate over the time between two of them. */
  last_offsets: computed(array(uint32), 'arrayMap(p -> p.2, points)'),
  /**
   * Counters and histogram sums: the minute's last cumulative value (a rate needs the previous minute)
   * or the sum of its deltas; levels: the minute's average.
   */
  values: computed(array(float64), 'arrayMap(p -> p.3, points)'),
});

/**
 * A metric series of the range as read: its minutes in order, with each minute's last point (ms after the
 * minute's start) and value. The signals are built from these arrays directly (a day of 200 services is
 * ~2.2 M minutes: an object per minute cost seconds of allocation).
 */
export type MetricSeries = RowOf<typeof metricQuery.columns>;

/** Per service, instance, metric name and label set, for the named metrics; ordered by series. */
export async function metricSeries(
  storage: Storage,
  s: Scope,
  names: readonly string[],
): Promise<MetricSeries[]> {
  const params = { cluster: s.cluster, fromMs: s.fromMs, toMs: s.toMs, names, ...coarseParamsOf(s) };
  if (s.coarse !== undefined) return readRows(storage, metricQuery, coarseMetricSql(storage, s), params);
  return readRows(
    storage,
    metricQuery,
    `FROM (
       SELECT service, instance, name, unit, disk_direction, series, cumulative, metric_type, temporality, is_monotonic,
              arraySort(p -> p.1, groupArray((minute_s, last_offset, v))) AS points
       FROM (
         SELECT service, instance, name, unit, ${metrics.name('labels')}['disk.io.direction'] AS disk_direction,
                toString(cityHash64(${metrics.name('labels')})) AS series, ${MINUTE_OF_TS} AS minute_s,
                toUInt32(toUnixTimestamp64Milli(max(ts)) - toInt64(minute_s) * 1000) AS last_offset,
                metric_type, temporality, is_monotonic, cumulative,
                toFloat64(multiIf(
                  metric_type IN ('histogram', 'exponential_histogram'),
                    if(temporality = ${CUMULATIVE}, max(ifNull(sum, 0)), sum(ifNull(sum, 0))),
                  metric_type = 'sum' AND is_monotonic, if(temporality = ${CUMULATIVE}, max(value), sum(value)),
                  avg(value))) AS v
         FROM (SELECT *, ${ADDITIVE_TYPE} AND temporality = ${CUMULATIVE} AS cumulative
               FROM ${storage.qualified(storage.tables.metrics)}
               WHERE name IN {names:Array(String)} AND ${TS_RANGE} ${clusterSql(s)})
         GROUP BY service, instance, name, unit, disk_direction, series, minute_s, metric_type, temporality, is_monotonic, cumulative)
       GROUP BY service, instance, name, unit, disk_direction, series, metric_type, temporality, is_monotonic, cumulative)
     ORDER BY service, instance, name, series, metric_type, temporality, is_monotonic LIMIT ${MAX_METRIC_SERIES}`,
    params,
  );
}

/**
 * The metric read of a long range: the same series and figures, with the coarse window in 5-minute buckets
 * (a bucket's last point and value, as a minute's), and each point grouped by one 64-bit hash of its
 * series' fields instead of the ten fields themselves, its label set by its own hash: hashing that many
 * strings per point, and copying each point's label map into `any`, was most of the read (a day of 200
 * services, 2.3 M points, at load ~3: ~0.9-1.2 s with the fields as keys, ~0.5-0.8 s so). Two series
 * colliding in 64 bits among a few thousand is not a practical concern. The series' fields are carried
 * along with `any`; the disk direction is looked up in the disk metric's points only (`if` short-circuits).
 */
function coarseMetricSql(storage: Storage, s: Scope): string {
  return `FROM (
       SELECT any(m_service) AS service, any(m_instance) AS instance, any(m_name) AS name, any(m_unit) AS unit,
              any(m_direction) AS disk_direction, any(m_series) AS series, any(m_cumulative) AS cumulative,
              any(m_type) AS metric_type, any(m_temporality) AS temporality, any(m_monotonic) AS is_monotonic,
              arraySort(p -> p.1, groupArray((minute_s, last_offset, v))) AS points
       FROM (
         SELECT key, minute_s, any(service) AS m_service, any(instance) AS m_instance, any(name) AS m_name,
                any(unit) AS m_unit, any(if(name = 'process.disk.io', ${metrics.name('labels')}['disk.io.direction'], '')) AS m_direction,
                toString(any(label_hash)) AS m_series, any(cumulative) AS m_cumulative,
                any(metric_type) AS m_type, any(temporality) AS m_temporality, any(is_monotonic) AS m_monotonic,
                toUInt32(toUnixTimestamp64Milli(max(ts)) - toInt64(minute_s) * 1000) AS last_offset,
                toFloat64(multiIf(
                  any(metric_type) IN ('histogram', 'exponential_histogram'),
                    if(any(cumulative), max(ifNull(sum, 0)), sum(ifNull(sum, 0))),
                  any(metric_type) = 'sum' AND any(is_monotonic), if(any(cumulative), max(value), sum(value)),
                  avg(value))) AS v
         FROM (SELECT *, ${ADDITIVE_TYPE} AND temporality = ${CUMULATIVE} AS cumulative, ${BUCKET_OF_TS} AS minute_s,
                      cityHash64(labels) AS label_hash,
                      cityHash64(service, instance, name, unit, label_hash, metric_type, temporality, is_monotonic) AS key
               FROM ${storage.qualified(storage.tables.metrics)}
               WHERE name IN {names:Array(String)} AND ${TS_RANGE} ${clusterSql(s)})
         GROUP BY key, minute_s)
       GROUP BY key)
     ORDER BY service, instance, name, series, metric_type, temporality, is_monotonic LIMIT ${MAX_METRIC_SERIES}`;
}

/**
 * Error-level records of one (service, message pattern) over the range: counts per minute as arrays, and
 * a sample record (the pattern's first one).
 */
const logQuery = defineQuery('investigations.logs', {
  service: computed(string, 'service'),
  /** The message with hex ids and numbers masked, so one pattern covers its repetitions. */
  pattern: computed(string, 'pattern'),
  minutes: computed(array(uint32), 'arrayMap(p -> p.1, points)'),
  records: computed(array(float64), 'arrayMap(p -> p.2, points)'),
  sample_ms: computed(int64Number, 'sample_ms'),
  sample_instance: computed(string, 'sample_instance'),
  sample_severity: computed(string, 'sample_severity'),
  sample_body: computed(string, 'sample_body'),
  sample_trace_id: computed(string, 'sample_trace_id'),
});

/** Error-level log records per service, pattern and minute, with a sample record of each pattern. */
export async function errorLogMinutes(storage: Storage, s: Scope): Promise<LogMinute[]> {
  const series = await readRows(
    storage,
    logQuery,
    `FROM (
       SELECT service, pattern, arraySort(p -> p.1, groupArray((minute_s, records))) AS points,
              toUnixTimestamp64Milli(min(first_ts)) AS sample_ms,
              argMin(first_instance, first_ts) AS sample_instance, argMin(first_severity, first_ts) AS sample_severity,
              argMin(first_body, first_ts) AS sample_body, argMin(first_trace_id, first_ts) AS sample_trace_id
       FROM (
         SELECT service, pattern, ${MINUTE_OF_TS} AS minute_s, toFloat64(count()) AS records,
                min(${logs.name('ts')}) AS first_ts, argMin(${logs.name('instance')}, ts) AS first_instance,
                argMin(${logs.name('severity_text')}, ts) AS first_severity,
                argMin(substring(${logs.name('body')}, 1, 500), ts) AS first_body,
                argMin(${logs.name('trace_id')}, ts) AS first_trace_id
         FROM (SELECT *, substring(replaceRegexpAll(${logs.name('body')}, '[0-9a-fA-F]{8,}|[0-9]+', '#'), 1, 160) AS pattern
               FROM ${storage.qualified(storage.tables.logs)}
               WHERE ${logs.name('severity_number')} >= {severity:UInt8} AND ${TS_RANGE} ${clusterSql(s)})
         GROUP BY service, pattern, minute_s)
       GROUP BY service, pattern)
     ORDER BY service, pattern LIMIT ${MAX_LOG_PATTERNS}`,
    { cluster: s.cluster, fromMs: s.fromMs, toMs: s.toMs, severity: SEVERITY_ERROR },
  );
  // Per minute at every range: a day's error logs are a few thousand patterns' minutes, read in ~0.1 s.
  return logRows(series);
}

const eventQuery = defineQuery('investigations.events', {
  ts_ms: computed(int64Number, `toUnixTimestamp64Milli(${events.name('ts')})`),
  service: events.read('service', string),
  instance: events.read('instance', string),
  name: events.read('name', string),
  message: computed(string, `substring(${events.name('body')}, 1, 300)`),
  new_version: computed(string, `${events.name('attributes')}['service.version']`),
  previous_version: computed(string, `${events.name('attributes')}['apo.previous.service.version']`),
});
export type EventRow = RowOf<typeof eventQuery.columns>;

/** Events of the range (restarts, version changes, Kubernetes events), oldest first. */
export async function changeEvents(storage: Storage, s: Scope): Promise<EventRow[]> {
  return readRows(
    storage,
    eventQuery,
    `FROM ${storage.qualified(storage.tables.events)} WHERE ${TS_RANGE} ${clusterSql(s)}
     ORDER BY ts_ms, service LIMIT ${MAX_EVENTS}`,
    { cluster: s.cluster, fromMs: s.fromMs, toMs: s.toMs },
  );
}

const edgeQuery = defineQuery('investigations.edges', {
  caller: computed(string, 'caller'),
  caller_peer: computed(string, 'caller_peer'),
  callee: computed(string, 'callee'),
  calls: computed(uint64Number, 'count()'),
});
export type SpanEdge = RowOf<typeof edgeQuery.columns>;

/**
 * Caller → callee pairs seen in the spans of the range: a CLIENT / PRODUCER span of one service whose
 * SERVER / CONSUMER child is of another, with the caller's peer (`server.address:port`) as it named it.
 * The hash table holds the server spans with a parent only: a trace's root answered no stored call.
 */
export async function spanEdges(storage: Storage, s: Scope): Promise<SpanEdge[]> {
  const table = storage.qualified(storage.tables.spans);
  const cluster = clusterSql(s);
  return readRows(
    storage,
    edgeQuery,
    `FROM (SELECT ${spans.name('trace_id')}, ${spans.name('span_id')}, ${spans.name('service')} AS caller,
                  ${spans.name('peer')} AS caller_peer
           FROM ${table} WHERE ${spans.name('kind')} IN (3, 4) AND ${TS_RANGE} ${cluster}) AS c
     INNER JOIN (SELECT trace_id, parent_span_id, service AS callee
           FROM ${table} WHERE kind IN (2, 5) AND parent_span_id != '' AND ${TS_RANGE} ${cluster}) AS s
       ON s.trace_id = c.trace_id AND s.parent_span_id = c.span_id
     WHERE caller != callee
     GROUP BY caller, caller_peer, callee ORDER BY caller, caller_peer, callee LIMIT ${MAX_EDGES}`,
    { cluster: s.cluster, fromMs: s.fromMs, toMs: s.toMs },
  );
}

const traceSampleQuery = defineQuery('investigations.traceSamples', {
  trace_id: computed(string, 'trace_id'),
});

/** Up to `limit` traces of a service's entry spans in the range: failed ones first, then the slowest. */
export async function sampleTraces(
  storage: Storage,
  s: Scope,
  service: string,
  limit = 10,
): Promise<string[]> {
  const rows = await readRows(
    storage,
    traceSampleQuery,
    `FROM (SELECT ${spans.name('trace_id')}, max(${spans.name('status_code')} = 2) AS failed, max(${spans.name('duration_ns')}) AS d
           FROM ${storage.qualified(storage.tables.spans)}
           WHERE ${spans.name('service')} = {service:String} AND ${spans.name('kind')} IN (2, 5) AND ${TS_RANGE} ${clusterSql(s)}
           GROUP BY trace_id)
     ORDER BY failed DESC, d DESC, trace_id LIMIT {limit:UInt32}`,
    { cluster: s.cluster, fromMs: s.fromMs, toMs: s.toMs, service, limit },
  );
  return rows.map((r) => r.trace_id);
}

const endpointQuery = defineQuery('investigations.endpoints', {
  endpoint: redServer.read('endpoint', string),
  minute_s: computed(uint32, `toUInt32(toUnixTimestamp(${redServer.name('minute')}))`),
  requests: computed(uint64Number, `sum(${redServer.name('count')})`),
  failed: computed(uint64Number, `sum(${redServer.name('error_count')})`),
  sum_ms: computed(float64, `sum(${redServer.name('duration_sum_ms')})`),
});
export type EndpointMinute = RowOf<typeof endpointQuery.columns>;

/** Entry-span RED of one service per endpoint and minute: the impact step's "which endpoints degraded". */
export async function endpointMinutes(
  storage: Storage,
  s: Scope,
  service: string,
): Promise<EndpointMinute[]> {
  return readRows(
    storage,
    endpointQuery,
    `FROM ${storage.qualified(storage.tables.red_server_1m)}
     WHERE ${MINUTES} ${clusterSql(s)} AND ${redServer.name('service')} = {service:String}
     GROUP BY endpoint, minute_s ORDER BY endpoint, minute_s LIMIT ${MAX_ENDPOINT_ROWS}`,
    { ...minuteParams(s), service },
  );
}
