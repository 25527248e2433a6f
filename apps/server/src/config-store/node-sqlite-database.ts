import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SqliteDialect is written against better-sqlite3: statements carry a `reader` flag and take their
 * parameters as one array. Node's built-in `node:sqlite` (no native add-on to build or ship) has neither:
 * statements report their result columns and take parameters spread. No maintained Kysely dialect targets
 * `node:sqlite`, and this shim is all the difference there is.
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    // WAL: readers do not wait for the writer; the busy timeout covers a second process briefly holding
    // the write lock (a backup tool, the sqlite3 shell).
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }

  prepare(sql: string): SqliteStatement {
    const stmt: StatementSync = this.#db.prepare(sql);
    return {
      // INSERT … RETURNING has result columns too, and is read like a SELECT.
      reader: stmt.columns().length > 0,
      all: (parameters) => stmt.all(...parameters.map(toSqlite)),
      run: (parameters) => stmt.run(...parameters.map(toSqlite)),
      iterate: (parameters) => stmt.iterate(...parameters.map(toSqlite)),
    };
  }
}

/** node:sqlite binds numbers, bigints, strings, bytes and null; booleans are stored as SQLite does, 0/1. */
function toSqlite(value: unknown): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  if (
    value === null ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    typeof value === 'string' ||
    ArrayBuffer.isView(value)
  ) {
    return value as SQLInputValue;
  }
  throw new TypeError(`cannot bind a ${typeof value} parameter to SQLite`);
}
