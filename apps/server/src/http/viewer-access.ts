/**
 * The tRPC role check (trpc/init.ts, requireRole) for plain HTTP routes that serve the console or
 * automation outside tRPC (a trace's binary columns, the Jaeger query API): the same credentials (bearer
 * token or session cookie), the same first-run rule and the same messages, so both doors open alike.
 */
import type { FastifyRequest } from 'fastify';
import type { AccessControl } from '../auth/access-control.ts';
import { hasRole } from '../auth/roles.ts';
import { sessionCookieOf } from '../auth/session-cookie.ts';
import { SIGN_IN_HINT } from '../trpc/init.ts';

export interface Denial {
  status: 401 | 403 | 412;
  message: string;
}

/** Undefined when the caller may read telemetry (viewer or higher); else why not, as an HTTP status. */
export async function viewerDenial(
  access: AccessControl,
  req: FastifyRequest,
  what: string,
): Promise<Denial | undefined> {
  const lookup = await access.principalOf({
    authorization: req.headers.authorization,
    sessionCookie: sessionCookieOf(req.headers.cookie),
  });
  if (!lookup.principal) {
    return {
      status: 401,
      message:
        lookup.problem === 'invalid'
          ? `the credential is unknown, expired or revoked: ${SIGN_IN_HINT}`
          : `${what} needs a signed-in caller: ${SIGN_IN_HINT}`,
    };
  }
  const caller = lookup.principal;
  if (caller.kind !== 'admin-token' && (await access.setupNeeded())) {
    return {
      status: 412,
      message:
        'this server has no admin account yet: open the setup URL printed in the server log, or set APO_ADMIN_PASSWORD',
    };
  }
  if (!hasRole(caller.role, 'viewer')) {
    return {
      status: 403,
      message: `${what} needs the viewer role (or higher); this caller is ${caller.role}`,
    };
  }
  return undefined;
}
