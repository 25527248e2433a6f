import { basename } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type * as Api from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import type * as Core from '@opentelemetry/core';
import { requireCjs } from './cjs.ts';
import { DbAttr, DbSystem } from './semconv.ts';
import { sanitizeSqlLiterals, summarizeSql } from './sql-summary.ts';

const { context, SpanKind, SpanStatusCode, trace } = requireCjs('@opentelemetry/api') as typeof Api;
const { isTracingSuppressed } = requireCjs('@opentelemetry/core') as typeof Core;

/** What a statement's spans carry, worked out once per prepared statement. */
export interface StatementInfo {
  spanName: string;
  attributes: Attributes;
}

/** `db.namespace`: the database file's name, `:memory:` for an in-memory database. */
function namespaceOf(db: DatabaseSync): string | undefined {
  try {
    // location() arrived in Node 23.11/24; older versions simply go without a namespace.
    if (typeof db.location !== 'function') return undefined;
    const location = db.location();
    return location === null || location === '' ? ':memory:' : basename(location);
  } catch {
    return undefined;
  }
}

export function describeStatement(
  sql: string,
  namespace: string | undefined,
  literalsInline: boolean,
): StatementInfo {
  const summary = summarizeSql(sql);
  const attributes: Attributes = {
    [DbAttr.SystemName]: DbSystem.Sqlite,
    // Prepared text carries placeholders, never values; exec() text has its values inline, so they go.
    [DbAttr.QueryText]: literalsInline ? sanitizeSqlLiterals(sql) : sql,
  };
  if (namespace !== undefined) attributes[DbAttr.Namespace] = namespace;
  if (summary.operation !== undefined) attributes[DbAttr.OperationName] = summary.operation;
  if (summary.collection !== undefined) attributes[DbAttr.CollectionName] = summary.collection;
  if (summary.summary !== undefined) attributes[DbAttr.QuerySummary] = summary.summary;
  if (summary.statementCount > 1) attributes[DbAttr.OperationBatchSize] = summary.statementCount;
  // The conventions' fallback span name is the database system.
  return { spanName: summary.summary ?? DbSystem.Sqlite, attributes };
}

export function recordError(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.setAttribute(DbAttr.ErrorType, typeof code === 'string' ? code : error.name);
  if (typeof errcode === 'number') span.setAttribute(DbAttr.ResponseStatusCode, String(errcode));
}

/** The span-making side of the node:sqlite instrumentation: what the patched methods call. */
export class SqliteSpans {
  tracer: Tracer;
  readonly #statements = new WeakMap<object, StatementInfo>();
  readonly #namespaces = new WeakMap<object, string | undefined>();

  constructor(tracer: Tracer) {
    this.tracer = tracer;
  }

  namespace(db: DatabaseSync): string | undefined {
    if (!this.#namespaces.has(db)) this.#namespaces.set(db, namespaceOf(db));
    return this.#namespaces.get(db);
  }

  rememberStatement(stmt: object, info: StatementInfo): void {
    this.#statements.set(stmt, info);
  }

  /** The statement's description; a statement prepared before the patch is described on first use. */
  statementInfo(stmt: StatementSync): StatementInfo | undefined {
    let info = this.#statements.get(stmt);
    if (info === undefined) {
      let sql: unknown;
      try {
        sql = stmt.sourceSQL;
      } catch {
        return undefined;
      }
      if (typeof sql !== 'string') return undefined;
      info = describeStatement(sql, undefined, false);
      this.#statements.set(stmt, info);
    }
    return info;
  }

  /** Starts a CLIENT span under the active context, or returns undefined when tracing is suppressed. */
  startSpan(info: StatementInfo): Span | undefined {
    const active = context.active();
    if (isTracingSuppressed(active)) return undefined;
    return this.tracer.startSpan(
      info.spanName,
      { kind: SpanKind.CLIENT, attributes: info.attributes },
      active,
    );
  }

  /** Runs one synchronous database call inside its span. */
  run<T>(info: StatementInfo, call: () => T, onResult?: (span: Span, result: T) => void): T {
    const span = this.startSpan(info);
    if (span === undefined) return call();
    try {
      const result = context.with(trace.setSpan(context.active(), span), call);
      onResult?.(span, result);
      return result;
    } catch (err) {
      recordError(span, err);
      throw err;
    } finally {
      span.end();
    }
  }
}
