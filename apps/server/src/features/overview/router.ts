import { z } from 'zod';
import { viewerProcedure, router } from '../../trpc/init.ts';
import { timeRangeInput } from '../time-range.ts';
import { servicesOverview } from './services-overview.ts';

const percent = z.number().min(0).max(1_000_000);
/** Three increasing limits: below the first 3 points, the second 2, the third 1. */
const limits = z
  .tuple([percent, percent, percent])
  .refine(([a, b, c]) => a <= b && b <= c, 'must be three increasing percentages');

export const overviewRouter = router({
  /**
   * The services overview: every service with requests in the range (or, greyed, in the 7 days before
   * its end), its busiest endpoints, RED vs a day and a week earlier from the 100 % rollups, log errors,
   * last restart and version change, and APO's health score; most degraded first.
   */
  services: viewerProcedure
    .input(
      timeRangeInput({
        compareWith: z.enum(['day', 'week']).default('day'),
        namespace: z.string().min(1).max(253).optional(),
        search: z.string().min(1).max(256).optional(),
        thresholds: z
          .object({ breachPercent: percent, latency: limits, errorRate: limits, logErrors: limits })
          .optional(),
      }),
    )
    .query(({ ctx, input }) => servicesOverview(ctx.storage, input)),
});
