import { createBrowserHistory, parseHref, type ParsedHistoryState } from '@tanstack/history';

/**
 * Routes live in the hash (`/?server=…#/services/cart?from=now-1h`): the app is served from a file:// page in
 * Electron and from any path prefix on the web (base './'), where path routes would break relative asset URLs
 * on reload. The real query string (`?server=`) belongs to the page, not to the router: TanStack's own hash
 * history appends it to the route's search, which turns `#/admin?tab=server` into `tab=server?server=…`.
 */
export function createConsoleHashHistory() {
  return createBrowserHistory({
    parseLocation: () => {
      const hash = window.location.hash;
      // The state this history wrote itself (pushState), or null on a first visit.
      const state = window.history.state as ParsedHistoryState | undefined;
      return parseHref(hash.length > 1 ? hash.slice(1) : '/', state);
    },
    createHref: (href) => `${window.location.pathname}${window.location.search}#${href}`,
  });
}
