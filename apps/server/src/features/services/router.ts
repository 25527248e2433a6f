import { summarizeRed } from '@apo/shared/red';
import { z } from 'zod';
import { protectedProcedure, router } from '../../trpc/init.ts';
import { readRows } from '../read-rows.ts';
import { timeRangeInput } from '../time-range.ts';
import { figuresOf, minuteRange, redCalls, redEndpoints, redSeries } from './red-queries.ts';
import type { FigureColumns } from './red-queries.ts';

interface ServiceRow extends FigureColumns {
  service: string;
  spans: string;
  errors: string;
  logs: string;
  last_seen_ms: string;
}

const name = z.string().min(1).max(1024);

export const servicesRouter = router({
  /**
   * Services that sent spans or logs in the range, or have RED rollups there, with span, error and log
   * counts and their RED over the range (requests, failed requests and p95 from 100 % of spans, where
   * `errorCount` counts only the stored, possibly sampled spans with status ERROR).
   */
  list: protectedProcedure.input(timeRangeInput({})).query(async ({ ctx, input }) => {
    const db = ctx.storage.database;
    const cluster = input.cluster === undefined ? '' : 'AND cluster = {cluster:String}';
    const filter = `ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64}) ${cluster}`;
    const none = 'toUInt64(0), toUInt64(0), toFloat64(0), emptyArrayUInt64()';
    const rows = await readRows<ServiceRow>(
      ctx.storage,
      `SELECT service, sum(spans) AS spans, sum(errors) AS errors, sum(logs) AS logs,
              toString(max(last_ms)) AS last_seen_ms, sum(red_count) AS requests, sum(red_errors) AS failed,
              sum(red_sum) AS sum_ms, sumForEach(red_buckets) AS buckets
       FROM (
         SELECT service, count() AS spans, countIf(status_code = 2) AS errors, toUInt64(0) AS logs,
                max(toUnixTimestamp64Milli(ts)) AS last_ms,
                toUInt64(0) AS red_count, toUInt64(0) AS red_errors, toFloat64(0) AS red_sum,
                emptyArrayUInt64() AS red_buckets
         FROM ${db}.spans WHERE ${filter} GROUP BY service
         UNION ALL
         SELECT service, toUInt64(0), toUInt64(0), count(), max(toUnixTimestamp64Milli(ts)), ${none}
         FROM ${db}.logs WHERE ${filter} GROUP BY service
         UNION ALL
         SELECT service, toUInt64(0), toUInt64(0), toUInt64(0), toInt64(toUnixTimestamp(max(minute))) * 1000,
                sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts)
         FROM ${ctx.storage.qualified(ctx.storage.tables.red_server_1m)}
         WHERE minute >= toDateTime({fromS:UInt32}, 'UTC') AND minute < toDateTime({toS:UInt32}, 'UTC') ${cluster}
         GROUP BY service
       )
       GROUP BY service ORDER BY service`,
      { ...input, ...minuteRange(input.from, input.to) },
    );
    return rows.map((r) => {
      const red = summarizeRed([figuresOf(r)]);
      return {
        name: r.service,
        spanCount: Number(r.spans),
        errorCount: Number(r.errors),
        logCount: Number(r.logs),
        lastSeen: Number(r.last_seen_ms),
        /** Requests (entry spans) from the RED rollups, 100 % of spans. */
        requestCount: red.count,
        requestErrorCount: red.errors,
        /** Milliseconds; null without requests. */
        p95: red.p95,
      };
    });
  }),

  /**
   * RED of a service (or one endpoint / instance of it) per time step, from the rollups: count, errors,
   * and avg / p50 / p95 / p99 in milliseconds. `step` in seconds, by default the smallest of 1 min … 1 day
   * that gives at most 300 points; every step of [from, to) is returned, empty ones with count 0.
   */
  red: protectedProcedure
    .input(
      timeRangeInput({
        service: name,
        endpoint: name.optional(),
        instance: name.optional(),
        step: z
          .number()
          .positive()
          .max(100 * 366 * 86_400)
          .optional(),
      }),
    )
    .query(({ ctx, input }) => redSeries(ctx.storage, input)),

  /** A service's endpoints over the range, busiest first (at most 200), with count, errors, avg and p95. */
  redEndpoints: protectedProcedure
    .input(timeRangeInput({ service: name }))
    .query(({ ctx, input }) => redEndpoints(ctx.storage, input)),
  /** Client calls of a service (DB statement kind + table, HTTP/RPC peer, MQ destination), from the rollups. */
  redCalls: protectedProcedure
    .input(timeRangeInput({ service: name }))
    .query(({ ctx, input }) => redCalls(ctx.storage, input)),
});
