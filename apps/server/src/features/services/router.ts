import { z } from 'zod';
import { viewerProcedure, router } from '../../trpc/init.ts';
import { keyCursorInput } from '../cursor.ts';
import { ERROR_GROUPS_PAGE } from '../errors/error-queries.ts';
import { timeRangeInput } from '../time-range.ts';
import { delaySource } from '../delay/delay-source.ts';
import { CALLS_PAGE, serviceCalls } from './service-calls.ts';
import { serviceErrors } from './service-errors.ts';
import { serviceInfrastructure } from './service-infrastructure.ts';
import { INSTANCES_PAGE, serviceInstances } from './service-instances.ts';
import { listServices, redCalls, redEndpoints, redSeries } from './service-queries.ts';

const name = z.string().min(1).max(1024);
/** A paged list's input: a previous page's `nextCursor`, and rows per page (`fallback` unless given). */
const page = (fallback: number, max: number) => ({
  cursor: keyCursorInput.optional(),
  limit: z.number().int().min(1).max(max).default(fallback),
});

export const servicesRouter = router({
  /**
   * Services that sent spans or logs in the range, or have RED rollups there, with span, error and log
   * counts and their RED over the range (requests, failed requests and p95 from 100 % of spans, where
   * `errorCount` counts only the stored, possibly sampled spans with status ERROR).
   */
  list: viewerProcedure.input(timeRangeInput({})).query(({ ctx, input }) => listServices(ctx.storage, input)),

  /**
   * RED of a service (or one endpoint / instance of it) per time step, from the rollups: count, errors,
   * and avg / p50 / p95 / p99 in milliseconds. `step` in seconds, by default the smallest of 1 min … 1 day
   * that gives at most 300 points; every step of [from, to) is returned, empty ones with count 0.
   */
  red: viewerProcedure
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
  redEndpoints: viewerProcedure
    .input(timeRangeInput({ service: name }))
    .query(({ ctx, input }) => redEndpoints(ctx.storage, input)),
  /** Client calls of a service (DB statement kind + table, HTTP/RPC peer, MQ destination), from the rollups. */
  redCalls: viewerProcedure
    .input(timeRangeInput({ service: name }))
    .query(({ ctx, input }) => redCalls(ctx.storage, input)),

  /**
   * Delay source per endpoint (at most 200, busiest first): the share of its latency spent in its own
   * downstream calls, from the stored traces' spans weighted by the 100 % rollups' latency buckets, and
   * "self" / "dependency"; plus the service-wide call-time ratio of the 100 % rollups (an upper bound).
   */
  delaySource: viewerProcedure
    .input(timeRangeInput({ service: name }))
    .query(({ ctx, input }) => delaySource(ctx.storage, input)),

  /**
   * Database and external calls per system, database, operation and table or peer, busiest first, with
   * rate, errors and latency from the 100 % rollups, and the same key a day or a week earlier. Paged:
   * `limit` keys (200 by default), then `nextCursor` continues after the last one.
   */
  calls: viewerProcedure
    .input(
      timeRangeInput({
        service: name,
        compareWith: z.enum(['day', 'week']).default('day'),
        ...page(CALLS_PAGE, 1000),
      }),
    )
    .query(({ ctx, input }) => serviceCalls(ctx.storage, input)),

  /**
   * Instances by name with pid / container / pod, host, version and start time, and their CPU, run-queue
   * wait, event-loop delay and GC where reported, RSS, open fds, restarts and error logs. Paged: `limit`
   * instances (100 by default), then `nextCursor` continues after the last one.
   */
  instances: viewerProcedure
    .input(timeRangeInput({ service: name, ...page(INSTANCES_PAGE, 500) }))
    .query(({ ctx, input }) => serviceInstances(ctx.storage, input)),

  /**
   * Error spans grouped by exception type and message, most errors first, and error-level logs per
   * instance (on the first page). Paged: `limit` groups (50 by default), then `nextCursor`.
   */
  errors: viewerProcedure
    .input(timeRangeInput({ service: name, ...page(ERROR_GROUPS_PAGE, 500) }))
    .query(({ ctx, input }) => serviceErrors(ctx.storage, input)),

  /** The hosts it runs on (at most 50) with CPU, memory, disk, network and TCP figures, and status lights. */
  infrastructure: viewerProcedure
    .input(timeRangeInput({ service: name }))
    .query(({ ctx, input }) => serviceInfrastructure(ctx.storage, input)),
});
