import { describe, expect, it } from 'vitest';
import { sanitizeSqlLiterals, summarizeSql } from './sql-summary.ts';

describe('summarizeSql', () => {
  it.each([
    ['SELECT id, total FROM orders WHERE id = ?', 'SELECT', 'orders'],
    ['select * from Orders o join items i on i.order_id = o.id', 'SELECT', 'Orders'],
    ['SELECT count(*) FROM (SELECT * FROM orders) AS t', 'SELECT', undefined],
    ['SELECT (SELECT max(id) FROM items) AS m FROM orders', 'SELECT', 'orders'],
    ['SELECT 1', 'SELECT', undefined],
    ['INSERT INTO orders (id, total) VALUES (?, ?)', 'INSERT', 'orders'],
    ['INSERT OR REPLACE INTO main.orders VALUES (:id)', 'INSERT', 'main.orders'],
    ['REPLACE INTO "order items" VALUES (1)', 'REPLACE', 'order items'],
    ['UPDATE orders SET total = ? WHERE id = ?', 'UPDATE', 'orders'],
    ['UPDATE OR IGNORE orders SET total = 1', 'UPDATE', 'orders'],
    ['DELETE FROM `orders` WHERE id = $id', 'DELETE', 'orders'],
    ['CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, note TEXT)', 'CREATE', 'orders'],
    ['CREATE UNIQUE INDEX orders_by_customer ON orders (customer)', 'CREATE', 'orders'],
    ['DROP TABLE IF EXISTS [orders]', 'DROP', 'orders'],
    ['PRAGMA journal_mode = WAL', 'PRAGMA', undefined],
    ['BEGIN', 'BEGIN', undefined],
    ['WITH recent AS (SELECT * FROM orders WHERE ts > ?) SELECT * FROM recent', 'SELECT', 'recent'],
    ['WITH t AS (SELECT 1) INSERT INTO audit SELECT * FROM t', 'INSERT', 'audit'],
    ['  -- leading comment\n /* block */ select * from orders', 'SELECT', 'orders'],
  ])('%s → %s %s', (sql, operation, collection) => {
    const summary = summarizeSql(sql);
    expect(summary.operation).toBe(operation);
    expect(summary.collection).toBe(collection);
    expect(summary.summary).toBe(collection === undefined ? operation : `${operation} ${collection}`);
  });

  it('counts statements at the top level only', () => {
    expect(summarizeSql('CREATE TABLE a (x); INSERT INTO a VALUES (1);').statementCount).toBe(2);
    expect(summarizeSql("SELECT ';' FROM a").statementCount).toBe(1);
    expect(summarizeSql('CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END').operation).toBe('CREATE');
  });

  it('yields nothing, without throwing, for text that is not SQL', () => {
    for (const text of ['', '   ', '((', "'unterminated", '"unterminated', '/* unterminated', '42']) {
      const summary = summarizeSql(text);
      expect(summary.summary).toBeUndefined();
      expect(summary.collection).toBeUndefined();
    }
  });
});

describe('sanitizeSqlLiterals', () => {
  it('replaces string, number and blob literals and keeps names, placeholders and comments', () => {
    expect(
      sanitizeSqlLiterals(
        "INSERT INTO t2 (a, \"b'1\") VALUES ('it''s', 42, -1.5e-3, x'ff', ?, :name) -- note 7",
      ),
    ).toBe('INSERT INTO t2 (a, "b\'1") VALUES (?, ?, -?, ?, ?, :name) -- note 7');
  });

  it('leaves text without literals unchanged', () => {
    const sql = 'SELECT id FROM orders WHERE id = ?';
    expect(sanitizeSqlLiterals(sql)).toBe(sql);
  });
});
