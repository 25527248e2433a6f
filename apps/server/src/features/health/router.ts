import { openProcedure } from '../../trpc/init.ts';

/** Public: the console shows it before the user signs in. Reveals no data. */
export const healthProcedure = openProcedure.query(({ ctx }) => ({
  status: ctx.isReady() ? ('ok' as const) : ('starting' as const),
  version: ctx.version,
  uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
  storage: { engine: ctx.storage.engine, version: ctx.storage.capabilities.version },
  authRequired: ctx.auth.enabled,
}));
