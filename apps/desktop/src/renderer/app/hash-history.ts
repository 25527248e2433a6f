import { createBrowserHistory, parseHref, type ParsedHistoryState } from '@tanstack/history';

/**
 * Routes live in the hash (`/?server=…#/services/cart?from=now-1h`): the app is served from a file:// page in
 * Electron and from any path prefix on the web (base './'), where path routes would break relative asset URLs
 * on reload. The real query string (`?server=`) belongs to the page, not to the router: TanStack's own hash
 * history appends it to the route's search, which turns `#/admin?tab=server` into `tab=server?server=…`.
 */
function isHistoryState(value: unknown): value is ParsedHistoryState {
  return typeof value === 'object' && value !== null && '__TSR_index' in value && 'key' in value;
}

export function createConsoleHashHistory() {
  return createBrowserHistory({
    parseLocation: () => {
      const hash = window.location.hash;
      // The state this history wrote itself (pushState), or none on a first visit.
      const state: unknown = window.history.state;
      return parseHref(hash.length > 1 ? hash.slice(1) : '/', isHistoryState(state) ? state : undefined);
    },
    createHref: (href) => `${window.location.pathname}${window.location.search}#${href}`,
  });
}
