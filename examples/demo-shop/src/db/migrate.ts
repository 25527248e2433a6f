import type { Database, Dialect, Queryable } from './database.ts';

/** A service's tables: DDL run at every start (idempotent) and a seed written once. */
export interface ServiceSchema {
  tables: readonly string[];
  ddl(dialect: Dialect): string[];
  seed(db: Queryable, dialect: Dialect): Promise<void>;
}

const SEED_VERSION = '1';

/**
 * Creates the tables and seeds them once. The supervisor runs this before it starts a service (outside the
 * instrumented process, so thousands of seed rows make no spans); the service runs it again at start, which
 * is then a handful of `CREATE … IF NOT EXISTS` and one lookup — what a real app's migrations look like.
 */
export async function migrate(db: Database, schema: ServiceSchema): Promise<{ seeded: boolean }> {
  await db.execScript([
    'CREATE TABLE IF NOT EXISTS demo_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
    ...schema.ddl(db.dialect),
  ]);
  const done = await db.get<{ value: string }>('SELECT value FROM demo_meta WHERE key = ?', ['seed']);
  if (done !== undefined) return { seeded: false };
  await db.transaction(async (c) => {
    await schema.seed(c, db.dialect);
    await c.run('INSERT INTO demo_meta (key, value) VALUES (?, ?)', ['seed', SEED_VERSION]);
  });
  return { seeded: true };
}
