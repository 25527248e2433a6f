import type { Kysely } from 'kysely';
import type { ConfigSchema, Role } from '../../config-store/schema.ts';
import { newApiKey, newId, secretDigest } from '../../auth/secrets.ts';
import { NotFoundError } from '../domain-errors.ts';

export interface ApiKeyInfo {
  id: string;
  name: string;
  /** The key's first characters, to recognise it; the key itself is shown once, at creation. */
  prefix: string;
  role: Role;
  createdBy: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Last use is written at most this often: a script calling 100 times a second must not cause 100 writes. */
const LAST_USED_EVERY_MS = 60_000;

/** API keys for automation: named, role-scoped, stored as digests, revocable. */
export class ApiKeyStore {
  readonly #db: Kysely<ConfigSchema>;

  constructor(db: Kysely<ConfigSchema>) {
    this.#db = db;
  }

  async create(input: {
    name: string;
    role: Role;
    createdBy: string;
  }): Promise<{ key: string; info: ApiKeyInfo }> {
    const key = newApiKey();
    const info: ApiKeyInfo = {
      id: newId(),
      name: input.name,
      prefix: key.slice(0, 10),
      role: input.role,
      createdBy: input.createdBy,
      createdAt: Date.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.#db
      .insertInto('api_keys')
      .values({
        id: info.id,
        name: info.name,
        key_hash: secretDigest(key),
        key_prefix: info.prefix,
        role: info.role,
        created_by: info.createdBy,
        created_at: info.createdAt,
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return { key, info };
  }

  async resolve(
    key: string,
    now = Date.now(),
  ): Promise<{ id: string; name: string; role: Role } | undefined> {
    const row = await this.#db
      .selectFrom('api_keys')
      .select(['id', 'name', 'role', 'last_used_at', 'revoked_at'])
      .where('key_hash', '=', secretDigest(key))
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return undefined;
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_EVERY_MS) {
      await this.#db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    }
    return { id: row.id, name: row.name, role: row.role };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const rows = await this.#db
      .selectFrom('api_keys')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(10_000)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.key_prefix,
      role: r.role,
      createdBy: r.created_by,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }

  async revoke(id: string): Promise<void> {
    const result = await this.#db
      .updateTable('api_keys')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`no active API key with id ${id}`);
  }
}
