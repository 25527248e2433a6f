import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DatabaseSync, type StatementSync, type SQLInputValue } from 'node:sqlite';
import { Mutex } from '../runtime/mutex.ts';
import type { Database, OpenOptions, Queryable } from './database.ts';
import { ConnectionPool, DEFAULT_POOL_SIZE } from './pool.ts';
import { SLOW_FUNCTION, demoDelay, slowVariant, type SqlParam } from './slow-statement.ts';

const WRITE = /^\s*(insert|update|delete|replace|create|drop|alter)\b/i;
const isWrite = (sql: string): boolean => WRITE.test(sql);

/**
 * SQLite through `node:sqlite` (the preload makes every statement a CLIENT span). A pool of handles on one
 * file in WAL mode: readers never wait, and writers queue on one async mutex per file because SQLite has a
 * single writer and a synchronous busy wait would block the event loop.
 */
interface Handle {
  db: DatabaseSync;
  statements: Map<string, StatementSync>;
  inTransaction: boolean;
}

const writers = new Map<string, Mutex>();

function statement(handle: Handle, sql: string): StatementSync {
  let prepared = handle.statements.get(sql);
  if (prepared === undefined) {
    prepared = handle.db.prepare(sql);
    // Bounded: the shop's statements are a fixed set, plus their db-slow variants.
    if (handle.statements.size > 500) handle.statements.clear();
    handle.statements.set(sql, prepared);
  }
  return prepared;
}

export async function openSqlite(file: string, options: OpenOptions): Promise<Database> {
  mkdirSync(dirname(file), { recursive: true });
  let writer = writers.get(file);
  if (writer === undefined) {
    writer = new Mutex();
    writers.set(file, writer);
  }
  const writeLock = writer;
  let delayMs = 0;

  const pool = new ConnectionPool<Handle>({
    name: `${options.service}-sqlite`,
    size: options.poolSize ?? DEFAULT_POOL_SIZE,
    create: () => {
      const db = new DatabaseSync(file, { timeout: 5000 });
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
      db.function(SLOW_FUNCTION, { deterministic: true }, demoDelay);
      return Promise.resolve({ db, statements: new Map(), inTransaction: false });
    },
    destroy: (handle) => {
      handle.db.close();
      return Promise.resolve();
    },
  });
  await pool.warm();

  const prepare = (handle: Handle, sql: string, params: readonly SqlParam[]) => {
    const variant = delayMs > 0 ? slowVariant(sql, params, delayMs) : { sql, params: [...params] };
    return { stmt: statement(handle, variant.sql), args: variant.params as SQLInputValue[] };
  };

  // Autocommit writes take the writer mutex; inside a transaction the transaction already holds it.
  const guarded = async <T>(handle: Handle, sql: string, fn: () => T): Promise<T> => {
    if (handle.inTransaction || !isWrite(sql)) return fn();
    const release = await writeLock.acquire();
    try {
      return fn();
    } finally {
      release();
    }
  };

  const on = (handle: Handle): Queryable => ({
    all: <T extends object>(sql: string, params: readonly SqlParam[] = []) =>
      guarded(handle, sql, () => {
        const { stmt, args } = prepare(handle, sql, params);
        return stmt.all(...args) as T[];
      }),
    get: <T extends object>(sql: string, params: readonly SqlParam[] = []) =>
      guarded(handle, sql, () => {
        const { stmt, args } = prepare(handle, sql, params);
        return stmt.get(...args) as T | undefined;
      }),
    run: (sql: string, params: readonly SqlParam[] = []) =>
      guarded(handle, sql, () => {
        const { stmt, args } = prepare(handle, sql, params);
        return { changes: Number(stmt.run(...args).changes) };
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

  return {
    dialect: 'sqlite',
    location: basename(file),
    pool,
    all: (sql, params) => withConnection((c) => c.all(sql, params)),
    get: (sql, params) => withConnection((c) => c.get(sql, params)),
    run: (sql, params) => withConnection((c) => c.run(sql, params)),
    withConnection,
    transaction: async (fn) => {
      const lease = await pool.acquire();
      const handle = lease.connection;
      const release = await writeLock.acquire();
      handle.inTransaction = true;
      try {
        handle.db.exec('BEGIN IMMEDIATE');
        const result = await fn(on(handle));
        handle.db.exec('COMMIT');
        return result;
      } catch (error) {
        if (handle.db.isTransaction) handle.db.exec('ROLLBACK');
        throw error;
      } finally {
        handle.inTransaction = false;
        release();
        lease.release();
      }
    },
    execScript: (statements) =>
      withConnection(async (c) => {
        for (const sql of statements) await c.run(sql);
      }),
    setStatementDelay: (ms) => {
      delayMs = ms;
    },
    close: () => pool.close(),
  };
}
