import { z } from 'zod';
import { viewerProcedure, router } from '../../trpc/init.ts';
import { cursorInput } from '../cursor.ts';
import { timeRangeInput } from '../time-range.ts';
import { searchTraces, traceScatter } from '../analytics/analytics-queries.ts';
import { traceAnalyticsRouter } from '../analytics/router.ts';
import { scatterInput, traceSearchInput } from '../analytics/trace-set.ts';
import { attributeFiltersInput } from './span-filters.ts';
import { searchSpans, traceById, traceSpan } from './trace-queries.ts';

const traceIdInput = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex characters')
  .transform((s) => s.toLowerCase());

const name = z.string().min(1).max(1024);

/** Durations in ms (fractions allowed): at most 10^12 ms (about 31 years), so the nanoseconds fit a UInt64. */
const durationMs = z.number().nonnegative().max(1e12, 'must be at most 1000000000000 (ms, about 31 years)');

export const tracesRouter = router({
  byId: viewerProcedure
    .input(z.object({ traceId: traceIdInput, cluster: z.string().min(1).max(64).optional() }))
    .query(({ ctx, input }) => traceById(ctx.storage, input.traceId, input.cluster, ctx.limits)),

  /** One span in full, for the console's details panel (the waterfall itself reads the columns route). */
  span: viewerProcedure
    .input(
      z.object({
        traceId: traceIdInput,
        spanId: z
          .string()
          .regex(/^[0-9a-fA-F]{16}$/, 'a span id is 16 hex characters')
          .transform((s) => s.toLowerCase()),
        cluster: z.string().min(1).max(64).optional(),
      }),
    )
    .query(({ ctx, input }) =>
      traceSpan(ctx.storage, input.traceId, input.spanId, input.cluster, ctx.limits),
    ),

  search: viewerProcedure
    .input(
      timeRangeInput({
        service: name.optional(),
        operation: name.optional(),
        status: z.enum(['unset', 'ok', 'error']).optional(),
        minDurationMs: durationMs.optional(),
        maxDurationMs: durationMs.optional(),
        attributes: attributeFiltersInput.optional(),
        limit: z.number().int().min(1).max(1000).default(50),
        cursor: cursorInput.optional(),
      }),
    )
    .query(({ ctx, input }) => searchSpans(ctx.storage, input, ctx.limits)),

  /**
   * Traces, one row each (root, spans, services, errors, duration, start), newest first: a trace matches when
   * one span meets every span filter; the duration range is the whole trace's.
   */
  searchTraces: viewerProcedure
    .input(traceSearchInput)
    .query(({ ctx, input }) => searchTraces(ctx.storage, input)),

  /** The search's traces as points (start, duration, errors) for a duration-over-time scatter: the newest 2,000. */
  scatter: viewerProcedure.input(scatterInput).query(({ ctx, input }) => traceScatter(ctx.storage, input)),

  analytics: traceAnalyticsRouter,
});
