/**
 * The first view's data, asked for before the app's code has loaded. main.tsx runs this first and loads
 * the app as a separate chunk: this needs the tRPC client and the view's search parsing, not React DOM, the
 * router or the UI, so on a cold load the overview's request leaves before all of those are compiled, and
 * the server answers while the browser is still busy with them. The request goes into the query cache the
 * server scope adopts (app/data/early-route-data.ts), under the key the route's loader and page use.
 *
 * Browser only: in the desktop app the connection and its token come over IPC, after the bridge answers.
 * A path with no entry here loads as before, from its route's loader (app/router.tsx).
 */
import { defaultParseSearch } from '@tanstack/react-router';
import { resolveServerUrl } from '../bridge/web-bridge.ts';
import { earlyRouteData } from '../app/data/early-route-data.ts';
import { pathLinkToHashUrl } from '../app/path-links.ts';
import { prefetchServicesOverview } from '../features/overview/use-services-overview.ts';
import type { RouteData } from '../app/data/route-data.ts';

interface EarlyRoute {
  /** The route's loader (router.tsx): its first request. */
  prefetch: (data: RouteData, search: Record<string, unknown>) => void;
  /** The view's lazy chunk, the same import as the route's: fetched beside the app rather than after it. */
  view: () => Promise<unknown>;
}

const EARLY_ROUTES: Record<string, EarlyRoute> = {
  '/': {
    prefetch: prefetchServicesOverview,
    view: () => import('../features/overview/overview-page.tsx'),
  },
};

/** Starts the current path's first request, if it has one and the page runs in a browser. */
export function startEarlyData(): void {
  // The desktop app, or a printed path link (`/setup?token=…`) that start-app.tsx turns into another route.
  if (window.apoBridge !== undefined || pathLinkToHashUrl(window.location) !== null) return;
  // The route is in the hash (app/hash-history.ts); a page with none opens the overview.
  const hash = window.location.hash.slice(1) || '/';
  const at = hash.indexOf('?');
  const path = at === -1 ? hash : hash.slice(0, at);
  const route = EARLY_ROUTES[path];
  if (route === undefined) return;
  let server: string;
  try {
    server = resolveServerUrl(window.location).url;
  } catch {
    return; // a bad ?server= is the app's to report, with the rest of the console around the message
  }
  route.prefetch(earlyRouteData(server), defaultParseSearch(at === -1 ? '' : hash.slice(at)));
  // A chunk that fails here fails again in the router, which says so in the page.
  route.view().catch(() => undefined);
}
