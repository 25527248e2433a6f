import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import type { Context } from './context.ts';
import { formatError, toTrpcError } from './errors.ts';

const t = initTRPC.context<Context>().create({
  // Nanosecond timestamps travel as bigint or decimal strings; superjson keeps bigint exact.
  transformer: superjson,
  // Production behaviour in every environment: NODE_ENV is unset wherever nobody set it, and tRPC's
  // development mode puts stack traces (with absolute file paths) into every error answer.
  isDev: false,
  errorFormatter: formatError,
});

export const router = t.router;

/** Every procedure maps domain and storage errors in one place (errors.ts). */
const mapErrors = t.middleware(async ({ next, ctx }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTrpcError(result.error);
    if (mapped.code === 'INTERNAL_SERVER_ERROR')
      ctx.log.error({ err: result.error.cause ?? result.error }, 'api error');
    throw mapped;
  }
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.authorized) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'this API needs the admin token: send "Authorization: Bearer <APO_ADMIN_TOKEN>"',
    });
  }
  return next();
});
