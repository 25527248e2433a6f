import { viewerProcedure, router } from '../../trpc/init.ts';
import { timeRangeInput } from '../time-range.ts';
import { listClusters } from './cluster-queries.ts';

export const clustersRouter = router({
  /**
   * Every cluster seen in [from, to) — by its data, or by the Kubernetes pod snapshot its proxy published —
   * with what an operator checks first: when it was last heard from, how many services, instances and
   * hosts it has, and whether (and when) its proxy published Kubernetes metadata.
   */
  list: viewerProcedure
    .input(timeRangeInput({}))
    .query(({ ctx, input }) => listClusters(ctx.storage, ctx.pods.clusters(), input)),
});
