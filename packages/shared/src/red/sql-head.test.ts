import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSqlHead } from './sql-head.ts';

/** [statement, operation, table]; operation undefined = not recognised as SQL. */
const CASES: [string, string | undefined, string][] = [
  // Plain statements, any case, placeholders of every driver.
  ['SELECT * FROM users WHERE id = $1', 'SELECT', 'users'],
  ['select id, name from users where tenant_id = ? limit 50', 'SELECT', 'users'],
  ['Select u.id From users u Join orders o On o.user_id = u.id', 'SELECT', 'users'],
  ['SELECT count(*) FROM orders, order_items WHERE orders.id = order_items.order_id', 'SELECT', 'orders'],
  ['SELECT 1', 'SELECT', ''],
  ['SELECT now()', 'SELECT', ''],
  ['INSERT INTO orders (id, total) VALUES ($1, $2) RETURNING id', 'INSERT', 'orders'],
  ['insert into sessions values (:id, :data)', 'INSERT', 'sessions'],
  ['UPDATE inventory SET qty = qty - 1 WHERE sku = @sku', 'UPDATE', 'inventory'],
  ['DELETE FROM sessions WHERE expires_at < now()', 'DELETE', 'sessions'],
  // Schema-qualified and quoted names.
  ['SELECT * FROM public.users', 'SELECT', 'public.users'],
  ['SELECT "Id" FROM "Public"."UserAccounts" WHERE "Id" = $1', 'SELECT', 'Public.UserAccounts'],
  ['SELECT * FROM `shop`.`order items`', 'SELECT', 'shop.order items'],
  ['SELECT TOP 10 * FROM [dbo].[Orders] WITH (NOLOCK)', 'SELECT', 'dbo.Orders'],
  ['INSERT INTO "Events" ("id", "payload") VALUES ($1, $2)', 'INSERT', 'Events'],
  ['SELECT * FROM "weird ""quoted"" name"', 'SELECT', 'weird "quoted" name'],
  ['SELECT * FROM заказы', 'SELECT', 'заказы'],
  // Comments, whitespace, literals that look like keywords.
  ['/* controller=orders,action=show */ SELECT * FROM orders WHERE id = 1', 'SELECT', 'orders'],
  ['-- fetch the user\n  SELECT * FROM users', 'SELECT', 'users'],
  ['\n\t  SELECT \'FROM x\' AS label, "from" FROM labels', 'SELECT', 'labels'],
  ["SELECT a FROM t1 WHERE b = 'it''s FROM t2'", 'SELECT', 't1'],
  ['SELECT $$ FROM fake $$ AS body FROM docs', 'SELECT', 'docs'],
  ['SELECT * FROM logs; DROP TABLE users', 'SELECT', 'logs'],
  // Subqueries and FROM inside functions.
  ['SELECT (SELECT max(id) FROM orders) AS m FROM users', 'SELECT', 'users'],
  ['SELECT EXTRACT(YEAR FROM created_at) FROM invoices', 'SELECT', 'invoices'],
  ['SELECT * FROM (SELECT id FROM accounts WHERE active) AS a', 'SELECT', 'accounts'],
  ['(SELECT a FROM t1) UNION (SELECT a FROM t2)', 'SELECT', 't1'],
  ['SELECT * FROM ONLY parent_table', 'SELECT', 'parent_table'],
  // CTEs: the main statement's operation; a CTE name resolves to the table the CTE reads.
  ['WITH recent AS (SELECT * FROM orders WHERE ts > $1) SELECT * FROM recent', 'SELECT', 'orders'],
  [
    'WITH a AS (SELECT id FROM users), b AS MATERIALIZED (SELECT * FROM orders) INSERT INTO archive SELECT * FROM b',
    'INSERT',
    'archive',
  ],
  ['WITH moved AS (DELETE FROM tasks RETURNING *) INSERT INTO done SELECT * FROM moved', 'INSERT', 'done'],
  ['with x(n) as (select 1) update counters set n = n + 1', 'UPDATE', 'counters'],
  [
    'WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t WHERE n < 9) SELECT sum(n) FROM t',
    'SELECT',
    '',
  ],
  ['WITH s AS (SELECT * FROM stock) SELECT * FROM s JOIN items ON true', 'SELECT', 'stock'],
  // Dialect variants.
  ['INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', 'INSERT', 'kv'],
  ['INSERT IGNORE INTO tags (name) VALUES (?)', 'INSERT', 'tags'],
  ['INSERT OVERWRITE TABLE daily SELECT * FROM raw', 'INSERT', 'daily'],
  ['REPLACE INTO settings (k, v) VALUES (?, ?)', 'REPLACE', 'settings'],
  ['UPSERT INTO metrics (k, v) VALUES ($1, $2)', 'UPSERT', 'metrics'],
  [
    'MERGE INTO target t USING source s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v',
    'MERGE',
    'target',
  ],
  ['UPDATE ONLY accounts SET balance = 0', 'UPDATE', 'accounts'],
  ['DELETE LOW_PRIORITY FROM audit_log WHERE ts < ?', 'DELETE', 'audit_log'],
  ['TRUNCATE TABLE staging.events', 'TRUNCATE', 'staging.events'],
  ['CREATE TABLE IF NOT EXISTS jobs (id bigint)', 'CREATE', 'jobs'],
  ['CREATE UNIQUE INDEX idx ON users (email)', 'CREATE', ''],
  ['DROP TABLE IF EXISTS tmp_import', 'DROP', 'tmp_import'],
  ['ALTER TABLE users ADD COLUMN age int', 'ALTER', 'users'],
  ['CALL refresh_stats(1)', 'CALL', 'refresh_stats'],
  ['EXEC dbo.GetOrders @id = 1', 'EXEC', 'dbo.GetOrders'],
  // Statements without a table, and texts that are not SQL.
  ['BEGIN', 'BEGIN', ''],
  ['commit', 'COMMIT', ''],
  ['SET search_path TO app', 'SET', ''],
  ['SHOW TABLES', 'SHOW', ''],
  ['HGETALL session:42', 'HGETALL', ''],
  ['{"find": "users", "filter": {}}', undefined, ''],
  ['', undefined, ''],
  ['   -- only a comment', undefined, ''],
  ['$1', undefined, ''],
];

describe('parseSqlHead', () => {
  it.each(CASES)('%s', (statement, operation, table) => {
    const head = parseSqlHead(statement);
    if (operation === undefined) expect(head).toBeUndefined();
    else expect(head).toEqual({ operation, table });
  });

  it('reads only the head of a huge statement', () => {
    const columns = Array.from({ length: 5000 }, (_, i) => `c${i}`).join(', ');
    expect(parseSqlHead(`INSERT INTO wide (${columns}) VALUES (1)`)).toEqual({
      operation: 'INSERT',
      table: 'wide',
    });
    // The FROM of this SELECT lies beyond what is read: operation known, table not.
    expect(parseSqlHead(`SELECT ${columns} FROM wide`)).toEqual({ operation: 'SELECT', table: '' });
  });

  it('never throws, whatever the text (unterminated quotes, comments, parentheses)', () => {
    for (const s of [
      'SELECT "unterminated',
      "SELECT 'x",
      'SELECT /* x',
      'WITH a AS (SELECT',
      'SELECT ((((',
      '))) SELECT',
      'WITH',
    ])
      expect(() => parseSqlHead(s)).not.toThrow();
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const head = parseSqlHead(s);
        if (head !== undefined) expect(head.operation).toMatch(/^[A-Z][A-Z_]*$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseSqlHead on long statements (a short first pass, then further only when needed)', () => {
  const filler = (n: number) => Array.from({ length: n }, (_, i) => `col_${i}`).join(', ');
  it.each([
    [`INSERT INTO bulk_target (${filler(400)}) VALUES (1)`, 'INSERT', 'bulk_target'],
    // The FROM sits past the first pass: read again, further.
    [`SELECT ${filler(300)} FROM far_away`, 'SELECT', 'far_away'],
    // A qualified name straddling the first pass's end is read whole.
    [`SELECT ${'x'.repeat(497)} FROM a.b`, 'SELECT', 'a.b'],
    [`SELECT ${'x'.repeat(496)} FROM a.b`, 'SELECT', 'a.b'],
    [`SELECT ${'x'.repeat(495)} FROM "a"."b"`, 'SELECT', 'a.b'],
    [`WITH big AS (SELECT ${filler(200)} FROM src) SELECT * FROM big`, 'SELECT', 'src'],
  ])('%#', (statement, operation, table) => {
    expect(parseSqlHead(statement)).toEqual({ operation, table });
  });
});
