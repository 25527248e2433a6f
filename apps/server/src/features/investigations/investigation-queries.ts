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

const redServer = tableColumns(storageTables.red_server_1m);
const redClient = tableColumns(storageTables.red_client_1m);
const metrics = tableColumns(storageTables.metrics);
const logs = tableColumns(storageTables.logs);
const events = tableColumns(storageTables.events);
const spans = tableColumns(storageTables.spans);

/** A read's scope: minutes [fromMs, toMs) (whole minutes), optionally one cluster. */
export interface Scope {
  fromMs: number;
  toMs: number;
  cluster?: string | undefined;
}

/** Bounds: a 24 h investigation of 200 services stays well inside them. */
const MAX_SERVER_ROWS = 500_000;
const MAX_CLIENT_ROWS = 500_000;
/** Series (service × instance × metric × label set), each at most a minute per point of the range. */
const MAX_METRIC_SERIES = 20_000;
const MAX_LOG_ROWS = 50_000;
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

const serverQuery = defineQuery('investigations.server', {
  service: redServer.read('service', string),
  instance: redServer.read('instance', string),
  minute_s: computed(uint32, `toUInt32(toUnixTimestamp(${redServer.name('minute')}))`),
  /** 1 when the row is of the asked endpoint. */
  hit: computed(uint8, `toUInt8(${redServer.name('endpoint')} = {endpoint:String})`),
  requests: computed(uint64Number, `sum(${redServer.name('count')})`),
  failed: computed(uint64Number, `sum(${redServer.name('error_count')})`),
  sum_ms: computed(float64, `sum(${redServer.name('duration_sum_ms')})`),
  buckets: computed(array(uint64Number), `sumForEach(${redServer.name('bucket_counts')})`),
});
export type ServerMinute = RowOf<typeof serverQuery.columns>;

/** Entry-span RED per service, instance and minute (`hit`: the rows of `endpoint`, when one is asked). */
export async function serverMinutes(storage: Storage, s: Scope, endpoint = ''): Promise<ServerMinute[]> {
  return readRows(
    storage,
    serverQuery,
    `FROM ${storage.qualified(storage.tables.red_server_1m)} WHERE ${MINUTES} ${clusterSql(s)}
     GROUP BY service, instance, minute_s, hit ORDER BY service, instance, minute_s LIMIT ${MAX_SERVER_ROWS}`,
    { ...minuteParams(s), endpoint },
  );
}

const clientQuery = defineQuery('investigations.client', {
  service: redClient.read('service', string),
  call_type: redClient.read('call_type', string),
  peer: redClient.read('peer', string),
  system: redClient.read('system', string),
  db_namespace: redClient.read('db_namespace', string),
  minute_s: computed(uint32, `toUInt32(toUnixTimestamp(${redClient.name('minute')}))`),
  calls: computed(uint64Number, `sum(${redClient.name('count')})`),
  failed: computed(uint64Number, `sum(${redClient.name('error_count')})`),
  sum_ms: computed(float64, `sum(${redClient.name('duration_sum_ms')})`),
});
export type ClientMinute = RowOf<typeof clientQuery.columns>;

/** Client calls per service, call type, peer / database and minute. */
export async function clientMinutes(storage: Storage, s: Scope): Promise<ClientMinute[]> {
  return readRows(
    storage,
    clientQuery,
    `FROM ${storage.qualified(storage.tables.red_client_1m)} WHERE ${MINUTES} ${clusterSql(s)}
     GROUP BY service, call_type, peer, system, db_namespace, minute_s
     ORDER BY service, call_type, peer, system, db_namespace, minute_s LIMIT ${MAX_CLIENT_ROWS}`,
    minuteParams(s),
  );
}

const CUMULATIVE = 2;
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
  minutes: computed(array(uint32), 'arrayMap(p -> p.1, points)'),
  /** The minute's last point, ms after the minute's start: a counter's increase is a rate over the time between two of them. */
  last_offsets: computed(array(uint32), 'arrayMap(p -> p.2, points)'),
  /**
   * Counters and histogram sums: the minute's last cumulative value (a rate needs the previous minute)
   * or the sum of its deltas; levels: the minute's average.
   */
  values: computed(array(float64), 'arrayMap(p -> p.3, points)'),
});

/** A metric series' minute (the rows the signals are built from). */
export interface MetricMinute {
  service: string;
  instance: string;
  name: string;
  unit: string;
  disk_direction: string;
  series: string;
  minute_s: number;
  /** The minute's last point (ms since the epoch). */
  last_ms: number;
  cumulative: boolean;
  v: number;
}

/** Per service, instance, metric name, label set and minute, for the named metrics; ordered by series, then minute. */
export async function metricMinutes(
  storage: Storage,
  s: Scope,
  names: readonly string[],
): Promise<MetricMinute[]> {
  const series = await readRows(
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
         FROM (SELECT *, (metric_type IN ('histogram', 'exponential_histogram') OR (metric_type = 'sum' AND is_monotonic))
                         AND temporality = ${CUMULATIVE} AS cumulative
               FROM ${storage.qualified(storage.tables.metrics)}
               WHERE name IN {names:Array(String)} AND ${TS_RANGE} ${clusterSql(s)})
         GROUP BY service, instance, name, unit, disk_direction, series, minute_s, metric_type, temporality, is_monotonic, cumulative)
       GROUP BY service, instance, name, unit, disk_direction, series, metric_type, temporality, is_monotonic, cumulative)
     ORDER BY service, instance, name, series, metric_type, temporality, is_monotonic LIMIT ${MAX_METRIC_SERIES}`,
    { cluster: s.cluster, fromMs: s.fromMs, toMs: s.toMs, names },
  );
  const out: MetricMinute[] = [];
  for (const r of series)
    r.minutes.forEach((minute_s, i) =>
      out.push({
        service: r.service,
        instance: r.instance,
        name: r.name,
        unit: r.unit,
        disk_direction: r.disk_direction,
        series: r.series,
        minute_s,
        last_ms: minute_s * 1000 + (r.last_offsets[i] ?? 0),
        cumulative: r.cumulative,
        v: r.values[i] ?? 0,
      }),
    );
  return out;
}

const logQuery = defineQuery('investigations.logs', {
  service: logs.read('service', string),
  /** The message with hex ids and numbers masked, so one pattern covers its repetitions. */
  pattern: computed(string, 'pattern'),
  minute_s: computed(uint32, MINUTE_OF_TS),
  records: computed(uint64Number, 'count()'),
  sample_ms: computed(int64Number, `toUnixTimestamp64Milli(min(${logs.name('ts')}))`),
  sample_instance: computed(string, `any(${logs.name('instance')})`),
  sample_severity: computed(string, `any(${logs.name('severity_text')})`),
  sample_body: computed(string, `any(substring(${logs.name('body')}, 1, 500))`),
  sample_trace_id: computed(string, `any(${logs.name('trace_id')})`),
});
export type LogMinute = RowOf<typeof logQuery.columns>;

/** Error-level log records per service, pattern and minute, with a sample record of each. */
export async function errorLogMinutes(storage: Storage, s: Scope): Promise<LogMinute[]> {
  return readRows(
    storage,
    logQuery,
    `FROM (SELECT *, substring(replaceRegexpAll(${logs.name('body')}, '[0-9a-fA-F]{8,}|[0-9]+', '#'), 1, 160) AS pattern
           FROM ${storage.qualified(storage.tables.logs)}
           WHERE ${logs.name('severity_number')} >= {severity:UInt8} AND ${TS_RANGE} ${clusterSql(s)})
     GROUP BY service, pattern, minute_s ORDER BY service, pattern, minute_s LIMIT ${MAX_LOG_ROWS}`,
    { cluster: s.cluster, fromMs: s.fromMs, toMs: s.toMs, severity: SEVERITY_ERROR },
  );
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
           FROM ${table} WHERE kind IN (2, 5) AND ${TS_RANGE} ${cluster}) AS s
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
     GROUP BY endpoint, minute_s ORDER BY endpoint, minute_s LIMIT ${MAX_SERVER_ROWS}`,
    { ...minuteParams(s), service },
  );
}
