import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { catalogSchema } from '../services/catalog/schema.ts';
import { inventorySchema } from '../services/inventory/schema.ts';
import { openDatabase, type Database } from './database.ts';
import { migrate } from './migrate.ts';
import { slowVariant } from './slow-statement.ts';

/** Temporary directories of this file, removed after its tests. */
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The SQLite driver on a real file, as the services use it (no preload here, so no spans). */
describe('SQLite database of a service', () => {
  let db: Database | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });
  const open = async (poolSize = 3) => {
    const file = join(tempDir('demo-shop-db-'), 'shop.db');
    db = await openDatabase({ dialect: 'sqlite', file }, { service: 'test', tables: [], poolSize });
    await migrate(db, catalogSchema);
    await migrate(db, inventorySchema);
    return db;
  };

  it('seeds once and answers the same with and without db-slow', async () => {
    const d = await open();
    expect((await migrate(d, catalogSchema)).seeded).toBe(false);
    const statements: [string, (string | number)[]][] = [
      [
        'SELECT sku, name FROM products WHERE category = ? ORDER BY created_at DESC, sku LIMIT ? OFFSET ?',
        ['kitchen', 5, 2],
      ],
      ['SELECT COUNT(*) AS n FROM products WHERE category = ?', ['garden']],
      [
        'SELECT sku FROM products WHERE lower(name) LIKE ? OR lower(brand) LIKE ? ORDER BY price_cents LIMIT ?',
        ['%kettle%', '%kettle%', 3],
      ],
      ['SELECT sku FROM products WHERE sku IN (?, ?, ?)', ['SKU-10001', 'SKU-10002', 'SKU-99999']],
      ['SELECT sku FROM products WHERE sku = ?', ['SKU-00000']],
      ['SELECT AVG(rating) AS avg, COUNT(*) AS n FROM reviews WHERE sku = ?', ['SKU-10001']],
      // An index lookup that finds nothing: a delay compared with a column would never run.
      ['SELECT id FROM reservations WHERE order_id = ? AND status = ?', ['no-such-order', 'held']],
    ];
    const plain = [];
    for (const [sql, params] of statements) plain.push(await d.all(sql, params));
    d.setStatementDelay(40);
    for (const [i, [sql, params]] of statements.entries()) {
      const started = performance.now();
      expect(await d.all(sql, params)).toEqual(plain[i]);
      // The delay runs inside the statement once, also when no row matches.
      expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    }
  });

  it('slows writes inside the statement too, whether or not a row matches', async () => {
    const d = await open();
    d.setStatementDelay(40);
    for (const [sql, params] of [
      [
        'UPDATE stock SET reserved = reserved + ?, updated_at = ? WHERE sku = ? AND warehouse = ?',
        [1, 1, 'SKU-10001', 'ams-1'],
      ],
      ['UPDATE stock SET reserved = reserved + ? WHERE sku = ?', [1, 'SKU-NONE']],
      ['DELETE FROM reservations WHERE order_id = ?', ['none']],
    ] as const) {
      const started = performance.now();
      await d.run(sql, [...params]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    }
    const started = performance.now();
    const row = await d.get<{ id: number }>(
      'INSERT INTO reservations (order_id, sku, warehouse, qty, status, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id',
      ['o1', 'SKU-10001', 'ams-1', 1, 'held', 1],
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    expect(row?.id).toBe(1);
    d.setStatementDelay(0);
    expect(await d.get('SELECT qty, status FROM reservations WHERE id = ?', [1])).toEqual({
      qty: 1,
      status: 'held',
    });
  });

  it('rolls a failed transaction back', async () => {
    const d = await open();
    await expect(
      d.transaction(async (tx) => {
        await tx.run('UPDATE stock SET on_hand = ? WHERE sku = ?', [12345, 'SKU-10001']);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const rows = await d.all<{ on_hand: number }>('SELECT on_hand FROM stock WHERE sku = ?', ['SKU-10001']);
    expect(rows.some((r) => r.on_hand === 12345)).toBe(false);
  });

  it('under pool-exhaustion, units of work wait for the one connection (before their statements)', async () => {
    const d = await open();
    d.pool.constrain(1, 0);
    const order: string[] = [];
    const work = (name: string) =>
      d.withConnection(async (c) => {
        order.push(`${name} start`);
        await c.get('SELECT sku FROM products WHERE sku = ?', ['SKU-10001']);
        await new Promise((resolve) => setTimeout(resolve, 20));
        order.push(`${name} end`);
      });
    await Promise.all([work('a'), work('b'), work('c')]);
    expect(order).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    d.pool.constrain(undefined);
    expect(d.pool.stats()).toMatchObject({ size: 3, pending: 0, used: 0 });
  });
});

describe('db-slow statement rewrite', () => {
  it('puts the delay in front of a top-level WHERE, else around the last placeholder outside quotes', () => {
    expect(
      slowVariant(
        "UPDATE t SET a = ? WHERE (b = '?' OR c IN (SELECT c FROM u WHERE d = ?)) ORDER BY e LIMIT ?",
        [1, 'x', 5],
        100,
      ),
    ).toEqual({
      sql: "UPDATE t SET a = ? WHERE demo_delay(?) = 0 AND ((b = '?' OR c IN (SELECT c FROM u WHERE d = ?))) ORDER BY e LIMIT ?",
      params: [1, 100, 'x', 5],
    });
    expect(slowVariant('INSERT INTO t (a, b) VALUES (?, ?) RETURNING id', ['x', 5], 100)).toEqual({
      sql: 'INSERT INTO t (a, b) VALUES (?, iif(demo_delay(?) = 0, ?, NULL)) RETURNING id',
      params: ['x', 100, 5],
    });
    expect(slowVariant('CREATE TABLE t (a)', [], 100)).toEqual({ sql: 'CREATE TABLE t (a)', params: [] });
  });
});
