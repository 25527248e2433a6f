import { z } from 'zod';
import { notFound } from '../../runtime/http-errors.ts';
import type { ServiceDefinition } from '../../runtime/service.ts';
import { input } from '../../runtime/validate.ts';
import { catalogSchema } from './schema.ts';

interface ProductRow {
  sku: string;
  name: string;
  category: string;
  brand: string;
  description: string;
  price_cents: number;
}

const SUMMARY = 'sku, name, brand, category, price_cents';

export const catalog: ServiceDefinition = {
  name: 'catalog',
  schema: catalogSchema,
  routes: (app, { db, cache }) => {
    app.get('/products', async (req, res) => {
      const q = input(
        z.object({
          category: z.string().min(1).max(40),
          page: z.coerce.number().int().min(1).max(1000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(24),
        }),
        req.query,
      );
      const items = await db.all<ProductRow>(
        `SELECT ${SUMMARY} FROM products WHERE category = ? ORDER BY created_at DESC, sku LIMIT ? OFFSET ?`,
        [q.category, q.pageSize, (q.page - 1) * q.pageSize],
      );
      const total = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM products WHERE category = ?', [
        q.category,
      ]);
      res.json({ items, page: q.page, total: total?.n ?? 0 });
    });

    app.get('/search', async (req, res) => {
      const q = input(
        z.object({
          q: z.string().trim().min(2).max(80),
          limit: z.coerce.number().int().min(1).max(50).default(20),
        }),
        req.query,
      );
      const pattern = `%${q.q.toLowerCase().replace(/[%_]/g, '')}%`;
      const items = await db.all<ProductRow>(
        `SELECT ${SUMMARY} FROM products WHERE lower(name) LIKE ? OR lower(brand) LIKE ? OR lower(category) LIKE ?
         ORDER BY price_cents LIMIT ?`,
        [pattern, pattern, pattern, q.limit],
      );
      res.json({ items, query: q.q });
    });

    app.get('/products/:sku', async (req, res) => {
      const sku = req.params.sku;
      const key = `product:${sku}`;
      const cached = await cache.getJson<unknown>(key);
      if (cached !== undefined) {
        res.json(cached);
        return;
      }
      const product = await db.get<ProductRow>('SELECT * FROM products WHERE sku = ?', [sku]);
      if (product === undefined) throw notFound(`product ${sku}`);
      const rating = await db.get<{ avg: number | null; n: number }>(
        'SELECT AVG(rating) AS avg, COUNT(*) AS n FROM reviews WHERE sku = ?',
        [sku],
      );
      const body = { ...product, rating: rating?.avg ?? null, reviewCount: rating?.n ?? 0 };
      await cache.setJson(key, body, 60);
      res.json(body);
    });

    app.get('/products/:sku/reviews', async (req, res) => {
      const q = input(z.object({ limit: z.coerce.number().int().min(1).max(50).default(5) }), req.query);
      const items = await db.all(
        'SELECT id, user_id, rating, title, body, created_at FROM reviews WHERE sku = ? ORDER BY created_at DESC LIMIT ?',
        [req.params.sku, q.limit],
      );
      res.json({ items });
    });

    // Prices for a checkout: the source of truth, never the client's.
    app.post('/prices', async (req, res) => {
      const body = input(z.object({ skus: z.array(z.string().min(1).max(40)).min(1).max(50) }), req.body);
      const skus = [...new Set(body.skus)];
      const rows = await db.all<{ sku: string; name: string; price_cents: number }>(
        `SELECT sku, name, price_cents FROM products WHERE sku IN (${skus.map(() => '?').join(', ')})`,
        skus,
      );
      const missing = skus.filter((s) => !rows.some((r) => r.sku === s));
      if (missing.length > 0) throw notFound(`products ${missing.join(', ')}`);
      res.json({ prices: rows });
    });
  },
};
