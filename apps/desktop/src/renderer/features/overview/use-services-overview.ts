import type { ServicesOverview } from '@apo/shared/console';
import { useQuery } from '@tanstack/react-query';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { GlobalSearch } from '../../app/global-search.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';
import type { OverviewSearch } from './overview-search.ts';

interface OverviewInput {
  compareWith: 'day' | 'week';
  cluster?: string | undefined;
  namespace?: string | undefined;
  search?: string | undefined;
}

// `overview.services` is being added to the server in parallel (its contract is @apo/shared's
// ServicesOverview); until it is on this branch the call is typed by the contract instead of the router.
interface PendingOverviewClient {
  overview: {
    services: {
      query: (
        input: OverviewInput & { from: number; to: number },
        opts: { signal: AbortSignal },
      ) => Promise<ServicesOverview>;
    };
  };
}

export function useServicesOverview(view: GlobalSearch, filters: OverviewSearch) {
  const client = useTRPCClient() as unknown as PendingOverviewClient;
  const input: OverviewInput = {
    compareWith: view.compare,
    cluster: filters.cluster,
    namespace: filters.namespace,
    search: filters.q,
  };
  return useQuery(
    rangeQueryOptions({
      procedure: 'overview.services',
      input,
      view,
      fetch: (i, signal) => client.overview.services.query(i, { signal }),
    }),
  );
}
