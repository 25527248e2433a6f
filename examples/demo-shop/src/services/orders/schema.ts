import type { ServiceSchema } from '../../db/migrate.ts';

export const ordersSchema: ServiceSchema = {
  tables: ['orders', 'order_items'],
  ddl: () => [
    `CREATE TABLE IF NOT EXISTS orders (
       id TEXT PRIMARY KEY, user_id TEXT NOT NULL, status TEXT NOT NULL, total_cents INTEGER NOT NULL,
       currency TEXT NOT NULL, payment_id BIGINT, item_count INTEGER NOT NULL, shipping_country TEXT NOT NULL,
       created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS orders_user_created ON orders (user_id, created_at)',
    `CREATE TABLE IF NOT EXISTS order_items (
       order_id TEXT NOT NULL, sku TEXT NOT NULL, name TEXT NOT NULL, qty INTEGER NOT NULL,
       unit_price_cents INTEGER NOT NULL, PRIMARY KEY (order_id, sku))`,
  ],
  seed: () => Promise.resolve(),
};
