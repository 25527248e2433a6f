import { z } from 'zod';
import { settingsScope } from '../../auth/roles.ts';
import { adminProcedure, router, viewerProcedure } from '../../trpc/init.ts';
import { BadRequestError } from '../domain-errors.ts';
import { healthThresholdsInput, storedHealthThresholds } from '../overview/health-thresholds.ts';
import { timeRangeInput } from '../time-range.ts';
import { neighbours, serviceMap } from './topology-graph.ts';
import { computeWindow, recordWindow } from './topology-window.ts';

const MINUTE_MS = 60_000;
/** Windows one recompute call may cover: an hour, so one call cannot hold the engine for long. */
const MAX_RECOMPUTE_WINDOWS = 60;

const common = {
  compareWith: z.enum(['day', 'week']).default('day'),
  /** Without them, the caller's stored `health.thresholds` (user, else global), else APO's defaults. */
  thresholds: healthThresholdsInput.optional(),
};

export const topologyRouter = router({
  /**
   * One service's neighbours, depth 1: who calls it (upstream) and what it calls (downstream: services,
   * databases, external hosts, queues), each edge with calls/s, error rate and latency from the 100 %
   * client-call rollups and their change vs a day or a week earlier; busiest first, at most 200 a side.
   * With `endpoint`, only the edges that endpoint's stored spans showed (figures stay per service edge).
   */
  neighbours: viewerProcedure
    .input(
      timeRangeInput({
        ...common,
        service: z.string().min(1).max(256),
        endpoint: z.string().min(1).max(512).optional(),
      }),
    )
    .query(async ({ ctx, input }) =>
      neighbours(ctx.storage, {
        ...input,
        thresholds:
          input.thresholds ??
          (await storedHealthThresholds(ctx.settings, settingsScope(ctx.caller), ctx.log)),
      }),
    ),

  /**
   * The service map of a cluster or of all: every service (with the overview's health) and every
   * dependency, edges with their rates and change; at most 2,000 nodes and 10,000 edges (busiest kept).
   */
  map: viewerProcedure.input(timeRangeInput(common)).query(async ({ ctx, input }) =>
    serviceMap(ctx.storage, {
      ...input,
      thresholds:
        input.thresholds ?? (await storedHealthThresholds(ctx.settings, settingsScope(ctx.caller), ctx.log)),
    }),
  ),

  /**
   * Computes the topology windows of [from, to) again now (at most 60 minutes), e.g. after late data: their
   * edges and their delay-source sums (`services.delaySource`); the job does the same by itself once a
   * window is due. Idempotent. Returns the edge rows written.
   */
  recompute: adminProcedure.input(timeRangeInput({})).mutation(async ({ ctx, input }) => {
    const first = Math.floor(input.from / MINUTE_MS) * MINUTE_MS;
    const windows = Math.ceil((input.to - first) / MINUTE_MS);
    if (windows > MAX_RECOMPUTE_WINDOWS)
      throw new BadRequestError(`at most ${MAX_RECOMPUTE_WINDOWS} minutes per recompute, got ${windows}`);
    let edgeRows = 0;
    for (let w = first; w < input.to; w += MINUTE_MS) {
      const rows = await computeWindow(ctx.storage, w);
      await recordWindow(ctx.storage, w, Date.now(), rows);
      edgeRows += rows.edgeRows;
    }
    return { windows, edgeRows };
  }),
});
