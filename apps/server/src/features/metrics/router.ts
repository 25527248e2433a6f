import type { AttributeList } from '@apo/shared/model';
import { z } from 'zod';
import { protectedProcedure, router } from '../../trpc/init.ts';
import { attributeList, readRows } from '../read-rows.ts';
import { timeRangeInput } from '../time-range.ts';

interface PointRow {
  service: string;
  instance: string;
  cluster: string;
  name: string;
  metric_type: string;
  unit: string;
  description: string;
  temporality: number;
  is_monotonic: boolean;
  ts_ns: string;
  start_ns: string;
  label_list: AttributeList;
  resource_list: AttributeList;
  value: number;
  count: string;
  sum: number | null;
  min: number | null;
  max: number | null;
  bucket_bounds: number[];
  bucket_counts: string[];
  quantiles: number[];
  quantile_values: number[];
}

/**
 * Raw metric points of one metric. The PromQL engine and dashboards come later and read the same table;
 * this procedure is for inspection and for checking that what was sent is what is stored.
 */
export const metricsRouter = router({
  points: protectedProcedure
    .input(
      timeRangeInput({
        name: z.string().min(1).max(1024),
        service: z.string().min(1).max(1024).optional(),
        limit: z.number().int().min(1).max(10_000).default(1000),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await readRows<PointRow>(
        ctx.storage,
        `SELECT service, instance, cluster, name, metric_type, unit, description, temporality, is_monotonic,
                toString(toUnixTimestamp64Nano(ts)) AS ts_ns, toString(toUnixTimestamp64Nano(start_ts)) AS start_ns,
                ${attributeList('labels')} AS label_list, ${attributeList('resource_attributes')} AS resource_list, value, count, sum, min, max, bucket_bounds, bucket_counts,
                quantiles, quantile_values
         FROM ${ctx.storage.database}.metrics
         WHERE name = {name:String}
           AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
           ${input.service === undefined ? '' : 'AND service = {service:String}'}
           ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}
         ORDER BY ts, cityHash64(labels) LIMIT {limit:UInt32}`,
        input,
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
        timeUnixNano: BigInt(r.ts_ns),
        startTimeUnixNano: BigInt(r.start_ns),
        labels: r.label_list,
        resource: r.resource_list,
        value: r.value,
        count: BigInt(r.count),
        sum: r.sum === null ? null : r.sum,
        min: r.min === null ? null : r.min,
        max: r.max === null ? null : r.max,
        bucketBounds: r.bucket_bounds,
        bucketCounts: r.bucket_counts.map((c) => BigInt(c)),
        quantiles: r.quantiles.map((q, i) => ({ quantile: q, value: r.quantile_values[i] ?? NaN })),
      }));
    }),
});
