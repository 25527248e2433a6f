import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@apo/server/router';

/** The shapes of the auth and admin procedures, inferred from the server's router through the client. */
type Client = TRPCClient<AppRouter>;

type UserRow = Awaited<ReturnType<Client['users']['list']['query']>>[number];
export type Role = UserRow['role'];

export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** A <select>'s value as a role; undefined for anything else. */
export function roleOf(value: string): Role | undefined {
  return ROLES.find((r) => r === value);
}
