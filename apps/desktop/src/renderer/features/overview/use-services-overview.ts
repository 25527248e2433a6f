import { useQuery } from '@tanstack/react-query';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { RouteData } from '../../app/data/route-data.ts';
import { parseGlobalSearch, type GlobalSearch } from '../../app/global-search.ts';
import { useTRPCClient, type ApoTrpcClient } from '../../trpc/trpc.ts';
import { parseOverviewSearch, type OverviewSearch } from './overview-search.ts';

/** The filters both overview procedures take, besides the range. */
function overviewInput(view: GlobalSearch, filters: OverviewSearch) {
  return {
    compareWith: view.compare,
    cluster: filters.cluster,
    namespace: filters.namespace,
    search: filters.q,
  };
}

function servicesOverviewOptions(client: ApoTrpcClient, view: GlobalSearch, filters: OverviewSearch) {
  return rangeQueryOptions({
    procedure: 'overview.services',
    input: overviewInput(view, filters),
    view,
    fetch: (i, signal) => client.overview.services.query(i, { signal }),
  });
}

/** One row per service (`overview.services`); a row's endpoints come from useServiceEndpoints. */
export function useServicesOverview(view: GlobalSearch, filters: OverviewSearch) {
  return useQuery(servicesOverviewOptions(useTRPCClient(), view, filters));
}

/**
 * The overview route's loader: asks for the services while the page's chunk loads (the same query the page
 * then reads). Not awaited: the page shows its skeleton meanwhile rather than the router holding it back.
 */
export function prefetchServicesOverview(data: RouteData | undefined, search: Record<string, unknown>): void {
  if (data === undefined) return;
  const options = servicesOverviewOptions(data.api, parseGlobalSearch(search), parseOverviewSearch(search));
  // A failure is the page's to show: its own query reports it (and retries) when it mounts.
  data.queryClient.query(options).catch(() => undefined);
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
