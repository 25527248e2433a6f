import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { Database, OpenOptions, Queryable } from './database.ts';
import { ConnectionPool, DEFAULT_POOL_SIZE } from './pool.ts';
import type { SqlParam } from './slow-statement.ts';

/**
 * PostgreSQL through `pg` (client spans by the preload's pg instrumentation). Each service owns a schema in
 * the shared database, selected with `search_path`, so the statements are the same as on SQLite.
 *
 * db-slow here is lock contention, the way PostgreSQL statements really become slow: a worker thread (not
 * instrumented: the preload does nothing in workers) holds ACCESS EXCLUSIVE locks on the service's tables in
 * a loop, so every statement waits inside the database for up to twice the configured delay.
 */

// COUNT(*) and friends are int8, AVG is numeric: both arrive as strings unless told otherwise.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

const numbered = (sql: string): string => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function openPostgres(url: string, schema: string, options: OpenOptions): Promise<Database> {
  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    return client;
  };
  const pool = new ConnectionPool<pg.Client>({
    name: `${options.service}-postgres`,
    size: options.poolSize ?? DEFAULT_POOL_SIZE,
    create: connect,
    destroy: (client) => client.end(),
  });
  const setup = await connect();
  try {
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } finally {
    await setup.end();
  }
  await pool.warm();

  const on = (client: pg.Client): Queryable => ({
    all: async <T extends object>(sql: string, params: readonly SqlParam[] = []) =>
      (await client.query(numbered(sql), params as unknown[])).rows as T[],
    get: async <T extends object>(sql: string, params: readonly SqlParam[] = []) =>
      (await client.query(numbered(sql), params as unknown[])).rows[0] as T | undefined,
    run: async (sql: string, params: readonly SqlParam[] = []) => ({
      changes: (await client.query(numbered(sql), params as unknown[])).rowCount ?? 0,
    }),
  });

  const withConnection = async <T>(fn: (connection: Queryable) => Promise<T>): Promise<T> => {
    const lease = await pool.acquire();
    try {
      return await fn(on(lease.connection));
    } finally {
      lease.release();
    }
  };

  let locker: Worker | undefined;
  const stopLocker = async () => {
    const worker = locker;
    locker = undefined;
    if (worker) await worker.terminate();
  };

  return {
    dialect: 'postgres',
    location: schema,
    pool,
    all: (sql, params) => withConnection((c) => c.all(sql, params)),
    get: (sql, params) => withConnection((c) => c.get(sql, params)),
    run: (sql, params) => withConnection((c) => c.run(sql, params)),
    withConnection,
    transaction: (fn) =>
      withConnection(async (c) => {
        await c.run('BEGIN');
        try {
          const result = await fn(c);
          await c.run('COMMIT');
          return result;
        } catch (error) {
          await c.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    execScript: (statements) =>
      withConnection(async (c) => {
        for (const sql of statements) await c.run(sql);
      }),
    setStatementDelay: (ms) => {
      void stopLocker().then(() => {
        if (ms <= 0) return;
        // Next to this module: the TypeScript source, or its JavaScript when the shop runs compiled (shop-code.ts).
        const worker = import.meta.url.endsWith('.ts') ? './pg-locker-worker.ts' : './pg-locker-worker.mjs';
        locker = new Worker(new URL(worker, import.meta.url), {
          workerData: { url, schema, tables: options.tables, holdMs: ms * 2 },
        });
        locker.unref();
        locker.on('error', () => undefined);
      });
    },
    close: async () => {
      await stopLocker();
      await pool.close();
    },
  };
}
