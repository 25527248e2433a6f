import { insertMany } from '../../db/database.ts';
import type { ServiceSchema } from '../../db/migrate.ts';
import { users } from '../seed-data.ts';

export const gatewaySchema: ServiceSchema = {
  tables: ['users'],
  ddl: () => [
    `CREATE TABLE IF NOT EXISTS users (
       id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL, country TEXT NOT NULL, tier TEXT NOT NULL,
       created_at BIGINT NOT NULL, last_order_at BIGINT)`,
  ],
  seed: async (db) => {
    await insertMany(
      db,
      'users',
      ['id', 'name', 'email', 'country', 'tier', 'created_at'],
      users().map((u) => [u.id, u.name, u.email, u.country, u.tier, u.createdAt]),
    );
  },
};
