/**
 * The reads behind a service's instances table: the agent's process metrics (docs/agent-metrics.md) and the
 * runtime's (event-loop delay, GC) per instance and series, restarts from the events table, error-level
 * logs per instance. Metrics are sorted by name first, so every read names the metrics it wants.
 * Counters are read as their first and last point per series (a series is one process: labels, pid and
 * start time), so a restart starts a new series instead of looking like a counter going backwards.
 */
import type { Storage } from '../../storage/index.ts';
import {
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
import type { RowOf } from '../../storage/index.ts';
import { decodeCursor, textPart } from '../cursor.ts';
import { keysetPage } from '../paging.ts';

const metrics = tableColumns(storageTables.metrics);
const events = tableColumns(storageTables.events);
const logs = tableColumns(storageTables.logs);

/** What every read of one service over a range takes. */
export interface ServiceRange {
  service: string;
  from: number;
  to: number;
  cluster?: string | undefined;
}

const RANGE_SQL = `ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})`;
const clusterSql = (r: ServiceRange) => (r.cluster === undefined ? '' : 'AND cluster = {cluster:String}');
/** Narrows a read to given instances (a page of the instances table); all of them without. */
interface OfInstances {
  instances?: readonly string[] | undefined;
}
const instancesSql = (r: OfInstances) =>
  r.instances === undefined ? '' : 'AND instance IN {instances:Array(String)}';
const resource = (key: string) => `${metrics.name('resource_attributes')}['${key}']`;

const processSeriesQuery = defineQuery('instances.processSeries', {
  instance: metrics.read('instance', string),
  name: metrics.read('name', string),
  series: computed(string, `toString(${metrics.name('labels')})`),
  pid_text: computed(string, resource('process.pid')),
  started: computed(string, resource('process.creation.time')),
  host_name: computed(string, `any(${resource('host.name')})`),
  container_id: computed(string, `any(${resource('container.id')})`),
  pod_name: computed(string, `any(${resource('k8s.pod.name')})`),
  version_text: computed(string, `any(${resource('service.version')})`),
  first_value: computed(float64, 'argMin(value, ts)'),
  last_value: computed(float64, 'argMax(value, ts)'),
  max_value: computed(float64, 'max(value)'),
  first_sum: computed(float64, 'argMin(ifNull(sum, 0), ts)'),
  last_sum: computed(float64, 'argMax(ifNull(sum, 0), ts)'),
  first_ms: computed(int64Number, 'toInt64(toUnixTimestamp64Milli(min(ts)))'),
  last_ms: computed(int64Number, 'toInt64(toUnixTimestamp64Milli(max(ts)))'),
});

export type ProcessSeries = RowOf<(typeof processSeriesQuery)['columns']>;

/** Series rows read at most: instances × metrics × label sets. */
const SERIES_LIMIT = 5000;

/** First / last / max of each series of `names` of a service in the range, most recently seen first. */
export async function processSeries(
  storage: Storage,
  input: ServiceRange & OfInstances & { names: readonly string[] },
): Promise<ProcessSeries[]> {
  return readRows(
    storage,
    processSeriesQuery,
    `FROM ${storage.qualified(storage.tables.metrics)}
     WHERE name IN {names:Array(String)} AND service = {service:String} AND ${RANGE_SQL} ${clusterSql(input)}
       ${instancesSql(input)}
     GROUP BY instance, name, series, pid_text, started
     ORDER BY last_ms DESC LIMIT {limit:UInt32}`,
    { ...input, names: [...input.names], limit: SERIES_LIMIT },
  );
}

const instancePageQuery = defineQuery('instances.page', {
  instance: computed(string, 'instance'),
  restarts: computed(uint64Number, 'sum(r)'),
  error_logs: computed(uint64Number, 'sum(l)'),
});

/** An instance on a page of the instances table, with its restarts and error-level log records. */
export interface InstanceOfPage {
  instance: string;
  restarts: number;
  errorLogs: number;
}

/**
 * A page of a service's instances in the range, in name order after `cursor`: every instance that reported
 * `names` metrics, a restart (`eventName`) or a log record at `severity` or above, with its restarts and
 * error-level log records counted in the same read — the logs are sorted by time before service, so a day of
 * one service's logs is most of the table's day, read once rather than once for the names and again for the
 * counts. Read with one more than `limit`, so the page knows whether another follows.
 */
export async function instancePage(
  storage: Storage,
  input: ServiceRange & {
    names: readonly string[];
    eventName: string;
    severity: number;
    cursor?: string | undefined;
    limit: number;
  },
): Promise<{ rows: InstanceOfPage[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, [textPart])[0];
  const where = `${RANGE_SQL} ${clusterSql(input)} AND instance != ''
    ${after === undefined ? '' : 'AND instance > {after:String}'}`;
  const rows = await readRows(
    storage,
    instancePageQuery,
    `FROM (
       SELECT instance, toUInt64(0) AS r, toUInt64(0) AS l
       FROM ${storage.qualified(storage.tables.metrics)}
       WHERE name IN {names:Array(String)} AND ${metrics.name('service')} = {service:String} AND ${where}
       GROUP BY instance
       UNION ALL
       SELECT instance, count() AS r, toUInt64(0) AS l FROM ${storage.qualified(storage.tables.events)}
       WHERE ${events.name('service')} = {service:String} AND name = {eventName:String} AND ${where}
       GROUP BY instance
       UNION ALL
       SELECT instance, toUInt64(0) AS r, count() AS l FROM ${storage.qualified(storage.tables.logs)}
       WHERE ${logs.name('service')} = {service:String} AND severity_number >= {severity:UInt8} AND ${where}
       GROUP BY instance
     )
     GROUP BY instance ORDER BY instance LIMIT {limit:UInt32}`,
    { ...input, names: [...input.names], after, limit: input.limit + 1 },
  );
  const page = keysetPage(rows, input.limit, (r) => [r.instance]);
  return {
    rows: page.rows.map((r) => ({ instance: r.instance, restarts: r.restarts, errorLogs: r.error_logs })),
    nextCursor: page.nextCursor,
  };
}

const perInstanceQuery = defineQuery('instances.counts', {
  instance: computed(string, 'instance'),
  n: computed(uint64Number, 'count()'),
});

/** Instances listed at most in a per-instance count. */
const INSTANCES_LIMIT = 200;

/** Restarts (the agent's `process.restart` events) per instance of a service in the range. */
export async function restartsByInstance(
  storage: Storage,
  input: ServiceRange & { eventName: string },
): Promise<Map<string, number>> {
  const rows = await readRows(
    storage,
    perInstanceQuery,
    `FROM ${storage.qualified(storage.tables.events)}
     WHERE ${events.name('service')} = {service:String} AND name = {eventName:String} AND ${RANGE_SQL}
       ${clusterSql(input)}
     GROUP BY instance ORDER BY n DESC, instance LIMIT {limit:UInt32}`,
    { ...input, limit: INSTANCES_LIMIT },
  );
  return new Map(rows.map((r) => [r.instance, r.n]));
}

/** Error-level log records (severity ≥ `severity`) per instance of a service in the range, most first. */
export async function errorLogsByInstance(
  storage: Storage,
  input: ServiceRange & { severity: number },
): Promise<{ instance: string; count: number }[]> {
  const rows = await readRows(
    storage,
    perInstanceQuery,
    `FROM ${storage.qualified(storage.tables.logs)}
     WHERE ${logs.name('service')} = {service:String} AND severity_number >= {severity:UInt8} AND ${RANGE_SQL}
       ${clusterSql(input)}
     GROUP BY instance ORDER BY n DESC, instance LIMIT {limit:UInt32}`,
    { ...input, limit: INSTANCES_LIMIT },
  );
  return rows.map((r) => ({ instance: r.instance, count: r.n }));
}
