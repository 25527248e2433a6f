/**
 * The trace search (one row per trace), the scatter and the trace analytics against the real embedded
 * engine, on 60 generated checkout traces with three seeded problems:
 * - slow: every 6th trace (i % 6 = 3) waits 800 ms on `inventory: SELECT stock`, read from replica-3;
 * - deadlock: every 6th (i % 6 = 1) fails in `payments-db: INSERT payment` (DeadlockError), and the failure
 *   climbs through payments, checkout and api;
 * - validation: every 12th (i % 12 = 5) fails in `checkout: place order` itself (ValidationError);
 * every failed trace runs app 5.2.0 (as do two healthy ones), the rest 5.1.0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, StatusCode, type Attributes, type Span, type TracesData } from '@apo/shared/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attributeComparison,
  errorOrigins,
  latencyBreakdown,
  searchTraces,
  traceScatter,
} from '../src/features/analytics/analytics-queries.ts';
import { searchSpans } from '../src/features/traces/trace-queries.ts';
import { openStorage, type Storage } from '../src/storage/open-storage.ts';
import { RowBinaryWriter } from '../src/storage/row-binary-writer.ts';
import { appendSpanRows } from '../src/storage/rows/spans.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';

const TRACES = 60;
const T0 = Date.now() - 30 * 60_000;
const range = { from: T0 - 60_000, to: T0 + 20 * 60_000 };
const MS = 1_000_000n;

const slow = (i: number) => i % 6 === 3;
const deadlock = (i: number) => i % 6 === 1;
const invalid = (i: number) => i % 12 === 5;
const failed = (i: number) => deadlock(i) || invalid(i);
const traceIdOf = (i: number) => `a11a${i.toString(16).padStart(28, '0')}`;

function attrs(entries: Record<string, string>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

/** One checkout trace: api → checkout → (inventory, payments → payments-db). */
function traceSpans(i: number): { service: string; span: Span }[] {
  const base = BigInt(T0 + i * 10_000) * MS;
  const inventoryMs = slow(i) ? 800 : 20;
  const chargeStart = 10 + inventoryMs + 5;
  const spanOf = (
    n: number,
    service: string,
    name: string,
    startMs: number,
    endMs: number,
    more: Partial<Span> = {},
  ): { service: string; span: Span } => ({
    service,
    span: {
      traceId: traceIdOf(i),
      spanId: `${i.toString(16).padStart(14, '0')}0${n}`,
      traceState: '',
      parentSpanId: n === 1 ? '' : `${i.toString(16).padStart(14, '0')}0${n === 5 ? 4 : n > 2 ? 2 : 1}`,
      flags: 1,
      name,
      kind: n === 1 ? SpanKind.Server : SpanKind.Client,
      startTimeUnixNano: base + BigInt(startMs) * MS,
      endTimeUnixNano: base + BigInt(endMs) * MS,
      attributes: attrs({}),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: StatusCode.Unset, message: '' },
      ...more,
    },
  });
  const error = (type?: string): Partial<Span> => ({
    status: { code: StatusCode.Error, message: type === undefined ? 'failed' : `${type}: failed` },
    events:
      type === undefined
        ? []
        : [
            {
              timeUnixNano: base,
              name: 'exception',
              attributes: attrs({ 'exception.type': type, 'exception.message': 'failed' }),
              droppedAttributesCount: 0,
            },
          ],
  });
  const end = chargeStart + 45;
  return [
    spanOf(1, 'api', 'GET /checkout', 0, end + 5, {
      attributes: attrs({
        'http.route': '/checkout',
        'customer.tier': i % 4 < 2 ? 'gold' : 'silver',
        'app.version': failed(i) || i === 0 || i === 30 ? '5.2.0' : '5.1.0',
      }),
      ...(failed(i) ? error() : {}),
    }),
    spanOf(
      2,
      'checkout',
      'place order',
      5,
      end,
      failed(i) ? error(invalid(i) ? 'ValidationError' : undefined) : {},
    ),
    spanOf(3, 'inventory', 'SELECT stock', 10, 10 + inventoryMs, {
      attributes: attrs({ 'db.system': 'postgresql', 'db.replica': slow(i) ? 'replica-3' : 'replica-1' }),
    }),
    spanOf(4, 'payments', 'charge', chargeStart, chargeStart + 40, deadlock(i) ? error() : {}),
    spanOf(5, 'payments-db', 'INSERT payment', chargeStart + 5, chargeStart + 15, {
      attributes: attrs({ 'db.system': 'postgresql' }),
      ...(deadlock(i) ? error('DeadlockError') : {}),
    }),
  ];
}

function tracesData(): TracesData {
  const all = Array.from({ length: TRACES }, (_, i) => traceSpans(i)).flat();
  const services = [...new Set(all.map((s) => s.service))];
  return {
    resourceSpans: services.map((service) => ({
      resource: { attributes: attrs({ 'service.name': service }), droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [
        {
          scope: { name: 'seed', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
          schemaUrl: '',
          spans: all.filter((s) => s.service === service).map((s) => s.span),
        },
      ],
    })),
  };
}

let dataDir: string;
let storage: Storage;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-trace-analytics-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  const w = new RowBinaryWriter(4 * 1024 * 1024);
  const rows = appendSpanRows(w, tracesData(), { cluster: 'default', flushId: 1n });
  await storage.insertRowBinary(storage.tables.spans, w.bytes(), rows);
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const idsOf = (pred: (i: number) => boolean) =>
  Array.from({ length: TRACES }, (_, i) => i)
    .filter(pred)
    .reverse()
    .map(traceIdOf);

describe('traces.searchTraces', () => {
  it('lists traces newest first, one row each, in cursor pages', async () => {
    const first = await searchTraces(storage, { ...range, limit: 25 });
    expect(first.items).toHaveLength(25);
    expect(first.items[0]).toEqual({
      traceId: traceIdOf(59),
      startTimeUnixNano: BigInt(T0 + 59 * 10_000) * MS,
      durationNs: 85n * MS,
      rootService: 'api',
      rootOperation: 'GET /checkout',
      cluster: 'default',
      spanCount: 5,
      errorCount: 0,
      serviceCount: 5,
      services: ['api', 'checkout', 'inventory', 'payments', 'payments-db'],
    });
    const second = await searchTraces(storage, { ...range, limit: 25, cursor: first.nextCursor ?? '' });
    const third = await searchTraces(storage, { ...range, limit: 25, cursor: second.nextCursor ?? '' });
    expect(third.nextCursor).toBeNull();
    const all = [...first.items, ...second.items, ...third.items];
    expect(all.map((t) => t.traceId)).toEqual(idsOf(() => true));
    const deadlocked = all.find((t) => t.traceId === traceIdOf(1));
    expect(deadlocked).toMatchObject({ errorCount: 4, durationNs: 85n * MS });
    expect(all.find((t) => t.traceId === traceIdOf(3))).toMatchObject({ durationNs: 865n * MS });
  });

  it('matches traces by one span meeting every filter; the duration range is the whole trace', async () => {
    const ids = async (q: Partial<Parameters<typeof searchTraces>[1]>) =>
      (await searchTraces(storage, { ...range, limit: 100, ...q })).items.map((t) => t.traceId);
    expect(await ids({ service: 'payments-db', status: 'error' })).toEqual(idsOf(deadlock));
    // checkout failed in both kinds; api never holds db.replica, so this pair of filters finds nothing.
    expect(await ids({ service: 'checkout', status: 'error' })).toEqual(idsOf(failed));
    expect(await ids({ service: 'api', attributes: [{ key: 'db.replica', op: 'exists' }] })).toEqual([]);
    expect(await ids({ attributes: [{ key: 'db.replica', op: 'neq', value: 'replica-1' }] })).toEqual(
      idsOf(slow),
    );
    expect(await ids({ attributes: [{ key: 'app.version', op: 'eq', value: '5.2.0' }] })).toEqual(
      idsOf((i) => failed(i) || i === 0 || i === 30),
    );
    expect(await ids({ attributes: [{ key: 'service.name', op: 'eq', value: 'inventory' }] })).toHaveLength(
      60,
    );
    expect(await ids({ attributes: [{ key: 'no.such.key', op: 'exists' }] })).toEqual([]);
    expect(await ids({ minDurationMs: 500 })).toEqual(idsOf(slow));
    expect(await ids({ maxDurationMs: 100, status: 'error' })).toEqual(idsOf(failed));
    expect(await ids({ traceId: traceIdOf(7) })).toEqual([traceIdOf(7)]);
    // The scatter's rectangle around the slow traces, paged like any search.
    const selection = { fromMs: range.from, toMs: range.to, minDurationMs: 500, maxDurationMs: 1000 };
    const page = await searchTraces(storage, { ...range, selection, limit: 6 });
    const rest = await searchTraces(storage, {
      ...range,
      selection,
      limit: 6,
      cursor: page.nextCursor ?? '',
    });
    expect([...page.items, ...rest.items].map((t) => t.traceId)).toEqual(idsOf(slow));
    expect(rest.nextCursor).toBeNull();
  });

  it('traces.search (spans) takes the same attribute operators', async () => {
    const { items } = await searchSpans(
      storage,
      { ...range, limit: 100, attributes: [{ key: 'db.replica', op: 'neq', value: 'replica-1' }] },
      { maxSpanEvents: 8, maxSpanLinks: 8 },
    );
    expect(items.map((s) => [s.traceId, s.name])).toEqual(idsOf(slow).map((id) => [id, 'SELECT stock']));
  });
});

describe('traces.scatter', () => {
  it('gives one point per trace: start, whole-trace duration, errors, root', async () => {
    const { points, capped } = await traceScatter(storage, range);
    expect(capped).toBe(false);
    expect(points).toHaveLength(60);
    expect(points.find((p) => p.traceId === traceIdOf(3))).toEqual({
      traceId: traceIdOf(3),
      startMs: T0 + 30_000,
      durationMs: 865,
      errors: 0,
      root: 'api: GET /checkout',
    });
    expect(points.filter((p) => p.errors > 0).map((p) => p.traceId)).toEqual(idsOf(failed));
  });
});

/** A rectangle around the slow traces: the whole window, 500 ms to 1 s. */
const slowSelection = { fromMs: range.from, toMs: range.to, minDurationMs: 500, maxDurationMs: 1000 };

describe('traces.analytics', () => {
  it('error origins: the deepest failed spans by service, operation and exception, the seeded culprit first', async () => {
    const got = await errorOrigins(storage, range);
    expect(got).toMatchObject({ traces: 60, capped: false, maxTraces: 1000, errorTraces: 15 });
    expect(got.origins.map((o) => [o.service, o.operation, o.exceptionType, o.traces, o.spans])).toEqual([
      ['payments-db', 'INSERT payment', 'DeadlockError', 10, 10],
      ['checkout', 'place order', 'ValidationError', 5, 5],
    ]);
    expect(got.origins[0]?.message).toBe('DeadlockError: failed');
    expect(idsOf(deadlock)).toContain(got.origins[0]?.exampleTraceId);
    // Inside a selection of only healthy slow traces, no error.
    expect(await errorOrigins(storage, { ...range, selection: slowSelection })).toMatchObject({
      traces: 10,
      errorTraces: 0,
      origins: [],
    });
  });

  it('latency breakdown: self time per operation, its share; the slow selection is inventory', async () => {
    const got = await latencyBreakdown(storage, { ...range, selection: slowSelection });
    expect(got).toMatchObject({ traces: 10, capped: false });
    expect(got.operations.map((o) => [o.service, o.operation, o.spans, o.selfNs / 1e6])).toEqual([
      ['inventory', 'SELECT stock', 10, 8000],
      ['payments', 'charge', 10, 300],
      ['checkout', 'place order', 10, 150],
      ['api', 'GET /checkout', 10, 100],
      ['payments-db', 'INSERT payment', 10, 100],
    ]);
    expect(got.operations[0]?.share).toBeCloseTo(8000 / 8650, 6);
    expect(got.operations[0]?.durationNs).toBe(8000 * 1e6);
    // All 60 traces: inventory still first (10 × 800 + 50 × 20 ms), then payments' 30 ms each.
    const all = await latencyBreakdown(storage, range);
    expect(all.operations.slice(0, 2).map((o) => [o.operation, o.selfNs / 1e6])).toEqual([
      ['SELECT stock', 9000],
      ['charge', 1800],
    ]);
  });

  it('attribute comparison: the slow selection against the rest puts replica-3 first', async () => {
    const got = await attributeComparison(storage, { ...range, selection: slowSelection });
    expect(got.group).toBe('selection');
    expect(got.groupSample).toMatchObject({ traces: 10, capped: false });
    expect(got.baselineSample).toMatchObject({ traces: 50, capped: false });
    expect(got.attributes[0]).toEqual({
      key: 'db.replica',
      value: 'replica-3',
      groupTraces: 10,
      baselineTraces: 0,
      groupShare: 1,
      baselineShare: 0,
      difference: 1,
    });
  });

  it('attribute comparison without a selection: failed traces against healthy ones put app 5.2.0 first', async () => {
    const got = await attributeComparison(storage, range);
    expect(got.group).toBe('errors');
    expect([got.groupSample.traces, got.baselineSample.traces]).toEqual([15, 45]);
    const [first] = got.attributes;
    expect(first).toMatchObject({ key: 'app.version', value: '5.2.0', groupTraces: 15, baselineTraces: 2 });
    expect(first?.difference).toBeCloseTo(1 - 2 / 45, 9);
    expect(got.attributes.every((a) => a.difference > 0)).toBe(true);
    expect(got.attributes.some((a) => a.key === 'service.name')).toBe(false);
  });

  it('reads nothing and says so when the search matches no trace', async () => {
    const q = { ...range, service: 'nobody' };
    expect(await errorOrigins(storage, q)).toEqual({
      traces: 0,
      capped: false,
      maxTraces: 1000,
      errorTraces: 0,
      origins: [],
    });
    expect((await latencyBreakdown(storage, q)).operations).toEqual([]);
    expect((await attributeComparison(storage, q)).attributes).toEqual([]);
  });
});
