import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  retainSearchParams,
} from '@tanstack/react-router';
import { prefetchServicesOverview } from '../features/overview/use-services-overview.ts';
import type { ConsoleRouterContext } from './data/route-data.ts';
import { GLOBAL_SEARCH_KEYS } from './global-search.ts';
import { createConsoleHashHistory } from './hash-history.ts';
import { Shell } from './layout/shell.tsx';
import { NotFound } from './layout/not-found.tsx';
import {
  validateAdminSearch,
  validateGlobalSearch,
  validateOverviewSearch,
  validateServiceSearch,
  validateSetupSearch,
  validateSignInSearch,
} from './route-search.ts';
import { validateTraceCompareSearch } from '../features/traces/trace-compare-search.ts';
import { validateTraceViewSearch } from '../features/traces/trace-route-search.ts';
import { validateTracesSearch } from '../features/traces/trace-search-state.ts';
import { validateServiceMapSearch } from '../features/service-map/service-map-search.ts';
import { validateInvestigateSearch } from '../features/investigate/investigate-search.ts';

// Every view is its own chunk: the first view loads only the shell and the overview. A view's `loader` may
// start its first request meanwhile: `loader: ({ context, deps }) => prefetchX(context.data, deps)` with
// `loaderDeps: ({ search }) => search` (context: data/route-data.ts; example: the overview below). Listed
// in boot/early-data.ts as well, the same prefetch runs on a cold load before the app's code has loaded.
const rootRoute = createRootRouteWithContext<ConsoleRouterContext>()({
  validateSearch: validateGlobalSearch,
  search: { middlewares: [retainSearchParams([...GLOBAL_SEARCH_KEYS])] },
  component: Outlet,
  notFoundComponent: NotFound,
});

// The shell (navigation, top bar) wraps the views; sign-in and setup stand alone.
const shellRoute = createRoute({ getParentRoute: () => rootRoute, id: 'shell', component: Shell });

const overviewRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/',
  validateSearch: validateOverviewSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) => prefetchServicesOverview(context.data, deps),
  component: lazyRouteComponent(() => import('../features/overview/overview-page.tsx'), 'OverviewPage'),
});

const serviceRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/services/$name',
  validateSearch: validateServiceSearch,
  component: lazyRouteComponent(() => import('../features/service/service-page.tsx'), 'ServicePage'),
});

const serviceMapRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/service-map',
  validateSearch: validateServiceMapSearch,
  component: lazyRouteComponent(
    () => import('../features/service-map/service-map-page.tsx'),
    'ServiceMapPage',
  ),
});

const tracesRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/traces',
  validateSearch: validateTracesSearch,
  component: lazyRouteComponent(() => import('../features/traces/traces-page.tsx'), 'TracesPage'),
});

const traceFileRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/traces/file',
  validateSearch: validateTraceViewSearch,
  component: lazyRouteComponent(() => import('../features/traces/trace-file-page.tsx'), 'TraceFilePage'),
});

const traceCompareRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/traces/compare',
  validateSearch: validateTraceCompareSearch,
  component: lazyRouteComponent(
    () => import('../features/traces/trace-compare-page.tsx'),
    'TraceComparePage',
  ),
});

const traceRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/traces/$traceId',
  validateSearch: validateTraceViewSearch,
  component: lazyRouteComponent(() => import('../features/traces/trace-page.tsx'), 'TracePage'),
});

const investigateRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/investigate',
  validateSearch: validateInvestigateSearch,
  component: lazyRouteComponent(
    () => import('../features/investigate/investigate-page.tsx'),
    'InvestigatePage',
  ),
});

const adminRoute = createRoute({
  getParentRoute: () => shellRoute,
  path: '/admin',
  validateSearch: validateAdminSearch,
  component: lazyRouteComponent(() => import('../features/admin/admin-page.tsx'), 'AdminPage'),
});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: validateSignInSearch,
  component: lazyRouteComponent(() => import('../features/sign-in/sign-in-page.tsx'), 'SignInPage'),
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  validateSearch: validateSetupSearch,
  component: lazyRouteComponent(() => import('../features/sign-in/setup-page.tsx'), 'SetupPage'),
});

const routeTree = rootRoute.addChildren([
  shellRoute.addChildren([
    overviewRoute,
    serviceRoute,
    serviceMapRoute,
    tracesRoute,
    traceFileRoute,
    traceCompareRoute,
    traceRoute,
    investigateRoute,
    adminRoute,
  ]),
  signInRoute,
  setupRoute,
]);

export function createAppRouter() {
  return createRouter({
    routeTree,
    context: {},
    history: createConsoleHashHistory(),
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
