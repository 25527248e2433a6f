/**
 * `spans.entry_endpoint` and the `spans_by_time` projection on the real engine (chDB): the column names an
 * entry span's endpoint as the RED rollups do (METHOD route, the destination of a consumer, else the span
 * name; '' for calls), the delay source's window read is answered from the projection, a DELETE of a
 * flush's rows (what start-up recovery does) still works and reaches that read, and migration 0010 adds
 * both to a data directory made before it, with the same answers after as before.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '@apo/shared/model';
import { windowDelaySums } from '../src/features/delay/delay-queries.ts';
import { appendSpanRows, openStorage, RowBinaryWriter, type Storage } from '../src/storage/index.ts';
import { CapturingLog, selectRows } from '../src/storage/storage-test-support.ts';
import { attrs, checkoutResource, span, spanIdOf } from '../src/storage/telemetry-fixtures.ts';

const MINUTE = 60_000;
/** A whole minute an hour ago: every span starts in it. */
const WINDOW = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const at = (ms: number) => BigInt(WINDOW + ms) * 1_000_000n;

/** Six spans of one trace: four entries of each naming rule and two calls (one inside the first entry). */
const SPANS: Span[] = [
  span(1, {
    kind: 2,
    name: 'GET',
    startTimeUnixNano: at(1000),
    endTimeUnixNano: at(1100),
    attributes: attrs({ 'http.request.method': 'GET', 'http.route': '/orders/:id' }),
  }),
  span(2, {
    kind: 2,
    name: 'POST',
    startTimeUnixNano: at(2000),
    endTimeUnixNano: at(2010),
    attributes: attrs({ 'http.method': 'POST', 'http.route': '/pay' }),
  }),
  span(3, { kind: 2, name: 'grpc.Check', startTimeUnixNano: at(3000), endTimeUnixNano: at(3010) }),
  span(4, {
    kind: 5,
    name: 'orders process',
    startTimeUnixNano: at(4000),
    endTimeUnixNano: at(4010),
    attributes: attrs({ 'messaging.destination.name': 'orders' }),
  }),
  span(5, {
    kind: 3,
    name: 'SELECT',
    parentSpanId: spanIdOf(1),
    startTimeUnixNano: at(1010),
    endTimeUnixNano: at(1050),
  }),
  span(6, { kind: 1, name: 'render', startTimeUnixNano: at(5000), endTimeUnixNano: at(5001) }),
];

let dataDir: string;
let storage: Storage;

/** The spans above, the calls in flush 1 and the entries in flush 2. */
async function seed(s: Storage): Promise<void> {
  for (const [flush, kinds] of [
    [1n, [3, 1]],
    [2n, [2, 5]],
  ] as const) {
    const w = new RowBinaryWriter();
    const spans = SPANS.filter((x) => (kinds as readonly number[]).includes(x.kind));
    const n = appendSpanRows(
      w,
      {
        resourceSpans: [
          {
            resource: checkoutResource,
            scopeSpans: [
              {
                scope: { name: 'test', version: '1', attributes: attrs({}), droppedAttributesCount: 0 },
                spans,
                schemaUrl: '',
              },
            ],
            schemaUrl: '',
          },
        ],
      },
      { cluster: 'default', flushId: flush },
    );
    await s.insertRowBinary(s.tables.spans, w.bytes(), n);
  }
}

/** The window's delay-source rows as (endpoint, requests, duration ms, dependency ms), sorted. */
async function windowRows(): Promise<[string, number, number, number][]> {
  const rows = await windowDelaySums(storage, WINDOW);
  return rows
    .map((r): [string, number, number, number] => [
      r.endpoint,
      r.requests,
      Number(r.duration_ns) / 1e6,
      Number(r.dependency_ns) / 1e6,
    ])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Sorted by code point: upper case first. */
const EXPECTED: [string, number, number, number][] = [
  ['GET /orders/:id', 1, 100, 40],
  ['POST /pay', 1, 10, 0],
  ['grpc.Check', 1, 10, 0],
  ['orders', 1, 10, 0],
];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-spans-by-time-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  await seed(storage);
}, 120_000);
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('spans by time (real engine)', () => {
  it('names each entry span’s endpoint on insert, as the rollups do; calls get none', async () => {
    expect(await selectRows(storage, 'SELECT name, kind, entry_endpoint FROM apo.spans ORDER BY ts')).toEqual(
      [
        { name: 'GET', kind: 2, entry_endpoint: 'GET /orders/:id' },
        { name: 'SELECT', kind: 3, entry_endpoint: '' },
        { name: 'POST', kind: 2, entry_endpoint: 'POST /pay' },
        { name: 'grpc.Check', kind: 2, entry_endpoint: 'grpc.Check' },
        { name: 'orders process', kind: 5, entry_endpoint: 'orders' },
        { name: 'render', kind: 1, entry_endpoint: '' },
      ],
    );
  });

  it('answers the delay source’s window read from the projection', async () => {
    expect(await windowRows()).toEqual(EXPECTED);
    const plan = await selectRows<{ explain: string }>(
      storage,
      `EXPLAIN projections = 1 SELECT trace_id, duration_ns, entry_endpoint FROM apo.spans
       WHERE ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
         AND kind IN (2, 5)`,
      { from: WINDOW, to: WINDOW + MINUTE },
    );
    expect(plan.map((r) => r.explain).join('\n')).toMatch(/spans_by_time/);
  });

  it('deletes a flush’s rows with its projection rebuilt: the window read no longer sees them', async () => {
    await storage.deleteRows('spans', 'flush_id = {f:UInt64}', { f: 1 });
    // The calls are gone: every request is all self time now.
    expect(await windowRows()).toEqual(EXPECTED.map(([e, n, d]) => [e, n, d, 0]));
    await storage.deleteRows('spans', 'flush_id = {f:UInt64}', { f: 2 });
    await seed(storage); // back as it was, for the next test
    expect(await windowRows()).toEqual(EXPECTED);
  });

  it('0010 adds the column and the projection to a data directory made before it, same answers', async () => {
    await storage.client.command({ query: 'ALTER TABLE apo.spans DROP PROJECTION spans_by_time' });
    await storage.client.command({ query: 'ALTER TABLE apo.spans DROP COLUMN entry_endpoint' });
    await storage.client.command({
      query: 'ALTER TABLE apo.spans RESET SETTING lightweight_mutation_projection_mode',
    });
    await storage.client.command({ query: 'DELETE FROM apo.schema_migrations WHERE version = 10' });
    await storage.close();
    const log = new CapturingLog();
    storage = await openStorage({ engine: 'embedded', dataDir }, log);
    expect(log.entries.filter((e) => e.msg === 'storage migration applied').map((e) => e.obj)).toMatchObject([
      { version: 10, migration: 'spans-by-time' },
    ]);
    const [table] = await selectRows<{ create: string }>(
      storage,
      "SELECT create_table_query AS create FROM system.tables WHERE database = 'apo' AND name = 'spans'",
    );
    expect(table?.create).toContain('`entry_endpoint` LowCardinality(String) MATERIALIZED');
    expect(table?.create).toContain('PROJECTION spans_by_time');
    expect(table?.create).toContain("lightweight_mutation_projection_mode = 'rebuild'");
    expect(await windowRows()).toEqual(EXPECTED);
  });
});
