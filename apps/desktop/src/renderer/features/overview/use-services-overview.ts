import { useQuery } from '@tanstack/react-query';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { GlobalSearch } from '../../app/global-search.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';
import type { OverviewSearch } from './overview-search.ts';

/** The filters both overview procedures take, besides the range. */
function overviewInput(view: GlobalSearch, filters: OverviewSearch) {
  return {
    compareWith: view.compare,
    cluster: filters.cluster,
    namespace: filters.namespace,
    search: filters.q,
  };
}

/** One row per service (`overview.services`); a row's endpoints come from useServiceEndpoints. */
export function useServicesOverview(view: GlobalSearch, filters: OverviewSearch) {
  const client = useTRPCClient();
  return useQuery(
    rangeQueryOptions({
      procedure: 'overview.services',
      input: overviewInput(view, filters),
      view,
      fetch: (i, signal) => client.overview.services.query(i, { signal }),
    }),
  );
}

/**
 * The busiest endpoints of one service (`overview.endpoints`), fetched when its row is expanded: the
 * overview itself carries none, which keeps it small for hundreds of services.
 */
export function useServiceEndpoints(view: GlobalSearch, filters: OverviewSearch, service: string) {
  const client = useTRPCClient();
  return useQuery(
    rangeQueryOptions({
      procedure: 'overview.endpoints',
      input: { ...overviewInput(view, filters), service },
      view,
      fetch: (i, signal) => client.overview.endpoints.query(i, { signal }),
    }),
  );
}
