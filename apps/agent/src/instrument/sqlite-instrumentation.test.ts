import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { suppressTracing } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NodeSqliteInstrumentation, SQLITE_INSTRUMENTATION_NAME } from './sqlite-instrumentation.ts';

// Real node:sqlite, real SDK; only the exporter is in memory so the spans can be read back in-process
// (the process-level tests check the same spans over OTLP).
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const contextManager = new AsyncLocalStorageContextManager();
let instrumentation: NodeSqliteInstrumentation;
let dir: string;
let db: DatabaseSync;

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  instrumentation = new NodeSqliteInstrumentation();
  instrumentation.setTracerProvider(provider);
  dir = mkdtempSync(join(tmpdir(), 'apo-sqlite-instr-'));
  db = new DatabaseSync(join(dir, 'shop.db'));
});

afterAll(() => {
  instrumentation.disable();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  context.disable();
});

afterEach(() => {
  exporter.reset();
});

const tracer = () => provider.getTracer('test');
/** The SDK exports asynchronously even from the simple processor: flush, then read. */
async function spans() {
  await provider.forceFlush();
  return exporter
    .getFinishedSpans()
    .filter((s) => s.instrumentationScope.name === SQLITE_INSTRUMENTATION_NAME);
}

describe('NodeSqliteInstrumentation', () => {
  it('traces exec() with the statement summary as name and literal values removed from the text', async () => {
    db.exec(
      "CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, total REAL, note TEXT DEFAULT 'none')",
    );
    const [span] = await spans();
    expect(span?.name).toBe('CREATE orders');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(span?.attributes).toMatchObject({
      'db.system.name': 'sqlite',
      'db.namespace': 'shop.db',
      'db.operation.name': 'CREATE',
      'db.collection.name': 'orders',
      'db.query.summary': 'CREATE orders',
      'db.query.text':
        'CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, total REAL, note TEXT DEFAULT ?)',
    });
  });

  it('traces prepared statements as children of the active span, with the placeholder text', async () => {
    db.exec('DELETE FROM orders');
    exporter.reset();
    const parent = tracer().startSpan('GET /orders');
    const rows = context.with(trace.setSpan(context.active(), parent), () => {
      const insert = db.prepare('INSERT INTO orders (id, total) VALUES (?, ?)');
      insert.run(1, 9.5);
      insert.run(2, 20);
      const one = db.prepare('SELECT * FROM orders WHERE id = ?').get(1);
      const all = db.prepare('SELECT id FROM orders ORDER BY id').all();
      return { one, all };
    });
    parent.end();
    expect(rows.all).toHaveLength(2);
    expect(rows.one).toMatchObject({ id: 1, total: 9.5 });

    const got = await spans();
    expect(got.map((s) => s.name)).toEqual([
      'INSERT orders',
      'INSERT orders',
      'SELECT orders',
      'SELECT orders',
    ]);
    for (const span of got) {
      expect(span.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    }
    expect(got[0]?.attributes['db.query.text']).toBe('INSERT INTO orders (id, total) VALUES (?, ?)');
    expect(got[2]?.attributes).toMatchObject({
      'db.operation.name': 'SELECT',
      'db.response.returned_rows': 1,
    });
    expect(got[3]?.attributes).toMatchObject({ 'db.namespace': 'shop.db', 'db.response.returned_rows': 2 });
  });

  it('records a failing statement as an error span and rethrows the error unchanged', async () => {
    const insert = db.prepare('INSERT INTO orders (id, total) VALUES (?, ?)');
    insert.run(100, 1);
    expect(() => insert.run(100, 1)).toThrow(/UNIQUE constraint failed/);
    const failed = (await spans()).at(-1);
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.status.message).toMatch(/UNIQUE constraint failed/);
    expect(failed?.attributes['error.type']).toBe('ERR_SQLITE_ERROR');
    expect(failed?.attributes['db.response.status_code']).toBe('1555'); // SQLITE_CONSTRAINT_PRIMARYKEY;
    expect(failed?.events.map((e) => e.name)).toContain('exception');
  });

  it('records a prepare() that fails (a syntax error) as an error span', async () => {
    expect(() => db.prepare('SELEC * FROM orders')).toThrow(/syntax error/);
    const [span] = await spans();
    expect(span?.name).toBe('SELEC');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('keeps an iterate() span open until the rows are read, and keeps iterator helpers working', async () => {
    db.exec('DELETE FROM orders');
    const insert = db.prepare('INSERT INTO orders (id, total) VALUES (?, ?)');
    for (let id = 1; id <= 3; id++) insert.run(id, id);
    exporter.reset();

    const iterator = db.prepare('SELECT id FROM orders ORDER BY id').iterate();
    expect(await spans()).toHaveLength(0);
    // Iterator helpers (ES2025) are on Node's iterators; the project's lib setting predates them.
    const helpers = iterator as unknown as { toArray(): { id: unknown }[] };
    expect(helpers.toArray().map((row) => row.id)).toEqual([1, 2, 3]);
    expect(await spans()).toHaveLength(1);
    expect((await spans())[0]?.attributes['db.response.returned_rows']).toBe(3);

    exporter.reset();
    for (const row of db.prepare('SELECT id FROM orders ORDER BY id').iterate()) {
      if (row.id === 1) break;
    }
    expect(await spans()).toHaveLength(1);
    expect((await spans())[0]?.attributes['db.response.returned_rows']).toBe(1);
  });

  it('creates no span while tracing is suppressed', async () => {
    context.with(suppressTracing(context.active()), () => db.prepare('SELECT 1').get());
    expect(await spans()).toHaveLength(0);
  });

  it('restores the original methods when disabled, and patches again when re-enabled', async () => {
    instrumentation.disable();
    db.prepare('SELECT 1').get();
    expect(await spans()).toHaveLength(0);
    instrumentation.enable();
    db.prepare('SELECT 1').get();
    expect(await spans()).toHaveLength(1);
  });

  it('names an in-memory database :memory:', async () => {
    const memory = new DatabaseSync(':memory:');
    memory.exec('CREATE TABLE t (x)');
    memory.close();
    expect((await spans())[0]?.attributes['db.namespace']).toBe(':memory:');
  });
});
