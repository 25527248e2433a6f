import { router } from './init.ts';
import { authRouter } from '../auth/auth-router.ts';
import { healthProcedure } from '../features/health/router.ts';
import { clustersRouter } from '../features/clusters/router.ts';
import { eventsRouter } from '../features/events/router.ts';
import { servicesRouter } from '../features/services/router.ts';
import { tracesRouter } from '../features/traces/router.ts';
import { logsRouter } from '../features/logs/router.ts';
import { metricsRouter } from '../features/metrics/router.ts';
import { usersRouter } from '../features/users/router.ts';
import { apiKeysRouter } from '../features/api-keys/router.ts';
import { sessionsRouter } from '../features/sessions/router.ts';
import { settingsRouter } from '../features/settings/router.ts';
import { overviewRouter } from '../features/overview/router.ts';
import { investigationsRouter } from '../features/investigations/router.ts';
import { topologyRouter } from '../features/topology/router.ts';

export const appRouter = router({
  health: healthProcedure,
  auth: authRouter,
  services: servicesRouter,
  traces: tracesRouter,
  logs: logsRouter,
  metrics: metricsRouter,
  events: eventsRouter,
  clusters: clustersRouter,
  users: usersRouter,
  apiKeys: apiKeysRouter,
  sessions: sessionsRouter,
  settings: settingsRouter,
  overview: overviewRouter,
  investigations: investigationsRouter,
  topology: topologyRouter,
});

export type AppRouter = typeof appRouter;
