import type { Kysely } from 'kysely';
import type { ConfigSchema } from '../../config-store/schema.ts';

/** JSON settings by key: `global` ones (the overview's health thresholds) and each caller's own. */
export class SettingsStore {
  readonly #db: Kysely<ConfigSchema>;

  constructor(db: Kysely<ConfigSchema>) {
    this.#db = db;
  }

  async get(
    scope: string,
    key: string,
  ): Promise<{ value: unknown; updatedAt: number; updatedBy: string } | null> {
    const row = await this.#db
      .selectFrom('settings')
      .select(['value', 'updated_at', 'updated_by'])
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    return row
      ? { value: JSON.parse(row.value) as unknown, updatedAt: row.updated_at, updatedBy: row.updated_by }
      : null;
  }

  /** `value` null removes the setting. */
  async set(scope: string, key: string, value: unknown, updatedBy: string): Promise<void> {
    if (value === null) {
      await this.#db.deleteFrom('settings').where('scope', '=', scope).where('key', '=', key).execute();
      return;
    }
    const row = { scope, key, value: JSON.stringify(value), updated_at: Date.now(), updated_by: updatedBy };
    await this.#db
      .insertInto('settings')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['scope', 'key'])
          .doUpdateSet({ value: row.value, updated_at: row.updated_at, updated_by: updatedBy }),
      )
      .execute();
  }
}
