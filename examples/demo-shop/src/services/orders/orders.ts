import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { createProducer } from '../../runtime/queue.ts';
import { HttpError, notFound, PeerError } from '../../runtime/http-errors.ts';
import { inSpan, SpanKind } from '../../runtime/otel.ts';
import type { ServiceDefinition } from '../../runtime/service.ts';
import { input } from '../../runtime/validate.ts';
import { dataPaths, QUEUE_TOPIC } from '../../topology.ts';
import { ordersSchema } from './schema.ts';

const Checkout = z.object({
  userId: z.string().min(1).max(32),
  currency: z.enum(['EUR', 'USD', 'GBP']).default('EUR'),
  items: z
    .array(z.object({ sku: z.string().min(1).max(40), qty: z.number().int().min(1).max(20) }))
    .min(1)
    .max(20),
  card: z.object({ number: z.string(), expMonth: z.number(), expYear: z.number(), cvc: z.string() }),
  shippingAddress: z.object({
    name: z.string().max(100),
    line1: z.string().max(200),
    city: z.string().max(100),
    postcode: z.string().max(20),
    country: z.string().length(2),
  }),
});

interface OrderRow {
  id: string;
  user_id: string;
  status: string;
  total_cents: number;
  currency: string;
  payment_id: number | null;
  item_count: number;
  created_at: number;
}

export const orders: ServiceDefinition = {
  name: 'orders',
  schema: ordersSchema,
  retention: [
    'DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE created_at < ?)',
    'DELETE FROM orders WHERE created_at < ?',
  ],
  routes: (app, { db, log, peers, env }) => {
    const events = createProducer(dataPaths(env.dataDir).queueDir(QUEUE_TOPIC), QUEUE_TOPIC);

    app.post('/orders', async (req, res) => {
      const body = input(Checkout, req.body);
      const orderId = randomUUID();
      const { prices } = await peers.call<{ prices: { sku: string; name: string; price_cents: number }[] }>(
        'catalog',
        'POST',
        '/prices',
        { skus: body.items.map((i) => i.sku) },
      );
      const lines = body.items.map((item) => {
        const price = prices.find((p) => p.sku === item.sku)!;
        return { ...item, name: price.name, unitPriceCents: price.price_cents };
      });
      const total = await inSpan('price basket', { kind: SpanKind.INTERNAL }, async (span) => {
        const subtotal = lines.reduce((sum, l) => sum + l.qty * l.unitPriceCents, 0);
        const shipping = subtotal >= 5000 ? 0 : 495;
        span.setAttribute('shop.basket.items', lines.length);
        return Promise.resolve(subtotal + shipping);
      });
      await peers.call('inventory', 'POST', '/reservations', {
        orderId,
        items: body.items,
      });

      // The order's unit of work keeps its connection while payment runs: a pool that is too small shows
      // here first (pool-exhaustion), as it does in apps written this way.
      const result = await db.withConnection(async (conn) => {
        const now = Date.now();
        await conn.run(
          `INSERT INTO orders (id, user_id, status, total_cents, currency, payment_id, item_count, shipping_country, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            orderId,
            body.userId,
            'pending',
            total,
            body.currency,
            null,
            lines.length,
            body.shippingAddress.country,
            now,
            now,
          ],
        );
        for (const l of lines) {
          await conn.run(
            'INSERT INTO order_items (order_id, sku, name, qty, unit_price_cents) VALUES (?, ?, ?, ?, ?)',
            [orderId, l.sku, l.name, l.qty, l.unitPriceCents],
          );
        }
        try {
          const payment = await peers.call<{ paymentId: number }>('payments', 'POST', '/charges', {
            orderId,
            userId: body.userId,
            amountCents: total,
            currency: body.currency,
            country: body.shippingAddress.country,
            card: body.card,
          });
          await conn.run('UPDATE orders SET status = ?, payment_id = ?, updated_at = ? WHERE id = ?', [
            'placed',
            payment.paymentId,
            Date.now(),
            orderId,
          ]);
          return { paymentId: payment.paymentId };
        } catch (error) {
          await conn.run('UPDATE orders SET status = ?, updated_at = ? WHERE id = ?', [
            'payment_failed',
            Date.now(),
            orderId,
          ]);
          return { error };
        }
      });
      if ('error' in result) {
        // Give the goods back whatever the payment's answer; a failure here is the restock job's to fix.
        await peers
          .call('inventory', 'DELETE', `/reservations/${orderId}`)
          .catch((e: unknown) => log.error({ err: e, orderId }, 'could not release the reservation'));
        throw result.error;
      }
      await peers.call('inventory', 'POST', `/reservations/${orderId}/commit`);
      await events.publish('order.placed', {
        orderId,
        userId: body.userId,
        totalCents: total,
        currency: body.currency,
        items: lines.map((l) => ({ sku: l.sku, name: l.name, qty: l.qty })),
      });
      log.info({ orderId, userId: body.userId, totalCents: total, items: lines.length }, 'order placed');
      res.status(201).json({
        orderId,
        status: 'placed',
        totalCents: total,
        currency: body.currency,
        paymentId: result.paymentId,
      });
    });

    app.post('/orders/:id/refund', async (req, res) => {
      const body = input(z.object({ userId: z.string().min(1), reason: z.string().max(200) }), req.body);
      const order = await db.get<OrderRow>('SELECT * FROM orders WHERE id = ?', [req.params.id]);
      if (order === undefined || order.user_id !== body.userId) throw notFound(`order ${req.params.id}`);
      if (order.status !== 'placed' || order.payment_id === null) {
        throw new HttpError(409, 'not_refundable', `order ${order.id} is ${order.status}`);
      }
      try {
        await peers.call('payments', 'POST', '/refunds', {
          paymentId: order.payment_id,
          amountCents: order.total_cents,
          reason: body.reason,
        });
      } catch (error) {
        if (error instanceof PeerError && error.peerStatus === 409) {
          throw new HttpError(409, 'not_refundable', `order ${order.id} was already refunded`);
        }
        throw error;
      }
      await peers.call('inventory', 'POST', '/returns', { orderId: order.id });
      await db.run('UPDATE orders SET status = ?, updated_at = ? WHERE id = ?', [
        'refunded',
        Date.now(),
        order.id,
      ]);
      await events.publish('order.refunded', {
        orderId: order.id,
        userId: order.user_id,
        totalCents: order.total_cents,
      });
      log.info({ orderId: order.id, reason: body.reason }, 'order refunded');
      res.json({ orderId: order.id, status: 'refunded' });
    });

    app.get('/orders', async (req, res) => {
      const q = input(
        z.object({ userId: z.string().min(1), limit: z.coerce.number().int().min(1).max(50).default(10) }),
        req.query,
      );
      const items = await db.all<OrderRow>(
        'SELECT id, status, total_cents, currency, item_count, created_at FROM orders WHERE user_id = ? ORDER BY created_at DESC LIMIT ?',
        [q.userId, q.limit],
      );
      res.json({ items });
    });

    app.get('/orders/:id', async (req, res) => {
      const order = await db.get<OrderRow>('SELECT * FROM orders WHERE id = ?', [req.params.id]);
      if (order === undefined) throw notFound(`order ${req.params.id}`);
      const items = await db.all(
        'SELECT sku, name, qty, unit_price_cents FROM order_items WHERE order_id = ?',
        [order.id],
      );
      res.json({ ...order, items });
    });
  },
};
