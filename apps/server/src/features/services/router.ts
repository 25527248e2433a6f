import { protectedProcedure, router } from '../../trpc/init.ts';
import { readRows } from '../read-rows.ts';
import { checkRange, timeRangeInput } from '../time-range.ts';

interface ServiceRow {
  service: string;
  spans: string;
  errors: string;
  logs: string;
  last_seen_ms: string;
}

export const servicesRouter = router({
  /** Services that sent spans or logs in the range, with span, error and log counts. */
  list: protectedProcedure.input(timeRangeInput).query(async ({ ctx, input }) => {
    checkRange(input);
    const db = ctx.storage.database;
    const filter = `ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
      ${input.cluster === undefined ? '' : 'AND cluster = {cluster:String}'}`;
    const rows = await readRows<ServiceRow>(
      ctx.storage,
      `SELECT service, sum(spans) AS spans, sum(errors) AS errors, sum(logs) AS logs,
              toString(max(last_ms)) AS last_seen_ms
       FROM (
         SELECT service, count() AS spans, countIf(status_code = 2) AS errors, toUInt64(0) AS logs,
                max(toUnixTimestamp64Milli(ts)) AS last_ms
         FROM ${db}.spans WHERE ${filter} GROUP BY service
         UNION ALL
         SELECT service, toUInt64(0), toUInt64(0), count(), max(toUnixTimestamp64Milli(ts))
         FROM ${db}.logs WHERE ${filter} GROUP BY service
       )
       GROUP BY service ORDER BY service`,
      input,
    );
    return rows.map((r) => ({
      name: r.service,
      spanCount: Number(r.spans),
      errorCount: Number(r.errors),
      logCount: Number(r.logs),
      lastSeen: Number(r.last_seen_ms),
    }));
  }),
});
