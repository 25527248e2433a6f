import type { Role } from '../config-store/schema.ts';

export type { Role };

export const ROLES = ['viewer', 'editor', 'admin'] as const satisfies readonly Role[];

/** What a procedure needs: a role, or nothing (`open`: works signed out). */
export type ProcedureRole = 'open' | Role;

const rank: Record<Role, number> = { viewer: 1, editor: 2, admin: 3 };

export function hasRole(actual: Role, needed: Role): boolean {
  return rank[actual] >= rank[needed];
}

/**
 * Who is calling. `local`: auth is off (loopback), every request is the one local admin. `admin-token`: the
 * APO_ADMIN_TOKEN. Users come from a session (cookie or desktop bearer token), automation from an API key.
 */
export type Principal =
  | { kind: 'local'; role: 'admin' }
  | { kind: 'admin-token'; role: 'admin' }
  | { kind: 'user'; role: Role; userId: string; username: string; displayName: string; sessionId: string }
  | { kind: 'api-key'; role: Role; keyId: string; name: string };

/** The owner of a caller's own settings. */
export function settingsScope(principal: Principal): string {
  switch (principal.kind) {
    case 'local':
      return 'local';
    case 'admin-token':
      return 'admin-token';
    case 'user':
      return `user:${principal.userId}`;
    case 'api-key':
      return `api-key:${principal.keyId}`;
  }
}

/** How a principal is named in logs and `created_by` columns. */
export function principalName(principal: Principal): string {
  switch (principal.kind) {
    case 'local':
      return 'local admin';
    case 'admin-token':
      return 'admin token';
    case 'user':
      return principal.username;
    case 'api-key':
      return `api key ${principal.name}`;
  }
}
