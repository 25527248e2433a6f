import { z } from 'zod';
import { viewerProcedure, router } from '../../trpc/init.ts';
import { cursorInput } from '../cursor.ts';
import { timeRangeInput } from '../time-range.ts';
import { searchLogs, severityFloor } from './log-queries.ts';

export const logsRouter = router({
  search: viewerProcedure
    .input(
      timeRangeInput({
        service: z.string().min(1).max(1024).optional(),
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
        cursor: cursorInput.optional(),
      }),
    )
    .query(({ ctx, input }) => searchLogs(ctx.storage, input)),
});
