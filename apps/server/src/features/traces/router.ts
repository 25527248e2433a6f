import { z } from 'zod';
import { viewerProcedure, router } from '../../trpc/init.ts';
import { cursorInput } from '../cursor.ts';
import { timeRangeInput } from '../time-range.ts';
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
        attributes: z
          .array(z.object({ key: name, value: z.string().max(16 * 1024) }))
          .max(16)
          .optional(),
        limit: z.number().int().min(1).max(1000).default(50),
        cursor: cursorInput.optional(),
      }),
    )
    .query(({ ctx, input }) => searchSpans(ctx.storage, input, ctx.limits)),
});
