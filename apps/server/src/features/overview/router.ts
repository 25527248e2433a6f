import { z } from 'zod';
import { settingsScope } from '../../auth/roles.ts';
import { viewerProcedure, router } from '../../trpc/init.ts';
import { timeRangeInput } from '../time-range.ts';
import { endpointsOverview } from './endpoints-overview.ts';
import { healthThresholdsInput, storedHealthThresholds } from './health-thresholds.ts';
import { servicesOverview } from './services-overview.ts';

const common = {
  compareWith: z.enum(['day', 'week']).default('day'),
  search: z.string().min(1).max(256).optional(),
  /** Without them, the caller's stored `health.thresholds` (user, else global), else APO's defaults. */
  thresholds: healthThresholdsInput.optional(),
};

export const overviewRouter = router({
  /**
   * The services overview: every service with requests in the range (or, greyed, in the 7 days before
   * its end), RED vs a day and a week earlier from the 100 % rollups, log errors, last restart and
   * version change, and APO's health score; most degraded first. A service's endpoints: `overview.endpoints`.
   */
  services: viewerProcedure
    .input(timeRangeInput({ ...common, namespace: z.string().min(1).max(253).optional() }))
    .query(async ({ ctx, input }) =>
      servicesOverview(ctx.storage, {
        ...input,
        thresholds:
          input.thresholds ??
          (await storedHealthThresholds(ctx.settings, settingsScope(ctx.caller), ctx.log)),
      }),
    ),

  /**
   * One service's busiest endpoints (at most 10) over the range, with the figures, sparklines and health
   * of `overview.services`: what the console shows when a service's row is expanded.
   */
  endpoints: viewerProcedure
    .input(timeRangeInput({ ...common, service: z.string().min(1).max(256) }))
    .query(async ({ ctx, input }) =>
      endpointsOverview(ctx.storage, {
        ...input,
        thresholds:
          input.thresholds ??
          (await storedHealthThresholds(ctx.settings, settingsScope(ctx.caller), ctx.log)),
      }),
    ),
});
