/**
 * The metrics feature's reads: raw points of one metric. The PromQL engine and dashboards come later and
 * read the same table; this is for inspection and for checking that what was sent is what is stored.
 */
import type { AttributeList } from '@apo/shared/model';
import type { Storage } from '../../storage/index.ts';
import {
  array,
  bool,
  computed,
  defineQuery,
  float64,
  int64,
  nullable,
  readRows,
  storageTables,
  string,
  tableColumns,
  uint64,
  uint8,
} from '../../storage/index.ts';

const metrics = tableColumns(storageTables.metrics);

const pointsQuery = defineQuery('metrics.points', {
  service: metrics.read('service', string),
  instance: metrics.read('instance', string),
  cluster: metrics.read('cluster', string),
  name: metrics.read('name', string),
  metric_type: metrics.read('metric_type', string),
  unit: metrics.read('unit', string),
  description: metrics.read('description', string),
  temporality: metrics.read('temporality', uint8),
  is_monotonic: metrics.read('is_monotonic', bool),
  ts_ns: computed(int64, `toUnixTimestamp64Nano(${metrics.name('ts')})`),
  start_ns: computed(int64, `toUnixTimestamp64Nano(${metrics.name('start_ts')})`),
  label_list: metrics.attributes('labels'),
  resource_list: metrics.attributes('resource_attributes'),
  value: metrics.read('value', float64),
  count: metrics.read('count', uint64),
  sum: metrics.read('sum', nullable(float64)),
  min: metrics.read('min', nullable(float64)),
  max: metrics.read('max', nullable(float64)),
  bucket_bounds: metrics.read('bucket_bounds', array(float64)),
  bucket_counts: metrics.read('bucket_counts', array(uint64)),
  quantiles: metrics.read('quantiles', array(float64)),
  quantile_values: metrics.read('quantile_values', array(float64)),
});

export interface MetricPointsInput {
  from: number;
  to: number;
  cluster?: string | undefined;
  name: string;
  service?: string | undefined;
  limit: number;
}

export interface MetricPoint {
  service: string;
  instance: string;
  cluster: string;
  name: string;
  type: string;
  unit: string;
  description: string;
  temporality: number;
  isMonotonic: boolean;
  timeUnixNano: bigint;
  startTimeUnixNano: bigint;
  labels: AttributeList;
  resource: AttributeList;
  value: number;
  count: bigint;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucketBounds: number[];
  bucketCounts: bigint[];
  quantiles: { quantile: number; value: number }[];
}

/** Points of one metric in [from, to), oldest first (then by label set), at most `limit`. */
export async function metricPoints(storage: Storage, input: MetricPointsInput): Promise<MetricPoint[]> {
  const rows = await readRows(
    storage,
    pointsQuery,
    `FROM ${storage.qualified(storage.tables.metrics)}
     WHERE name = {name:String}
       AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
       ${input.service === undefined ? '' : 'AND service = {service:String}'}
       ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
     ORDER BY ts, cityHash64(labels) LIMIT {limit:UInt32}`,
    { ...input },
  );
  return rows.map((r) => ({
    service: r.service,
    instance: r.instance,
    cluster: r.cluster,
    name: r.name,
    type: r.metric_type,
    unit: r.unit,
    description: r.description,
    temporality: r.temporality,
    isMonotonic: r.is_monotonic,
    timeUnixNano: r.ts_ns,
    startTimeUnixNano: r.start_ns,
    labels: r.label_list,
    resource: r.resource_list,
    value: r.value,
    count: r.count,
    sum: r.sum,
    min: r.min,
    max: r.max,
    bucketBounds: r.bucket_bounds,
    bucketCounts: r.bucket_counts,
    quantiles: r.quantiles.map((q, i) => ({ quantile: q, value: r.quantile_values[i] ?? NaN })),
  }));
}
