import { useQuery } from '@tanstack/react-query';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { GlobalSearch } from '../../app/global-search.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';

/** The whole system's map (or one cluster's), nodes with health and edges with rates. */
export function useServiceMap(view: GlobalSearch, cluster: string | undefined) {
  const client = useTRPCClient();
  const input = { compareWith: view.compare, ...(cluster === undefined ? {} : { cluster }) };
  return useQuery(
    rangeQueryOptions({
      procedure: 'topology.map',
      input,
      view,
      fetch: (i, signal) => client.topology.map.query(i, { signal }),
    }),
  );
}
