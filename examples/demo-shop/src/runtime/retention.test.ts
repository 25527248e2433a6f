import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { orders } from '../services/orders/orders.ts';
import { ordersSchema } from '../services/orders/schema.ts';
import { purgeExpired, RETENTION_MS } from './retention.ts';

const dir = mkdtempSync(join(tmpdir(), 'demo-shop-retention-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retention of business rows (real SQLite file)', () => {
  it('purges orders older than the retention with their items, and keeps the recent ones', async () => {
    const db = await openDatabase(
      { dialect: 'sqlite', file: join(dir, 'orders.db') },
      { service: 'orders', tables: [] },
    );
    try {
      await migrate(db, ordersSchema);
      const now = Date.now();
      const place = async (id: string, at: number) => {
        await db.run(
          `INSERT INTO orders (id, user_id, status, total_cents, currency, payment_id, item_count, shipping_country, created_at, updated_at)
           VALUES (?, 'u1', 'paid', 1000, 'EUR', NULL, 1, 'DE', ?, ?)`,
          [id, at, at],
        );
        await db.run(
          'INSERT INTO order_items (order_id, sku, name, qty, unit_price_cents) VALUES (?, ?, ?, 1, 1000)',
          [id, 'SKU-1', 'kettle'],
        );
      };
      await place('old', now - RETENTION_MS - 1000);
      await place('recent', now - RETENTION_MS + 60_000);
      const purged = await purgeExpired(db, orders.retention ?? [], now);
      expect(purged).toBe(2); // the old order and its item
      expect(await db.all<{ id: string }>('SELECT id FROM orders')).toEqual([{ id: 'recent' }]);
      expect(await db.all<{ order_id: string }>('SELECT order_id FROM order_items')).toEqual([
        { order_id: 'recent' },
      ]);
    } finally {
      await db.close();
    }
  });
});
