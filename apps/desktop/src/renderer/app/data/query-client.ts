import { QueryClient } from '@tanstack/react-query';

/** An HTTP status the server answered with, when the error carries one (tRPC puts it in `data`). */
export function httpStatusOf(error: unknown): number | undefined {
  const data: unknown =
    typeof error === 'object' && error !== null && 'data' in error ? error.data : undefined;
  const status: unknown =
    typeof data === 'object' && data !== null && 'httpStatus' in data ? data.httpStatus : undefined;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Retry what may pass on a second try (the network, a 5xx, a 429), twice; never a 4xx the server meant
 * (bad input, not signed in, forbidden): asking again only delays the message the user needs.
 */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 400 && status < 500 && status !== 429) return false;
  return failureCount < 2;
}

/** Kept in memory a day after the last view used it; persisted results live longer (see persister.ts). */
const QUERY_GC_MS = 24 * 3_600_000;

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        staleTime: 15_000,
        gcTime: QUERY_GC_MS,
        retry: shouldRetry,
        retryDelay: (attempt) => Math.min(500 * 2 ** attempt, 4_000),
        // 'always': a server that is down must surface as an error (and the offline banner) rather than a
        // query paused forever because the browser believes it is online or offline.
        networkMode: 'always',
      },
      mutations: { retry: false, networkMode: 'always' },
    },
  });
}
