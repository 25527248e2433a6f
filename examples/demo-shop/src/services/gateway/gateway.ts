import type { Request } from 'express';
import { z } from 'zod';
import { HttpError } from '../../runtime/http-errors.ts';
import type { ServiceContext, ServiceDefinition } from '../../runtime/service.ts';
import { input } from '../../runtime/validate.ts';
import { gatewaySchema } from './schema.ts';

interface User {
  id: string;
  name: string;
  email: string;
  country: string;
  tier: string;
}

/** The signed-in user (the demo's "session" is the x-user-id header), from the cache or the users table. */
async function currentUser({ db, cache }: ServiceContext, req: Request): Promise<User> {
  const id = req.header('x-user-id');
  if (id === undefined || id === '') throw new HttpError(401, 'unauthenticated', 'sign in first (x-user-id)');
  const key = `user:${id}`;
  const cached = await cache.getJson<User>(key);
  if (cached !== undefined) return cached;
  const user = await db.get<User>('SELECT id, name, email, country, tier FROM users WHERE id = ?', [id]);
  if (user === undefined) throw new HttpError(401, 'unauthenticated', `unknown user ${id}`);
  await cache.setJson(key, user, 300);
  return user;
}

export const gateway: ServiceDefinition = {
  name: 'gateway',
  schema: gatewaySchema,
  routes: (app, ctx) => {
    const { peers, db } = ctx;
    const qs = (params: Record<string, string | number | undefined>) =>
      new URLSearchParams(
        Object.entries(params).flatMap(([k, v]): [string, string][] =>
          v === undefined ? [] : [[k, String(v)]],
        ),
      ).toString();

    app.get('/api/products', async (req, res) => {
      const q = input(
        z.object({
          category: z.string().min(1).max(40),
          page: z.coerce.number().int().min(1).max(1000).default(1),
        }),
        req.query,
      );
      res.json(await peers.call('catalog', 'GET', `/products?${qs({ category: q.category, page: q.page })}`));
    });

    app.get('/api/search', async (req, res) => {
      const q = input(z.object({ q: z.string().trim().min(2).max(80) }), req.query);
      res.json(await peers.call('catalog', 'GET', `/search?${qs({ q: q.q, limit: 20 })}`));
    });

    // The product page fans out: details, stock and the latest reviews at once.
    app.get('/api/products/:sku', async (req, res) => {
      const sku = encodeURIComponent(req.params.sku);
      const [product, stock, reviews] = await Promise.all([
        peers.call<Record<string, unknown>>('catalog', 'GET', `/products/${sku}`),
        peers.call<{ available: number }>('inventory', 'GET', `/stock/${sku}`),
        peers.call<{ items: unknown[] }>('catalog', 'GET', `/products/${sku}/reviews?limit=5`),
      ]);
      res.json({ ...product, available: stock.available, reviews: reviews.items });
    });

    app.post('/api/checkout', async (req, res) => {
      const user = await currentUser(ctx, req);
      const body = input(
        z
          .object({
            items: z.array(z.unknown()).min(1).max(20),
            card: z.unknown(),
            shippingAddress: z.unknown(),
          })
          .loose(),
        req.body,
      );
      const order = await peers.call<{ orderId: string; totalCents: number }>(
        'orders',
        'POST',
        '/orders',
        { ...body, userId: user.id },
        { timeoutMs: 10_000 },
      );
      await db.run('UPDATE users SET last_order_at = ? WHERE id = ?', [Date.now(), user.id]);
      res.status(201).json(order);
    });

    app.post('/api/orders/:id/refund', async (req, res) => {
      const user = await currentUser(ctx, req);
      const body = input(z.object({ reason: z.string().min(1).max(200) }), req.body);
      res.json(
        await peers.call('orders', 'POST', `/orders/${encodeURIComponent(req.params.id)}/refund`, {
          userId: user.id,
          reason: body.reason,
        }),
      );
    });

    app.get('/api/orders', async (req, res) => {
      const user = await currentUser(ctx, req);
      res.json(await peers.call('orders', 'GET', `/orders?${qs({ userId: user.id, limit: 10 })}`));
    });
  },
};
