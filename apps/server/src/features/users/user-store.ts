import type { Kysely } from 'kysely';
import type { ConfigSchema, Role, UsersTable } from '../../config-store/schema.ts';
import { isUniqueViolation } from '../../config-store/store-errors.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { newId } from '../../auth/secrets.ts';
import { ConflictError, NotFoundError } from '../domain-errors.ts';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface UserWithHash extends User {
  passwordHash: string;
}

function toUser(row: UsersTable): UserWithHash {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordHash: row.password_hash,
  };
}

function withoutHash({ passwordHash: _hash, ...user }: UserWithHash): User {
  return user;
}

/** Usernames compare without case: `Ana` and `ana` are one account. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export class UserStore {
  readonly #db: Kysely<ConfigSchema>;

  constructor(db: Kysely<ConfigSchema>) {
    this.#db = db;
  }

  async findByUsername(username: string): Promise<UserWithHash | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .selectAll()
      .where('username', '=', normalizeUsername(username))
      .executeTakeFirst();
    return row && toUser(row);
  }

  async get(id: string): Promise<User> {
    const row = await this.#db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no user with id ${id}`);
    return withoutHash(toUser(row));
  }

  async list(): Promise<User[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('username').execute();
    return rows.map((r) => withoutHash(toUser(r)));
  }

  /** Enabled admins: the first run's setup is needed while there is none. */
  async countActiveAdmins(): Promise<number> {
    const row = await this.#db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async create(input: {
    username: string;
    displayName: string;
    password: string;
    role: Role;
  }): Promise<User> {
    const now = Date.now();
    const row: UsersTable = {
      id: newId(),
      username: normalizeUsername(input.username),
      display_name: input.displayName,
      password_hash: await hashPassword(input.password),
      role: input.role,
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.#db.insertInto('users').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError(`the username "${row.username}" is taken`, { cause: err });
      throw err;
    }
    return withoutHash(toUser(row));
  }

  /**
   * Changes display name, role or the disabled flag. Refused when it would leave no enabled admin: nobody
   * could then manage users (short of the admin token or APO_ADMIN_PASSWORD).
   */
  async update(id: string, change: { displayName?: string; role?: Role; disabled?: boolean }): Promise<User> {
    return this.#db.transaction().execute(async (tx) => {
      const current = await tx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current) throw new NotFoundError(`no user with id ${id}`);
      const losesAdmin =
        current.role === 'admin' &&
        current.disabled === 0 &&
        ((change.role !== undefined && change.role !== 'admin') || change.disabled === true);
      if (losesAdmin) {
        const others = await tx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .where('id', '!=', id)
          .executeTakeFirstOrThrow();
        if (others.n === 0) {
          throw new ConflictError(
            `"${current.username}" is the last enabled admin: make another admin first`,
          );
        }
      }
      const next: UsersTable = {
        ...current,
        display_name: change.displayName ?? current.display_name,
        role: change.role ?? current.role,
        disabled: change.disabled === undefined ? current.disabled : change.disabled ? 1 : 0,
        updated_at: Date.now(),
      };
      await tx
        .updateTable('users')
        .set({
          display_name: next.display_name,
          role: next.role,
          disabled: next.disabled,
          updated_at: next.updated_at,
        })
        .where('id', '=', id)
        .execute();
      return withoutHash(toUser(next));
    });
  }

  async setPassword(id: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    const result = await this.#db
      .updateTable('users')
      .set({ password_hash: hash, updated_at: Date.now() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new NotFoundError(`no user with id ${id}`);
  }

  /** APO_ADMIN_PASSWORD: the user `admin` exists, is an enabled admin, and has this password. */
  async ensureAdmin(password: string): Promise<'created' | 'updated'> {
    let existing = await this.findByUsername('admin');
    if (!existing) {
      try {
        await this.create({ username: 'admin', displayName: 'Administrator', password, role: 'admin' });
        return 'created';
      } catch (err) {
        // Servers sharing a PostgreSQL store start together: another one created it just now.
        if (!(err instanceof ConflictError)) throw err;
        existing = await this.findByUsername('admin');
        if (!existing) throw err;
      }
    }
    await this.setPassword(existing.id, password);
    await this.#db
      .updateTable('users')
      .set({ role: 'admin', disabled: 0, updated_at: Date.now() })
      .where('id', '=', existing.id)
      .execute();
    return 'updated';
  }
}
