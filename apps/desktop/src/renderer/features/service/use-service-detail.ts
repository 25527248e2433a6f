import { useQuery } from '@tanstack/react-query';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { GlobalSearch } from '../../app/global-search.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';

/**
 * The service detail panels' queries, one per panel so each loads, fails and retries on its own: delay
 * source per endpoint, database and external calls (against the comparison period), instances, grouped
 * errors, hosts with status lights.
 */
export function useServiceDetail(view: GlobalSearch, service: string) {
  const client = useTRPCClient();
  const input = { service };
  const delaySource = useQuery(
    rangeQueryOptions({
      procedure: 'services.delaySource',
      input,
      view,
      fetch: (i, signal) => client.services.delaySource.query(i, { signal }),
    }),
  );
  const calls = useQuery(
    rangeQueryOptions({
      procedure: 'services.calls',
      input: { service, compareWith: view.compare },
      view,
      fetch: (i, signal) => client.services.calls.query(i, { signal }),
    }),
  );
  const instances = useQuery(
    rangeQueryOptions({
      procedure: 'services.instances',
      input,
      view,
      fetch: (i, signal) => client.services.instances.query(i, { signal }),
    }),
  );
  const errors = useQuery(
    rangeQueryOptions({
      procedure: 'services.errors',
      input,
      view,
      fetch: (i, signal) => client.services.errors.query(i, { signal }),
    }),
  );
  const infrastructure = useQuery(
    rangeQueryOptions({
      procedure: 'services.infrastructure',
      input,
      view,
      fetch: (i, signal) => client.services.infrastructure.query(i, { signal }),
    }),
  );
  return { delaySource, calls, instances, errors, infrastructure };
}
