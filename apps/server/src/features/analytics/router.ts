import { viewerProcedure, router } from '../../trpc/init.ts';
import { attributeComparison, errorOrigins, latencyBreakdown } from './analytics-queries.ts';
import { analyticsInput } from './trace-set.ts';

/**
 * Analytics over the traces of a search, or of a selection drawn on its scatter. Each reads at most
 * ANALYTICS_MAX_TRACES traces (the newest) and says so (`capped`) when there were more.
 */
export const traceAnalyticsRouter = router({
  /** The deepest failed spans (no failed child) grouped by service, operation and exception type. */
  errorOrigins: viewerProcedure
    .input(analyticsInput)
    .query(({ ctx, input }) => errorOrigins(ctx.storage, input)),

  /** Self time per service and operation, and its share of all self time in the traces. */
  latencyBreakdown: viewerProcedure
    .input(analyticsInput)
    .query(({ ctx, input }) => latencyBreakdown(ctx.storage, input)),

  /**
   * Attribute values over-represented in the selection (without one: in the failed traces) against the rest
   * of the search, ranked by the difference in share of traces.
   */
  attributeComparison: viewerProcedure
    .input(analyticsInput)
    .query(({ ctx, input }) => attributeComparison(ctx.storage, input)),
});
