import { idColumn, insertMany } from '../../db/database.ts';
import type { ServiceSchema } from '../../db/migrate.ts';

export const fraudSchema: ServiceSchema = {
  tables: ['risk_rules', 'assessments'],
  ddl: (dialect) => [
    `CREATE TABLE IF NOT EXISTS risk_rules (
       id ${idColumn(dialect)}, name TEXT NOT NULL, country TEXT NOT NULL, min_amount_cents INTEGER NOT NULL,
       weight INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS assessments (
       id ${idColumn(dialect)}, user_id TEXT NOT NULL, order_id TEXT NOT NULL, amount_cents INTEGER NOT NULL,
       country TEXT NOT NULL, score INTEGER NOT NULL, decision TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS assessments_user_created ON assessments (user_id, created_at)',
  ],
  seed: async (db) => {
    // country '*' applies everywhere.
    await insertMany(
      db,
      'risk_rules',
      ['name', 'country', 'min_amount_cents', 'weight'],
      [
        ['large basket', '*', 150_000, 35],
        ['very large basket', '*', 300_000, 40],
        ['prepaid card corridor', 'PL', 80_000, 15],
        ['reshipping hotspot', 'IE', 120_000, 20],
        ['new device', '*', 1, 5],
      ],
    );
  },
};
