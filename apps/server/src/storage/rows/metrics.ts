/** Metric points → RowBinary rows of `metrics`, one row per data point of every metric type. */
import { RED_CLIENT_METRIC, RED_SERVER_METRIC } from '@apo/shared/red';
import type { Metric, MetricsData } from '@apo/shared/model';
import type { RowBinaryWriter } from '../row-binary-writer.ts';
import { metricsTable } from '../tables/metrics.ts';
import type { MetricPoint, MetricRow, MetricType } from '../tables/metrics.ts';
import { writeRow } from '../tables/table-def.ts';
import type { RowContext } from './row-context.ts';
import { resourceColumns } from './semantic-columns.ts';

interface MetricShape {
  metricType: MetricType;
  temporality: number;
  isMonotonic: boolean;
  points: readonly MetricPoint[];
}

/** The stored type name, temporality and points of a metric; undefined for an empty metric. */
function shapeOf(metric: Metric): MetricShape | undefined {
  const d = metric.data;
  switch (d.type) {
    case 'gauge':
      return { metricType: 'gauge', temporality: 0, isMonotonic: false, points: d.points };
    case 'sum':
      return {
        metricType: 'sum',
        temporality: d.aggregationTemporality,
        isMonotonic: d.isMonotonic,
        points: d.points,
      };
    case 'histogram':
      return {
        metricType: 'histogram',
        temporality: d.aggregationTemporality,
        isMonotonic: false,
        points: d.points,
      };
    case 'exponentialHistogram':
      return {
        metricType: 'exponential_histogram',
        temporality: d.aggregationTemporality,
        isMonotonic: false,
        points: d.points,
      };
    case 'summary':
      return { metricType: 'summary', temporality: 0, isMonotonic: false, points: d.points };
    case 'empty':
      return undefined;
  }
}

/** RED metrics are stored in the rollup tables only (see tables/red-rollups.ts for why). */
export function isRedMetric(metric: Metric): boolean {
  return metric.name === RED_SERVER_METRIC || metric.name === RED_CLIENT_METRIC;
}

/** Appends one row per data point of every metric but RED's; returns the number of rows written. */
export function appendMetricRows(w: RowBinaryWriter, data: MetricsData, ctx: RowContext): number {
  const columns = metricsTable.columns;
  let rows = 0;
  for (const rm of data.resourceMetrics) {
    let resource: MetricRow['resource'] | undefined;
    for (const sm of rm.scopeMetrics) {
      for (const metric of sm.metrics) {
        if (isRedMetric(metric)) continue;
        const shape = shapeOf(metric);
        const first = shape?.points[0];
        if (shape === undefined || first === undefined) continue;
        resource ??= resourceColumns(rm.resource);
        const row: MetricRow = {
          cluster: ctx.cluster,
          flushId: ctx.flushId,
          resource,
          scope: sm.scope,
          metric,
          metricType: shape.metricType,
          temporality: shape.temporality,
          isMonotonic: shape.isMonotonic,
          point: first,
        };
        for (const point of shape.points) {
          row.point = point;
          writeRow(w, columns, row);
        }
        rows += shape.points.length;
      }
    }
  }
  return rows;
}
