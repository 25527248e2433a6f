/**
 * db-slow on SQLite: the statement itself must be slow (the DB client span, not the handler), and node:sqlite
 * runs a statement synchronously with no hook inside it except user-defined functions. So, while the fault
 * is active, the statement calls `demo_delay(?)`, a function that sleeps, where SQLite evaluates it exactly
 * once per execution, before the first row, whether or not any row matches:
 * - with a top-level WHERE, as a constant term in front of it, `WHERE demo_delay(?) = 0 AND (<where>)`
 *   (SQLite tests a term that reads no table once, before its loops — a function in a comparison with a
 *   column would only run for the rows an index lookup found, so a miss would be fast);
 * - otherwise (INSERT … VALUES, a SELECT ending in LIMIT ?) the last parameter `?` becomes
 *   `iif(demo_delay(?) = 0, ?, NULL)`, the same value after the sleep (VALUES and LIMIT are always read).
 * The function is registered as deterministic and its argument is a bound parameter. Every statement of the
 * shop has at least one parameter; one without is left as it is.
 */
export const SLOW_FUNCTION = 'demo_delay';

export type SqlParam = string | number | bigint | null | Uint8Array;

/** Clauses that end a WHERE clause at the top level of a statement. */
const AFTER_WHERE = new Set(['GROUP', 'HAVING', 'WINDOW', 'ORDER', 'LIMIT', 'RETURNING']);

interface Shape {
  /** Offsets of the `?` placeholders outside quotes and comments. */
  placeholders: number[];
  /** Offset just after the top-level WHERE keyword, or -1. */
  whereBody: number;
  /** Offset where that WHERE clause ends (the next top-level clause, a `;`, or the end). */
  whereEnd: number;
}

function shapeOf(sql: string): Shape {
  const placeholders: number[] = [];
  let depth = 0;
  let whereBody = -1;
  let whereEnd = sql.length;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const close = sql.indexOf(c, i + 1);
      if (close === -1) break;
      i = close;
    } else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      if (eol === -1) break;
      i = eol;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close === -1) break;
      i = close + 1;
    } else if (c === '?') {
      placeholders.push(i);
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth--;
    } else if (depth === 0 && c === ';' && whereBody !== -1 && whereEnd === sql.length) {
      whereEnd = i;
    } else if (depth === 0 && /[A-Za-z_]/.test(c) && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? ' ')) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i))![0];
      const upper = word.toUpperCase();
      if (upper === 'WHERE' && whereBody === -1) whereBody = i + word.length;
      else if (whereBody !== -1 && whereEnd === sql.length && AFTER_WHERE.has(upper)) whereEnd = i;
      i += word.length - 1;
    }
  }
  return { placeholders, whereBody, whereEnd };
}

export function slowVariant(
  sql: string,
  params: readonly SqlParam[],
  delayMs: number,
): { sql: string; params: SqlParam[] } {
  const { placeholders, whereBody, whereEnd } = shapeOf(sql);
  if (placeholders.length === 0 || params.length === 0) return { sql, params: [...params] };
  if (whereBody !== -1) {
    const before = placeholders.filter((at) => at < whereBody).length;
    return {
      sql: `${sql.slice(0, whereBody)} ${SLOW_FUNCTION}(?) = 0 AND (${sql.slice(whereBody, whereEnd).trim()}) ${sql.slice(whereEnd)}`.trimEnd(),
      params: [...params.slice(0, before), delayMs, ...params.slice(before)],
    };
  }
  const at = placeholders.at(-1)!;
  return {
    sql: `${sql.slice(0, at)}iif(${SLOW_FUNCTION}(?) = 0, ?, NULL)${sql.slice(at + 1)}`,
    params: [...params.slice(0, -1), delayMs, params[params.length - 1]!],
  };
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** The function SQLite calls: blocks the thread, as a slow statement of a synchronous driver does. */
export function demoDelay(ms: unknown): number {
  const n = Number(ms);
  if (n > 0) Atomics.wait(sleeper, 0, 0, n);
  return 0;
}
