import { useQuery } from '@tanstack/react-query';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { GlobalSearch } from '../../app/global-search.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';

/** One service's (or endpoint's) upstream and downstream neighbours with per-edge RED and change. */
export function useNeighbours(view: GlobalSearch, service: string, endpoint: string | undefined) {
  const client = useTRPCClient();
  const input = {
    service,
    compareWith: view.compare,
    ...(endpoint === undefined ? {} : { endpoint }),
  };
  return useQuery(
    rangeQueryOptions({
      procedure: 'topology.neighbours',
      input,
      view,
      fetch: (i, signal) => client.topology.neighbours.query(i, { signal }),
    }),
  );
}
