import { initTRPC, TRPCError } from '@trpc/server';
import { hasRole, type Principal, type ProcedureRole } from '../auth/roles.ts';
import { RetryAfter } from '../auth/access-control.ts';
import type { Context } from './context.ts';
import { formatError, toTrpcError } from './errors.ts';
import { wireTransformer } from './transformer.ts';

/**
 * Every procedure states the role it needs in its meta; the role middleware enforces exactly that, so the
 * meta (which docs/api.md is generated from) cannot drift from what is enforced.
 */
interface ProcedureMeta {
  role: ProcedureRole;
}

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  // Nanosecond timestamps travel as bigint or decimal strings; superjson keeps bigint exact.
  transformer: wireTransformer,
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
    if (mapped.cause instanceof RetryAfter)
      void ctx.reply.header('retry-after', String(mapped.cause.seconds));
    throw mapped;
  }
  return result;
});

export const SIGN_IN_HINT =
  'sign in (auth.signIn), or send "Authorization: Bearer <key>" with an API key, a desktop session token or the admin token (APO_ADMIN_TOKEN)';

const requireOpenRole = t.middleware(({ meta, next }) => {
  if (meta?.role !== 'open') {
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'procedure built as open declares another role',
    });
  }
  return next();
});

/** Signed-in procedures: a principal with at least the meta's role, handed on as `ctx.caller`. */
const requireRole = t.middleware(async ({ meta, ctx, path, next }) => {
  const needed = meta?.role;
  // Fail closed: a procedure that names no role (or `open` on a signed-in builder) serves nobody.
  if (needed === undefined || needed === 'open') {
    throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `procedure ${path} declares no role` });
  }
  const lookup = await ctx.principal();
  if (!lookup.principal) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message:
        lookup.problem === 'invalid'
          ? `the credential is unknown, expired or revoked: ${SIGN_IN_HINT}`
          : `${path} needs a signed-in caller: ${SIGN_IN_HINT}`,
    });
  }
  const caller: Principal = lookup.principal;
  if (caller.kind !== 'admin-token' && (await ctx.access.setupNeeded())) {
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message:
        'this server has no admin account yet: open the setup URL printed in the server log, or set APO_ADMIN_PASSWORD',
    });
  }
  if (!hasRole(caller.role, needed)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `${path} needs the ${needed} role (or higher); this caller is ${caller.role}`,
    });
  }
  return next({ ctx: { caller } });
});

const base = t.procedure.use(mapErrors);

/** Works signed out: health, signing in, the first run's setup. */
export const openProcedure = base.meta({ role: 'open' }).use(requireOpenRole);
/** Reads telemetry and one's own settings. */
export const viewerProcedure = base.meta({ role: 'viewer' }).use(requireRole);
/**
 * Changes shared configuration (global settings; later views, dashboards, alert rules). No procedure needs
 * exactly editor yet (settings.set checks it inside, per scope); the role set is the API's contract.
 * @public
 */
export const editorProcedure = base.meta({ role: 'editor' }).use(requireRole);
/** Manages users, API keys and sessions. */
export const adminProcedure = base.meta({ role: 'admin' }).use(requireRole);
