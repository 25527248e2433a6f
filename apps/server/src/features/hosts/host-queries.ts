/**
 * The reads behind "the hosts a service runs on": which hosts its processes report from (the agent puts
 * `host.name` on every resource), and those hosts' node_exporter-named metrics (docs/agent-metrics.md) as
 * first / last / max per series, from which host-figures.ts derives rates and levels. Metrics are sorted by
 * name first, so every read names the metrics it wants.
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

const metrics = tableColumns(storageTables.metrics);
/**
 * The `host.name` resource attribute, computed on insert (tables/metrics.ts): reads filter and group on it
 * rather than look it up in each row's resource map, and host-keyed reads are answered from the
 * `metrics_by_host` projection.
 */
const HOST_NAME = metrics.name('host_name');
const label = (key: string) => `${metrics.name('labels')}['${key}']`;
const RANGE_SQL = `ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})`;

interface Range {
  from: number;
  to: number;
  cluster?: string | undefined;
}
const clusterSql = (r: Range) => (r.cluster === undefined ? '' : 'AND cluster = {cluster:String}');

/** Hosts listed at most for one service. */
const HOSTS_LIMIT = 50;

const serviceHostsQuery = defineQuery('hosts.ofService', {
  host_name: metrics.read('host_name', string),
  pods: computed(uint64Number, `countIf(${metrics.name('resource_attributes')}['k8s.pod.name'] != '')`),
});

/**
 * The hosts the service's processes reported `names` metrics from in the range, by name, and whether any
 * of them runs in a Kubernetes pod.
 */
export async function hostsOfService(
  storage: Storage,
  input: Range & { service: string; names: readonly string[] },
): Promise<{ hosts: string[]; inPods: boolean }> {
  const rows = await readRows(
    storage,
    serviceHostsQuery,
    `FROM ${storage.qualified(storage.tables.metrics)}
     WHERE name IN {names:Array(String)} AND service = {service:String} AND ${RANGE_SQL} ${clusterSql(input)}
       AND ${HOST_NAME} != ''
     GROUP BY host_name ORDER BY host_name LIMIT {limit:UInt32}`,
    { ...input, names: [...input.names], limit: HOSTS_LIMIT },
  );
  return { hosts: rows.map((r) => r.host_name), inPods: rows.some((r) => r.pods > 0) };
}

const hostSeriesQuery = defineQuery('hosts.series', {
  host_name: metrics.read('host_name', string),
  name: metrics.read('name', string),
  series: computed(string, `toString(${metrics.name('labels')})`),
  label_mode: computed(string, `any(${label('mode')})`),
  label_device: computed(string, `any(${label('device')})`),
  label_mount: computed(string, `any(${label('mountpoint')})`),
  first_value: computed(float64, 'argMin(value, ts)'),
  last_value: computed(float64, 'argMax(value, ts)'),
  first_ms: computed(int64Number, 'toInt64(toUnixTimestamp64Milli(min(ts)))'),
  last_ms: computed(int64Number, 'toInt64(toUnixTimestamp64Milli(max(ts)))'),
});

export type HostSeries = RowOf<(typeof hostSeriesQuery)['columns']>;

/** Series rows read at most: hosts × metrics × label sets (CPUs × modes dominate). */
const SERIES_LIMIT = 20_000;

/**
 * First / last point of every series of `names` on `hosts` in the range. It reads only the columns the
 * `metrics_by_host` projection holds, so the engine answers it from there: each host's points of a name
 * are one sorted run, however many other hosts report the same names.
 */
export async function hostSeries(
  storage: Storage,
  input: Range & { hosts: readonly string[]; names: readonly string[] },
): Promise<HostSeries[]> {
  if (input.hosts.length === 0) return [];
  return readRows(
    storage,
    hostSeriesQuery,
    `FROM ${storage.qualified(storage.tables.metrics)}
     WHERE name IN {names:Array(String)} AND ${HOST_NAME} IN {hosts:Array(String)} AND ${RANGE_SQL} ${clusterSql(input)}
     GROUP BY host_name, name, series
     LIMIT {limit:UInt32}`,
    { ...input, hosts: [...input.hosts], names: [...input.names], limit: SERIES_LIMIT },
  );
}
