/**
 * Metric points, one row per data point of every OTLP metric type. The columns a type does not use
 * hold neutral values (0, empty arrays, NULL sums), so one table serves every query shape and a
 * histogram keeps its buckets as arrays rather than exploding into one row per bucket.
 */
import type {
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  NumberDataPoint,
  SummaryDataPoint,
} from '@apo/shared/model';
import { supportsProjectionRebuild, type StorageCapabilities } from '../capabilities.ts';
import { defineTable } from './table-def.ts';
import type { ProjectionSpec, TableSettings, WritableColumn } from './table-def.ts';
import { LC, MAP, telemetryColumns } from './telemetry-columns.ts';
import type { TelemetryRow } from './telemetry-columns.ts';

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

export type MetricPoint =
  NumberDataPoint | HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint;

/**
 * The encoder's cursor: everything but `point` is set once per metric. `point` is the data point of
 * the kind `metricType` names (the casts below rely on that).
 */
export interface MetricRow extends TelemetryRow {
  metric: Metric;
  metricType: MetricType;
  temporality: number;
  isMonotonic: boolean;
  point: MetricPoint;
}

const NO_NUMBERS: readonly number[] = [];
const NO_COUNTS: readonly bigint[] = [];
const NO_QUANTILES: readonly { quantile: number; value: number }[] = [];

const isNumber = (r: MetricRow): boolean => r.metricType === 'gauge' || r.metricType === 'sum';
const histogram = (r: MetricRow): HistogramDataPoint | undefined =>
  r.metricType === 'histogram' ? (r.point as HistogramDataPoint) : undefined;
const exponential = (r: MetricRow): ExponentialHistogramDataPoint | undefined =>
  r.metricType === 'exponential_histogram' ? (r.point as ExponentialHistogramDataPoint) : undefined;
const summary = (r: MetricRow): SummaryDataPoint | undefined =>
  r.metricType === 'summary' ? (r.point as SummaryDataPoint) : undefined;
const distribution = (r: MetricRow): HistogramDataPoint | ExponentialHistogramDataPoint | undefined =>
  histogram(r) ?? exponential(r);

const columns: WritableColumn<MetricRow>[] = [
  telemetryColumns.cluster,
  telemetryColumns.service,
  telemetryColumns.instance,
  {
    name: 'name',
    type: LC,
    write: (w, r) => {
      w.string(r.metric.name);
    },
  },
  {
    name: 'metric_type',
    type: LC,
    write: (w, r) => {
      w.string(r.metricType);
    },
  },
  {
    name: 'unit',
    type: LC,
    write: (w, r) => {
      w.string(r.metric.unit);
    },
  },
  {
    name: 'description',
    type: 'String',
    write: (w, r) => {
      w.string(r.metric.description);
    },
  },
  {
    name: 'temporality',
    type: 'UInt8',
    write: (w, r) => {
      w.uint8(r.temporality);
    },
  },
  {
    name: 'is_monotonic',
    type: 'Bool',
    write: (w, r) => {
      w.bool(r.isMonotonic);
    },
  },
  {
    name: 'ts',
    type: 'DateTime64(9)',
    codec: 'Delta, ZSTD(1)',
    write: (w, r) => {
      w.dateTime64Nanos(r.point.timeUnixNano);
    },
  },
  {
    name: 'start_ts',
    type: 'DateTime64(9)',
    codec: 'Delta, ZSTD(1)',
    write: (w, r) => {
      w.dateTime64Nanos(r.point.startTimeUnixNano);
    },
  },
  {
    name: 'labels',
    type: MAP,
    write: (w, r) => {
      w.attributes(r.point.attributes);
    },
  },
  telemetryColumns.resourceAttributes,
  telemetryColumns.scopeName,
  {
    name: 'value',
    type: 'Float64',
    codec: 'Gorilla, ZSTD(1)',
    // An integer point (bigint) becomes a double: exact up to 2^53, which covers counters in practice.
    write: (w, r) => {
      w.float64(isNumber(r) ? Number((r.point as NumberDataPoint).value) : 0);
    },
  },
  {
    name: 'count',
    type: 'UInt64',
    write: (w, r) => {
      const p = distribution(r) ?? summary(r);
      w.uint64(p === undefined ? 0n : p.count);
    },
  },
  {
    name: 'sum',
    type: 'Nullable(Float64)',
    write: (w, r) => {
      w.nullableFloat64((distribution(r) ?? summary(r))?.sum);
    },
  },
  {
    name: 'min',
    type: 'Nullable(Float64)',
    write: (w, r) => {
      w.nullableFloat64(distribution(r)?.min);
    },
  },
  {
    name: 'max',
    type: 'Nullable(Float64)',
    write: (w, r) => {
      w.nullableFloat64(distribution(r)?.max);
    },
  },
  {
    name: 'bucket_bounds',
    type: 'Array(Float64)',
    write: (w, r) => {
      w.float64Array(histogram(r)?.explicitBounds ?? NO_NUMBERS);
    },
  },
  {
    name: 'bucket_counts',
    type: 'Array(UInt64)',
    write: (w, r) => {
      w.uint64Array(histogram(r)?.bucketCounts ?? NO_COUNTS);
    },
  },
  {
    name: 'exp_scale',
    type: 'Int32',
    write: (w, r) => {
      w.int32(exponential(r)?.scale ?? 0);
    },
  },
  {
    name: 'exp_zero_count',
    type: 'UInt64',
    write: (w, r) => {
      w.uint64(exponential(r)?.zeroCount ?? 0n);
    },
  },
  {
    name: 'exp_zero_threshold',
    type: 'Float64',
    write: (w, r) => {
      w.float64(exponential(r)?.zeroThreshold ?? 0);
    },
  },
  {
    name: 'exp_positive_offset',
    type: 'Int32',
    write: (w, r) => {
      w.int32(exponential(r)?.positive.offset ?? 0);
    },
  },
  {
    name: 'exp_positive_counts',
    type: 'Array(UInt64)',
    write: (w, r) => {
      w.uint64Array(exponential(r)?.positive.bucketCounts ?? NO_COUNTS);
    },
  },
  {
    name: 'exp_negative_offset',
    type: 'Int32',
    write: (w, r) => {
      w.int32(exponential(r)?.negative.offset ?? 0);
    },
  },
  {
    name: 'exp_negative_counts',
    type: 'Array(UInt64)',
    write: (w, r) => {
      w.uint64Array(exponential(r)?.negative.bucketCounts ?? NO_COUNTS);
    },
  },
  {
    name: 'quantiles',
    type: 'Array(Float64)',
    write: (w, r) => {
      const q = summary(r)?.quantileValues ?? NO_QUANTILES;
      w.varUInt(q.length);
      for (const v of q) w.float64(v.quantile);
    },
  },
  {
    name: 'quantile_values',
    type: 'Array(Float64)',
    write: (w, r) => {
      const q = summary(r)?.quantileValues ?? NO_QUANTILES;
      w.varUInt(q.length);
      for (const v of q) w.float64(v.value);
    },
  },
  {
    name: 'flags',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.point.flags);
    },
  },
  telemetryColumns.flushId,
];

/**
 * Host-keyed reads (a service's hosts and their node_exporter figures: features/hosts/host-queries.ts). The
 * table is sorted by metric name and service, and a host's metrics all carry the agent's `unknown_service`,
 * so by itself a read of one host's series goes through every host's points of those names and looks
 * `host.name` up in each row's resource map. `host_name` is that lookup done once, on insert, and the
 * projection keeps the points a host read needs sorted by host: such a read takes one contiguous run per
 * metric name. The price is a second, narrower copy of every point (name, host, time, labels, value) in
 * each part; bench/README.md has the figures.
 */
const METRICS_BY_HOST_PROJECTION = 'metrics_by_host';

function metricsProjections(capabilities: StorageCapabilities): ProjectionSpec[] {
  // Deleting rows (an interrupted flush's) from a table with projections needs the rebuild mode.
  if (!supportsProjectionRebuild(capabilities)) return [];
  return [
    {
      name: METRICS_BY_HOST_PROJECTION,
      select: 'SELECT cluster, name, host_name, ts, labels, value ORDER BY cluster, name, host_name, ts',
    },
  ];
}

export const metricsTable = defineTable<MetricRow>({
  name: 'metrics',
  columns,
  computedColumns: [
    { name: 'host_name', type: 'LowCardinality(String)', expression: "resource_attributes['host.name']" },
  ],
  engine: 'MergeTree',
  partitionBy: 'toDate(ts)',
  orderBy: '(cluster, name, service, ts)',
  ttl: { expression: 'toDateTime(ts)', unit: 'DAY', retention: 'metrics' },
  projections: metricsProjections,
  settings: (capabilities): TableSettings => ({
    ttl_only_drop_parts: 1,
    ...(supportsProjectionRebuild(capabilities) ? { lightweight_mutation_projection_mode: "'rebuild'" } : {}),
  }),
  // One instance's series stay on one shard, so rates and per-instance aggregates run shard-locally.
  placement: { kind: 'sharded', shardingKey: 'cityHash64(cluster, name, service, instance)' },
});
