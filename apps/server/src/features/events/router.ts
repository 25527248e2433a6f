import { z } from 'zod';
import { viewerProcedure, router } from '../../trpc/init.ts';
import { cursorInput } from '../cursor.ts';
import { timeRangeInput } from '../time-range.ts';
import { searchEvents } from './event-queries.ts';

const text = z.string().min(1).max(253);

export const eventsRouter = router({
  /** Events in the range, newest first; Kubernetes ones filterable by namespace and workload. */
  search: viewerProcedure
    .input(
      timeRangeInput({
        service: z.string().min(1).max(1024).optional(),
        name: text.optional(),
        namespace: text.optional(),
        workloadKind: z.string().min(1).max(63).optional(),
        workloadName: text.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
        cursor: cursorInput.optional(),
      }),
    )
    .query(({ ctx, input }) => searchEvents(ctx.storage, input)),
});
