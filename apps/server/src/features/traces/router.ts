import { z } from 'zod';
import { protectedProcedure, router } from '../../trpc/init.ts';
import { checkRange, timeRangeInput } from '../time-range.ts';
import { searchSpans, traceById } from './trace-queries.ts';

const traceIdInput = z
  .string()
  .regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex characters')
  .transform((s) => s.toLowerCase());

export const tracesRouter = router({
  byId: protectedProcedure
    .input(z.object({ traceId: traceIdInput, cluster: z.string().min(1).max(64).optional() }))
    .query(({ ctx, input }) => traceById(ctx.storage, input.traceId, input.cluster, ctx.limits)),

  search: protectedProcedure
    .input(
      timeRangeInput.extend({
        service: z.string().min(1).optional(),
        operation: z.string().min(1).optional(),
        status: z.enum(['unset', 'ok', 'error']).optional(),
        minDurationMs: z.number().nonnegative().optional(),
        maxDurationMs: z.number().nonnegative().optional(),
        attributes: z
          .array(z.object({ key: z.string().min(1), value: z.string() }))
          .max(16)
          .optional(),
        limit: z.number().int().min(1).max(1000).default(50),
        cursor: z.string().min(1).optional(),
      }),
    )
    .query(({ ctx, input }) => {
      checkRange(input);
      return searchSpans(ctx.storage, input, ctx.limits);
    }),
});
