import { z } from 'zod';
import { viewerProcedure, router } from '../../trpc/init.ts';
import { timeRangeInput } from '../time-range.ts';
import { metricPoints } from './metric-queries.ts';

/**
 * Raw metric points of one metric. The PromQL engine and dashboards come later and read the same table;
 * this procedure is for inspection and for checking that what was sent is what is stored.
 */
export const metricsRouter = router({
  points: viewerProcedure
    .input(
      timeRangeInput({
        name: z.string().min(1).max(1024),
        service: z.string().min(1).max(1024).optional(),
        limit: z.number().int().min(1).max(10_000).default(1000),
      }),
    )
    .query(({ ctx, input }) => metricPoints(ctx.storage, input)),
});
