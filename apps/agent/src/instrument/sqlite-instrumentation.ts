import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type * as Api from '@opentelemetry/api';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import agentPackage from '../../package.json' with { type: 'json' };
import { requireCjs } from './cjs.ts';
import { DbAttr } from './semconv.ts';
import { describeStatement, recordError, SqliteSpans } from './sqlite-spans.ts';

/**
 * Database client spans for `node:sqlite`, for which no maintained instrumentation exists.
 *
 * `node:sqlite` is a built-in whose classes are shared by every `import` and `require` of it, so patching
 * the prototypes once covers ESM and CommonJS apps alike, with no module-loader hook. Statements are
 * traced where they run (`exec`, and a prepared statement's `run`/`get`/`all`/`iterate`); a successful
 * `prepare` is not a database call worth a span (apps prepare once and run many times, and a span per
 * prepare would double-count every query in the agent's per-table call metrics), but a failing one is,
 * so a syntax error still shows up as an error span.
 *
 * Not covered: `DatabaseSync#createTagStore()` (its statements are prepared natively, out of reach of the
 * prototype), user-defined functions, sessions and backups.
 */
const { context, trace } = requireCjs('@opentelemetry/api') as typeof Api;

export const SQLITE_INSTRUMENTATION_NAME = '@apo/instrumentation-node-sqlite';

type Method = (this: unknown, ...args: unknown[]) => unknown;

interface SqliteModule {
  DatabaseSync: { prototype: DatabaseSync };
  StatementSync: { prototype: StatementSync };
}

function wrapPrepare(spans: SqliteSpans, original: Method): Method {
  return function prepare(this: unknown, ...args: unknown[]): unknown {
    const db = this as DatabaseSync;
    const sql = args[0];
    let stmt: unknown;
    try {
      stmt = original.apply(this, args);
    } catch (err) {
      if (typeof sql === 'string') {
        const span = spans.startSpan(describeStatement(sql, spans.namespace(db), false));
        if (span !== undefined) {
          recordError(span, err);
          span.end();
        }
      }
      throw err;
    }
    if (typeof sql === 'string' && typeof stmt === 'object' && stmt !== null) {
      spans.rememberStatement(stmt, describeStatement(sql, spans.namespace(db), false));
    }
    return stmt;
  };
}

function wrapExec(spans: SqliteSpans, original: Method): Method {
  return function exec(this: unknown, ...args: unknown[]): unknown {
    const sql = args[0];
    if (typeof sql !== 'string') return original.apply(this, args);
    const info = describeStatement(sql, spans.namespace(this as DatabaseSync), true);
    return spans.run(info, () => original.apply(this, args));
  };
}

function wrapExecute(spans: SqliteSpans, original: Method, name: 'run' | 'get' | 'all'): Method {
  return function execute(this: unknown, ...args: unknown[]): unknown {
    const info = spans.statementInfo(this as StatementSync);
    if (info === undefined) return original.apply(this, args);
    return spans.run(
      info,
      () => original.apply(this, args),
      (span, result) => {
        if (name === 'all' && Array.isArray(result))
          span.setAttribute(DbAttr.ResponseReturnedRows, result.length);
        if (name === 'get') span.setAttribute(DbAttr.ResponseReturnedRows, result === undefined ? 0 : 1);
      },
    );
  };
}

/** The span lasts while the rows are read: it ends when the iterator is exhausted, returned or throws. */
function wrapIterate(spans: SqliteSpans, original: Method): Method {
  return function iterate(this: unknown, ...args: unknown[]): unknown {
    const info = spans.statementInfo(this as StatementSync);
    const span = info === undefined ? undefined : spans.startSpan(info);
    if (span === undefined) return original.apply(this, args);
    const spanContext = trace.setSpan(context.active(), span);
    let rows = 0;
    let ended = false;
    const end = (err?: unknown) => {
      if (ended) return;
      ended = true;
      if (err === undefined) span.setAttribute(DbAttr.ResponseReturnedRows, rows);
      else recordError(span, err);
      span.end();
    };
    let iterator: Iterator<unknown>;
    try {
      iterator = context.with(spanContext, () => original.apply(this, args)) as Iterator<unknown>;
    } catch (err) {
      end(err);
      throw err;
    }
    const step = (call: () => IteratorResult<unknown>): IteratorResult<unknown> => {
      try {
        const result = context.with(spanContext, call);
        if (result.done === true) end();
        else rows++;
        return result;
      } catch (err) {
        end(err);
        throw err;
      }
    };
    // Same prototype as the native iterator, so the iterator helpers (toArray, map, …) keep working and
    // call the wrapped next().
    const wrapped = Object.create(Object.getPrototypeOf(iterator) as object | null) as Iterator<unknown>;
    Object.defineProperties(wrapped, {
      next: { value: (...nextArgs: [] | [unknown]) => step(() => iterator.next(...nextArgs)) },
      return: {
        value: (value?: unknown) => {
          end();
          return iterator.return?.(value) ?? { done: true, value };
        },
      },
      [Symbol.iterator]: { value: () => wrapped },
    });
    return wrapped;
  };
}

export class NodeSqliteInstrumentation implements Instrumentation {
  readonly instrumentationName = SQLITE_INSTRUMENTATION_NAME;
  readonly instrumentationVersion: string = agentPackage.version;
  #config: InstrumentationConfig;
  readonly #spans = new SqliteSpans(trace.getTracer(SQLITE_INSTRUMENTATION_NAME, agentPackage.version));
  #restore: (() => void)[] = [];

  constructor(config: InstrumentationConfig = {}) {
    this.#config = { enabled: true, ...config };
    if (this.#config.enabled === true) this.enable();
  }

  setTracerProvider(provider: TracerProvider): void {
    this.#spans.tracer = provider.getTracer(this.instrumentationName, this.instrumentationVersion);
  }

  setMeterProvider(_provider: MeterProvider): void {
    // No metrics of its own: the agent derives DB call metrics from the spans.
  }

  setConfig(config: InstrumentationConfig): void {
    this.#config = { ...config };
  }

  getConfig(): InstrumentationConfig {
    return this.#config;
  }

  enable(): void {
    if (this.#restore.length > 0) return;
    const sqlite = process.getBuiltinModule('node:sqlite') as SqliteModule | undefined;
    if (sqlite === undefined) return;
    const spans = this.#spans;
    const db = sqlite.DatabaseSync.prototype;
    const statement = sqlite.StatementSync.prototype;
    this.#wrap(db, 'prepare', (original) => wrapPrepare(spans, original));
    this.#wrap(db, 'exec', (original) => wrapExec(spans, original));
    for (const name of ['run', 'get', 'all'] as const) {
      this.#wrap(statement, name, (original) => wrapExecute(spans, original, name));
    }
    this.#wrap(statement, 'iterate', (original) => wrapIterate(spans, original));
  }

  disable(): void {
    for (const restore of this.#restore.reverse()) restore();
    this.#restore = [];
  }

  #wrap(target: object, name: string, makeWrapper: (original: Method) => Method): void {
    const descriptor = Object.getOwnPropertyDescriptor(target, name);
    if (typeof descriptor?.value !== 'function') return;
    const wrapper = makeWrapper(descriptor.value as Method);
    Object.defineProperty(wrapper, 'name', { value: name });
    Object.defineProperty(target, name, { ...descriptor, value: wrapper });
    this.#restore.push(() => {
      Object.defineProperty(target, name, descriptor);
    });
  }
}
