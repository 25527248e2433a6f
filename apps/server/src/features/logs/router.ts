import { z } from 'zod';
import { protectedProcedure, router } from '../../trpc/init.ts';
import { checkRange, timeRangeInput } from '../time-range.ts';
import { searchLogs, severityFloor } from './log-queries.ts';

export const logsRouter = router({
  search: protectedProcedure
    .input(
      timeRangeInput.extend({
        service: z.string().min(1).optional(),
        /** Minimum severity. */
        severity: z.enum(Object.keys(severityFloor) as [keyof typeof severityFloor]).optional(),
        /** Every token must appear in the body (case-insensitive, whole tokens). */
        text: z.string().max(1000).optional(),
        traceId: z
          .string()
          .regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex characters')
          .transform((s) => s.toLowerCase())
          .optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        cursor: z.string().min(1).optional(),
      }),
    )
    .query(({ ctx, input }) => {
      checkRange(input);
      return searchLogs(ctx.storage, input);
    }),
});
