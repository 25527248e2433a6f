import type { PersistedClient, Persister } from '@tanstack/react-query-persist-client';
import { createStore, del, get, set } from 'idb-keyval';
import superjson from 'superjson';
import { boundPersistedClient, CACHE_MAX_BYTES, cacheKeyFor } from './persisted-cache.ts';

// One database for the console's offline data; saved investigations get their own object store beside it.
const store = createStore('apo-console', 'query-cache');
// The cache writes on every query change; once a second is plenty and keeps IndexedDB off the hot path.
const WRITE_EVERY_MS = 1_000;

/**
 * Query results in IndexedDB under the server's URL, serialized with superjson (the tRPC transformer: dates
 * and maps survive), bounded in size. A failed write only costs offline coverage, never the page.
 */
export function createIdbPersister(serverUrl: string): Persister {
  const key = cacheKeyFor(serverUrl);
  let pending: PersistedClient | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = async () => {
    timer = null;
    const client = pending;
    pending = null;
    if (client === null) return;
    try {
      await set(
        key,
        boundPersistedClient(client, CACHE_MAX_BYTES, (c) => superjson.stringify(c)),
        store,
      );
    } catch (err) {
      console.warn('APO console: could not save the offline cache', err);
    }
  };
  return {
    persistClient: (client) => {
      pending = client;
      timer ??= setTimeout(() => void flush(), WRITE_EVERY_MS);
    },
    restoreClient: async () => {
      try {
        const text = await get<string>(key, store);
        return text === undefined ? undefined : superjson.parse<PersistedClient>(text);
      } catch (err) {
        console.warn('APO console: the offline cache could not be read; starting without it', err);
        return undefined;
      }
    },
    removeClient: () => del(key, store),
  };
}
