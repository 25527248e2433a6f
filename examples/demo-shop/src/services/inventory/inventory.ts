import { z } from 'zod';
import type { Queryable } from '../../db/database.ts';
import { HttpError, notFound } from '../../runtime/http-errors.ts';
import { inSpan, SpanKind } from '../../runtime/otel.ts';
import type { ServiceContext, ServiceDefinition } from '../../runtime/service.ts';
import { input } from '../../runtime/validate.ts';
import { inventorySchema } from './schema.ts';

const Items = z
  .array(z.object({ sku: z.string().min(1).max(40), qty: z.number().int().min(1).max(20) }))
  .min(1)
  .max(20);

interface Reservation {
  id: number;
  sku: string;
  warehouse: string;
  qty: number;
}

async function reservationsOf(db: Queryable, orderId: string, status: string): Promise<Reservation[]> {
  return db.all<Reservation>(
    'SELECT id, sku, warehouse, qty FROM reservations WHERE order_id = ? AND status = ?',
    [orderId, status],
  );
}

/** Puts held (or, for a return, committed) quantities back and marks the reservations. */
async function putBack(
  db: Queryable,
  orderId: string,
  from: 'held' | 'committed',
  to: string,
): Promise<number> {
  const rows = await reservationsOf(db, orderId, from);
  for (const r of rows) {
    await db.run(
      from === 'held'
        ? 'UPDATE stock SET reserved = reserved - ?, updated_at = ? WHERE sku = ? AND warehouse = ?'
        : 'UPDATE stock SET on_hand = on_hand + ?, updated_at = ? WHERE sku = ? AND warehouse = ?',
      [r.qty, Date.now(), r.sku, r.warehouse],
    );
  }
  if (rows.length > 0) {
    await db.run('UPDATE reservations SET status = ? WHERE order_id = ? AND status = ?', [to, orderId, from]);
  }
  return rows.length;
}

const RESTOCK_EVERY_MS = 20_000;
const STALE_RESERVATION_MS = 10 * 60_000;

/** The warehouse job: replenish low stock, release reservations of checkouts that never finished. */
function restockJob({ db, log, underFaults }: ServiceContext): () => Promise<void> {
  const run = () =>
    inSpan('restock job', { kind: SpanKind.INTERNAL }, () =>
      underFaults(async () => {
        const replenished = await db.run(
          'UPDATE stock SET on_hand = on_hand + ?, updated_at = ? WHERE on_hand - reserved < ?',
          [40, Date.now(), 3],
        );
        const stale = await db.all<{ order_id: string }>(
          'SELECT DISTINCT order_id FROM reservations WHERE status = ? AND created_at < ?',
          ['held', Date.now() - STALE_RESERVATION_MS],
        );
        for (const { order_id } of stale)
          await db.transaction((tx) => putBack(tx, order_id, 'held', 'expired'));
        if (replenished.changes > 0 || stale.length > 0) {
          log.info({ replenished: replenished.changes, expired: stale.length }, 'restock job done');
        }
      }),
    ).catch((error: unknown) => log.error({ err: error }, 'restock job failed'));
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = run();
  }, RESTOCK_EVERY_MS);
  return async () => {
    clearInterval(timer);
    await running;
  };
}

export const inventory: ServiceDefinition = {
  name: 'inventory',
  schema: inventorySchema,
  retention: ["DELETE FROM reservations WHERE status <> 'held' AND created_at < ?"],
  routes: (app, { db, log }) => {
    app.get('/stock/:sku', async (req, res) => {
      const rows = await db.all<{ warehouse: string; on_hand: number; reserved: number }>(
        'SELECT warehouse, on_hand, reserved FROM stock WHERE sku = ?',
        [req.params.sku],
      );
      if (rows.length === 0) throw notFound(`stock of ${req.params.sku}`);
      const available = rows.reduce((n, r) => n + Math.max(0, r.on_hand - r.reserved), 0);
      res.json({ sku: req.params.sku, available, warehouses: rows });
    });

    app.post('/reservations', async (req, res) => {
      const body = input(z.object({ orderId: z.string().min(1).max(64), items: Items }), req.body);
      const held = await db.transaction(async (tx) => {
        const out: { sku: string; warehouse: string; qty: number }[] = [];
        for (const item of body.items) {
          const row = await tx.get<{ warehouse: string }>(
            `SELECT warehouse FROM stock WHERE sku = ? AND on_hand - reserved >= ?
             ORDER BY on_hand - reserved DESC LIMIT ?`,
            [item.sku, item.qty, 1],
          );
          if (row === undefined) {
            throw new HttpError(409, 'out_of_stock', `${item.sku} is out of stock (wanted ${item.qty})`);
          }
          await tx.run(
            'UPDATE stock SET reserved = reserved + ?, updated_at = ? WHERE sku = ? AND warehouse = ?',
            [item.qty, Date.now(), item.sku, row.warehouse],
          );
          await tx.run(
            'INSERT INTO reservations (order_id, sku, warehouse, qty, status, created_at) VALUES (?, ?, ?, ?, ?, ?)',
            [body.orderId, item.sku, row.warehouse, item.qty, 'held', Date.now()],
          );
          out.push({ sku: item.sku, warehouse: row.warehouse, qty: item.qty });
        }
        return out;
      });
      res.status(201).json({ orderId: body.orderId, items: held });
    });

    app.post('/reservations/:orderId/commit', async (req, res) => {
      const orderId = req.params.orderId;
      const committed = await db.transaction(async (tx) => {
        const rows = await reservationsOf(tx, orderId, 'held');
        for (const r of rows) {
          await tx.run(
            'UPDATE stock SET on_hand = on_hand - ?, reserved = reserved - ?, updated_at = ? WHERE sku = ? AND warehouse = ?',
            [r.qty, r.qty, Date.now(), r.sku, r.warehouse],
          );
        }
        await tx.run('UPDATE reservations SET status = ? WHERE order_id = ? AND status = ?', [
          'committed',
          orderId,
          'held',
        ]);
        return rows.length;
      });
      if (committed === 0) throw notFound(`held reservation for order ${orderId}`);
      res.json({ orderId, committed });
    });

    app.delete('/reservations/:orderId', async (req, res) => {
      const released = await db.transaction((tx) => putBack(tx, req.params.orderId, 'held', 'released'));
      res.json({ orderId: req.params.orderId, released });
    });

    // A refunded order's goods go back on the shelf.
    app.post('/returns', async (req, res) => {
      const body = input(z.object({ orderId: z.string().min(1).max(64) }), req.body);
      const returned = await db.transaction((tx) => putBack(tx, body.orderId, 'committed', 'returned'));
      if (returned === 0)
        log.warn({ orderId: body.orderId }, 'return for an order with no committed reservation');
      res.json({ orderId: body.orderId, returned });
    });
  },
  background: restockJob,
};
