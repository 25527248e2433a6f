import { idColumn, insertMany } from '../../db/database.ts';
import type { ServiceSchema } from '../../db/migrate.ts';
import { stock } from '../seed-data.ts';

export const inventorySchema: ServiceSchema = {
  tables: ['stock', 'reservations'],
  ddl: (dialect) => [
    `CREATE TABLE IF NOT EXISTS stock (
       sku TEXT NOT NULL, warehouse TEXT NOT NULL, on_hand INTEGER NOT NULL, reserved INTEGER NOT NULL DEFAULT 0,
       updated_at BIGINT NOT NULL, PRIMARY KEY (sku, warehouse))`,
    `CREATE TABLE IF NOT EXISTS reservations (
       id ${idColumn(dialect)}, order_id TEXT NOT NULL, sku TEXT NOT NULL, warehouse TEXT NOT NULL,
       qty INTEGER NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS reservations_order ON reservations (order_id)',
    'CREATE INDEX IF NOT EXISTS reservations_status_created ON reservations (status, created_at)',
  ],
  seed: async (db) => {
    const now = Date.now();
    await insertMany(
      db,
      'stock',
      ['sku', 'warehouse', 'on_hand', 'reserved', 'updated_at'],
      stock().map((s) => [s.sku, s.warehouse, s.onHand, 0, now]),
    );
  },
};
