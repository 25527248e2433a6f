import { useQuery } from '@tanstack/react-query';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { GlobalSearch } from '../../app/global-search.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';

const PERIOD_MS = { day: 86_400_000, week: 604_800_000 } as const;

/** A service's (or one endpoint's) RED series, its comparison period, endpoints and change events. */
export function useServiceRed(view: GlobalSearch, service: string, endpoint: string | undefined) {
  const client = useTRPCClient();
  const input = { service, ...(endpoint === undefined ? {} : { endpoint }) };
  const shiftMs = PERIOD_MS[view.compare];
  const red = useQuery(
    rangeQueryOptions({
      procedure: 'services.red',
      input,
      view,
      fetch: (i, signal) => client.services.red.query(i, { signal }),
    }),
  );
  const comparison = useQuery(
    rangeQueryOptions({
      procedure: 'services.red',
      input,
      view,
      shiftMs,
      fetch: (i, signal) => client.services.red.query(i, { signal }),
    }),
  );
  const endpoints = useQuery(
    rangeQueryOptions({
      procedure: 'services.redEndpoints',
      input: { service },
      view,
      fetch: (i, signal) => client.services.redEndpoints.query(i, { signal }),
    }),
  );
  const events = useQuery(
    rangeQueryOptions({
      procedure: 'events.search',
      input: { service, limit: 50 },
      view,
      fetch: async (i, signal) => {
        const page = await client.events.search.query(i, { signal });
        return page.items.map((e) => ({ atMs: Number(e.timeUnixNano / 1_000_000n), name: e.name }));
      },
    }),
  );
  return { red, comparison, endpoints, events, shiftMs };
}
