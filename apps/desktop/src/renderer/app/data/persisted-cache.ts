import type { PersistedClient } from '@tanstack/react-query-persist-client';

/**
 * The offline cache's rules, apart from IndexedDB so they can be tested: one entry per server (two servers'
 * data never mix), at most a week old, at most CACHE_MAX_BYTES. Queries marked `meta.pin` (a saved
 * investigation's evidence, later) are kept first and never evicted for size; the rest go oldest first.
 */
export const CACHE_MAX_AGE_MS = 7 * 86_400_000;
export const CACHE_MAX_BYTES = 8 * 1024 * 1024;
const CACHE_VERSION = 'v1';

export function cacheKeyFor(serverUrl: string): string {
  return `queries:${CACHE_VERSION}:${serverUrl}`;
}

interface QueryMeta extends Record<string, unknown> {
  /** false: never persisted (health checks, session state). */
  persist?: boolean;
  /** Kept regardless of size, e.g. the queries behind a saved investigation. */
  pin?: boolean;
}

type PersistedQuery = PersistedClient['clientState']['queries'][number];

function isPinned(query: PersistedQuery): boolean {
  return query.meta?.pin === true;
}

/** Drops the oldest unpinned queries until the serialized client fits in `maxBytes`. */
export function boundPersistedClient(
  client: PersistedClient,
  maxBytes: number,
  serialize: (client: PersistedClient) => string,
): string {
  const text = serialize(client);
  if (text.length <= maxBytes) return text;
  const only = (queries: PersistedQuery[]) =>
    serialize({ ...client, clientState: { ...client.clientState, queries, mutations: [] } });
  // Each query's share, measured once (together about one more serialization), then the newest that fit.
  const base = only([]).length;
  const queries = [...client.clientState.queries].sort(
    (a, b) => Number(isPinned(b)) - Number(isPinned(a)) || b.state.dataUpdatedAt - a.state.dataUpdatedAt,
  );
  let budget = maxBytes - base;
  const kept = queries.filter((q) => {
    const size = only([q]).length - base + 1;
    if (!isPinned(q) && size > budget) return false;
    budget -= size;
    return true;
  });
  return only(kept);
}

// Every query's `meta` is typed by the keys above.
declare module '@tanstack/react-query' {
  interface Register {
    queryMeta: QueryMeta;
  }
}
