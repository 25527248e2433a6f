import { useQuery } from '@tanstack/react-query';
import { rangeQueryOptions } from '../../app/data/range-query.ts';
import type { GlobalSearch } from '../../app/global-search.ts';
import { useTRPCClient } from '../../trpc/trpc.ts';

const PERIOD_MS = { day: 86_400_000, week: 604_800_000 } as const;
export type Overlay = keyof typeof PERIOD_MS;

/**
 * A service's (or one endpoint's / instance's) RED series, the overlaid comparison period when one is chosen,
 * its endpoints and change events (restarts, versions, Kubernetes events) for the markers.
 */
export function useServiceRed(
  view: GlobalSearch,
  service: string,
  filter: { endpoint?: string | undefined; instance?: string | undefined; overlay?: Overlay | undefined },
) {
  const client = useTRPCClient();
  const input = {
    service,
    ...(filter.endpoint === undefined ? {} : { endpoint: filter.endpoint }),
    ...(filter.instance === undefined ? {} : { instance: filter.instance }),
  };
  const shiftMs = filter.overlay === undefined ? 0 : PERIOD_MS[filter.overlay];
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
      enabled: filter.overlay !== undefined,
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
        return page.items.map((e) => ({
          atMs: Number(e.timeUnixNano / 1_000_000n),
          name: e.name,
          reason: e.attributes.find(([key]) => key === 'k8s.event.reason')?.[1],
        }));
      },
    }),
  );
  return { red, comparison, endpoints, events, shiftMs };
}
