import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { migrateConfigStore } from './migrations.ts';
import { NodeSqliteDatabase } from './node-sqlite-database.ts';
import type { ConfigSchema } from './schema.ts';

/**
 * Config data (users, sessions, API keys, settings; later views, dashboards, alert rules): small and
 * transactional, so not in ClickHouse. Embedded SQLite (`node:sqlite`) under the data directory by default;
 * PostgreSQL when several servers share one ClickHouse. One query layer (Kysely) for both.
 */
export interface ConfigStoreSettings {
  /** `postgres://…`; absent: SQLite at `<dataDir>/config-store.sqlite`. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

export interface ConfigStore {
  readonly db: Kysely<ConfigSchema>;
  readonly dialect: 'sqlite' | 'postgres';
  /** Where it lives, for the start-up line; a PostgreSQL URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

// int8 (bigint columns, count(*)) arrives from `pg` as a string by default; our values are milliseconds and
// counts, well inside a double.
const pgTypes = new pg.TypeOverrides();
pgTypes.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}

export async function openConfigStore(settings: ConfigStoreSettings, log: Logger): Promise<ConfigStore> {
  let store: ConfigStore;
  if (settings.databaseUrl) {
    const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 10, types: pgTypes });
    // An idle client losing its connection emits on the pool; unhandled, that would end the process.
    pool.on('error', (err) => log.warn({ err }, 'config store connection lost'));
    const db = new Kysely<ConfigSchema>({ dialect: new PostgresDialect({ pool }) });
    store = {
      db,
      dialect: 'postgres',
      location: withoutPassword(settings.databaseUrl),
      close: () => db.destroy(),
    };
  } else {
    mkdirSync(settings.dataDir, { recursive: true });
    const path = join(settings.dataDir, 'config-store.sqlite');
    const db = new Kysely<ConfigSchema>({
      dialect: new SqliteDialect({ database: new NodeSqliteDatabase(path) }),
    });
    store = { db, dialect: 'sqlite', location: path, close: () => db.destroy() };
  }
  try {
    const applied = await migrateConfigStore(store.db as unknown as Kysely<unknown>);
    if (applied.length > 0) log.info({ applied, store: store.location }, 'config store migrated');
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
