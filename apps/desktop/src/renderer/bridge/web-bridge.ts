import type { ApoBridge } from '../../preload/bridge.ts';

/** Where the console runs outside Electron: in a browser, in Vite's dev server, or under E2E tests. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:3300';

export interface ResolvedServerUrl {
  url: string;
  source: 'query' | 'same-origin' | 'default';
}

// Structural, not DOM's `Location`: unit tests run it under Node with plain objects.
interface LocationLike {
  search: string;
  origin: string;
  protocol: string;
}

/**
 * `?server=` wins (tests and bookmarks point one console at any server); otherwise the page's own origin,
 * because the server (or the Vite dev proxy) serves the console beside `/trpc`; a page with no usable origin
 * (file://) falls back to the local default.
 */
export function resolveServerUrl(location: LocationLike): ResolvedServerUrl {
  const requested = new URLSearchParams(location.search).get('server')?.trim();
  if (requested !== undefined && requested !== '') {
    const parsed = URL.parse(requested);
    if (parsed === null || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new Error(`?server= must be an http:// or https:// URL (got ${JSON.stringify(requested)})`);
    }
    return { url: `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, ''), source: 'query' };
  }
  if (location.protocol === 'http:' || location.protocol === 'https:')
    return { url: location.origin, source: 'same-origin' };
  return { url: DEFAULT_SERVER_URL, source: 'default' };
}

export function createWebBridge(location: LocationLike): ApoBridge {
  return {
    platform: 'web',
    getServerUrl: () => {
      try {
        return Promise.resolve(resolveServerUrl(location).url);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}
