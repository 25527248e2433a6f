import type { TRPCClient } from '@trpc/client';
import type { AppRouter } from '@apo/server/router';

/**
 * The auth and admin procedures as the server's auth work describes them. They are being added to the
 * server in parallel; until they are on this branch the console calls them through this contract instead of
 * the router's inferred types. When they land, delete this file's casts and use `useTRPCClient()` directly:
 * any difference in shape is then a type error, not a surprise at run time.
 */
export type Role = 'viewer' | 'editor' | 'admin';

export interface SessionUser {
  username: string;
  displayName: string;
  role: Role;
}

export interface Session {
  mode: 'local' | 'signed-in';
  user: SessionUser;
}

export interface UserRow extends SessionUser {
  id: string;
  disabled: boolean;
  lastSignInAtMs?: number | null;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  role?: Role;
  createdAtMs: number;
  lastUsedAtMs: number | null;
  /** The first characters, to recognise a key without revealing it. */
  prefix?: string;
}

export interface SessionRow {
  id: string;
  username: string;
  // 'browser' | 'desktop' today; kept open so a new client kind still lists.
  client: string;
  createdAtMs: number;
  lastSeenAtMs: number | null;
  current?: boolean;
}

interface Q<I, O> {
  query: (input: I, opts?: { signal?: AbortSignal }) => Promise<O>;
}
interface M<I, O> {
  mutate: (input: I) => Promise<O>;
}

export interface AuthApi {
  auth: {
    session: Q<void, Session>;
    signIn: M<{ username: string; password: string; client: 'browser' | 'desktop' }, unknown>;
    signOut: M<void, unknown>;
    setupStatus: Q<void, { needsSetup: boolean }>;
    setup: M<{ token: string; username: string; displayName: string; password: string }, unknown>;
  };
  users: {
    list: Q<void, UserRow[]>;
    create: M<{ username: string; displayName: string; password: string; role: Role }, unknown>;
    update: M<{ id: string; role?: Role; disabled?: boolean; displayName?: string }, unknown>;
    resetPassword: M<{ id: string; password: string }, unknown>;
  };
  apiKeys: {
    list: Q<void, ApiKeyRow[]>;
    create: M<{ name: string; role?: Role }, { key: string } & Partial<ApiKeyRow>>;
    revoke: M<{ id: string }, unknown>;
  };
  sessions: {
    list: Q<void, SessionRow[]>;
    revoke: M<{ id: string }, unknown>;
  };
}

export function authApi(client: TRPCClient<AppRouter>): AuthApi {
  return client as unknown as AuthApi;
}
