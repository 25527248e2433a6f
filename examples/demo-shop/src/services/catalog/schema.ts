import { idColumn, insertMany } from '../../db/database.ts';
import type { ServiceSchema } from '../../db/migrate.ts';
import { products, reviews } from '../seed-data.ts';

export const catalogSchema: ServiceSchema = {
  tables: ['products', 'reviews'],
  ddl: (dialect) => [
    `CREATE TABLE IF NOT EXISTS products (
       sku TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL, brand TEXT NOT NULL,
       description TEXT NOT NULL, price_cents INTEGER NOT NULL, created_at BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS products_category ON products (category)',
    `CREATE TABLE IF NOT EXISTS reviews (
       id ${idColumn(dialect)}, sku TEXT NOT NULL, user_id TEXT NOT NULL, rating INTEGER NOT NULL,
       title TEXT NOT NULL, body TEXT NOT NULL, created_at BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS reviews_sku_created ON reviews (sku, created_at)',
  ],
  seed: async (db) => {
    await insertMany(
      db,
      'products',
      ['sku', 'name', 'category', 'brand', 'description', 'price_cents', 'created_at'],
      products().map((p) => [p.sku, p.name, p.category, p.brand, p.description, p.priceCents, p.createdAt]),
    );
    await insertMany(
      db,
      'reviews',
      ['sku', 'user_id', 'rating', 'title', 'body', 'created_at'],
      reviews().map((r) => [r.sku, r.userId, r.rating, r.title, r.body, r.createdAt]),
    );
  },
};
