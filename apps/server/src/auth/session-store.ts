import type { Kysely } from 'kysely';
import type { ConfigSchema, Role } from '../config-store/schema.ts';
import { newId, newSessionToken, secretDigest } from './secrets.ts';
import { NotFoundError } from '../features/domain-errors.ts';

export interface SessionPolicy {
  /** A session unused for this long ends. */
  idleTimeoutMs: number;
  /** A session ends this long after sign-in, however active. */
  maxAgeMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 12 * 3_600_000,
  maxAgeMs: 7 * 86_400_000,
};

export interface SessionUser {
  sessionId: string;
  userId: string;
  username: string;
  displayName: string;
  role: Role;
}

export interface SessionInfo {
  id: string;
  username: string;
  client: 'browser' | 'desktop';
  address: string;
  userAgent: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/**
 * Sign-in sessions of the console (browser cookie) and the desktop app (bearer token), in one table. Only
 * the token's digest is stored, so a copy of the store signs nobody in.
 */
export class SessionStore {
  readonly #db: Kysely<ConfigSchema>;
  readonly policy: SessionPolicy;

  constructor(db: Kysely<ConfigSchema>, policy: SessionPolicy) {
    this.#db = db;
    this.policy = policy;
  }

  /** Writing `last_seen_at` on every request would make each read a write; a fraction of the idle time is close enough. */
  get #touchEveryMs(): number {
    return Math.min(60_000, Math.floor(this.policy.idleTimeoutMs / 10));
  }

  async create(input: {
    userId: string;
    client: 'browser' | 'desktop';
    address: string;
    userAgent: string;
  }): Promise<{ token: string; id: string; expiresAt: number }> {
    const token = newSessionToken();
    const now = Date.now();
    const id = newId();
    const expiresAt = now + this.policy.maxAgeMs;
    await this.#db
      .insertInto('sessions')
      .values({
        id,
        token_hash: secretDigest(token),
        user_id: input.userId,
        client: input.client,
        address: input.address.slice(0, 64),
        user_agent: input.userAgent.slice(0, 256),
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        revoked_at: null,
      })
      .execute();
    return { token, id, expiresAt };
  }

  /** The signed-in user of a token, or undefined when it is unknown, expired, revoked, or its user disabled. */
  async resolve(token: string, now = Date.now()): Promise<SessionUser | undefined> {
    const row = await this.#db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id as sessionId',
        'sessions.last_seen_at as lastSeenAt',
        'sessions.expires_at as expiresAt',
        'sessions.revoked_at as revokedAt',
        'users.id as userId',
        'users.username as username',
        'users.display_name as displayName',
        'users.role as role',
        'users.disabled as disabled',
      ])
      .where('sessions.token_hash', '=', secretDigest(token))
      .executeTakeFirst();
    if (!row || row.revokedAt !== null || row.disabled !== 0) return undefined;
    if (now >= row.expiresAt || now - row.lastSeenAt >= this.policy.idleTimeoutMs) return undefined;
    if (now - row.lastSeenAt >= this.#touchEveryMs) {
      await this.#db
        .updateTable('sessions')
        .set({ last_seen_at: now })
        .where('id', '=', row.sessionId)
        .execute();
    }
    return {
      sessionId: row.sessionId,
      userId: row.userId,
      username: row.username,
      displayName: row.displayName,
      role: row.role,
    };
  }

  /** Sessions still usable, newest first. */
  async listActive(now = Date.now()): Promise<SessionInfo[]> {
    const rows = await this.#db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id as id',
        'users.username as username',
        'sessions.client as client',
        'sessions.address as address',
        'sessions.user_agent as userAgent',
        'sessions.created_at as createdAt',
        'sessions.last_seen_at as lastSeenAt',
        'sessions.expires_at as expiresAt',
      ])
      .where('sessions.revoked_at', 'is', null)
      .where('sessions.expires_at', '>', now)
      .where('sessions.last_seen_at', '>', now - this.policy.idleTimeoutMs)
      .orderBy('sessions.created_at', 'desc')
      .limit(10_000)
      .execute();
    return rows;
  }

  async revoke(id: string): Promise<void> {
    const result = await this.#db
      .updateTable('sessions')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`no active session with id ${id}`);
  }

  /** Every session of a user (a disabled account, a reset password), but the one to keep. */
  async revokeForUser(userId: string, keepSessionId?: string): Promise<void> {
    let query = this.#db
      .updateTable('sessions')
      .set({ revoked_at: Date.now() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keepSessionId !== undefined) query = query.where('id', '!=', keepSessionId);
    await query.execute();
  }

  /** Rows of sessions that ended over a day ago; the table would otherwise grow with every sign-in. */
  async prune(now = Date.now()): Promise<void> {
    const before = now - 86_400_000;
    await this.#db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('expires_at', '<', before),
          eb('revoked_at', '<', before),
          eb('last_seen_at', '<', before - this.policy.idleTimeoutMs),
        ]),
      )
      .execute();
  }
}
