/**
 * traces.byId's bounds against the real embedded engine, on a span written straight into storage with more
 * events and links than ingest would accept: the default limits cut them in SQL, count the rest as dropped,
 * and keep the answer small.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigSchema } from '../../config/server-config.ts';
import { openStorage, type Storage } from '../../storage/open-storage.ts';
import { RowBinaryWriter } from '../../storage/row-binary-writer.ts';
import { appendSpanRows } from '../../storage/rows/spans.ts';
import { CapturingLog } from '../../storage/storage-test-support.ts';
import { attrs, BASE_NS, checkoutResource, span, traceIdOf } from '../../storage/telemetry-fixtures.ts';
import { readHexId, TraceFrameReader, type TraceFrame } from '@apo/shared/console';
import { traceFrames } from './trace-columns-route.ts';
import { traceById, traceColumns, traceSpan } from './trace-queries.ts';

const EVENTS = 5_000;
const LINKS = 300;
const defaults = serverConfigSchema.parse({}).api;

let dataDir: string;
let storage: Storage;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-trace-read-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  const busy = span(1, {
    traceId: traceIdOf(7),
    events: Array.from({ length: EVENTS }, (_, i) => ({
      timeUnixNano: BASE_NS + BigInt(i),
      name: `event-${i}`,
      attributes: attrs({ n: String(i), padding: 'x'.repeat(100) }),
      droppedAttributesCount: 0,
    })),
    droppedEventsCount: 5,
    links: Array.from({ length: LINKS }, (_, i) => ({
      traceId: traceIdOf(1000 + i),
      spanId: '',
      traceState: '',
      attributes: attrs({}),
      droppedAttributesCount: 0,
      flags: 0,
    })),
  });
  // Trace 8: a root and 2,499 children, one of them failed, to be read as columns in batches.
  const wide = Array.from({ length: 2_500 }, (_, i) =>
    span(i + 1, {
      traceId: traceIdOf(8),
      name: i === 0 ? 'GET /checkout' : `step-${i % 3}`,
      status: { code: i === 7 ? 2 : 0, message: '' },
    }),
  );
  const w = new RowBinaryWriter(4 * 1024 * 1024);
  const rows = appendSpanRows(
    w,
    {
      resourceSpans: [
        {
          resource: checkoutResource,
          schemaUrl: '',
          scopeSpans: [
            {
              scope: { name: 's', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
              schemaUrl: '',
              spans: [busy, ...wide],
            },
          ],
        },
      ],
    },
    { cluster: 'default', flushId: 1n },
  );
  await storage.insertRowBinary(storage.tables.spans, w.bytes(), rows);
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('traceById read limits (embedded engine)', () => {
  it('returns the first 128 of 5,000 stored events and 128 of 300 links, the rest counted as dropped', async () => {
    expect(defaults).toEqual({ maxTraceSpans: 10_000, maxSpanEvents: 128, maxSpanLinks: 128 });
    const trace = await traceById(storage, traceIdOf(7), undefined, defaults);
    expect(trace).toMatchObject({ totalSpans: 1, truncated: false });
    const [got] = trace.spans;
    expect(got!.events).toHaveLength(128);
    expect(got!.events.map((e) => e.name)).toEqual(Array.from({ length: 128 }, (_, i) => `event-${i}`));
    expect(got!.events[127]!.attributes).toEqual([
      ['n', '127'],
      ['padding', 'x'.repeat(100)],
    ]);
    expect(got!.links.map((l) => l.traceId)).toEqual(
      Array.from({ length: 128 }, (_, i) => traceIdOf(1000 + i)),
    );
    expect(got!.dropped).toEqual({ attributes: 0, events: 5 + EVENTS - 128, links: LINKS - 128 });
    // What the API would send: 128 events' worth (about 44 KB), not 5,000 events' worth (about 40 times more).
    expect(superjson.stringify(trace).length).toBeLessThan(64 * 1024);
  });
});

describe('trace columns (embedded engine)', () => {
  it('streams every span of a trace as frames, ids as read from RowBinary, start times relative to the first', async () => {
    const read = await traceColumns(storage, traceIdOf(8), undefined);
    expect(read.totalSpans).toBe(2_500);
    const reader = new TraceFrameReader();
    const frames: TraceFrame[] = [];
    const fail = (err: unknown) => {
      throw err;
    };
    for await (const bytes of traceFrames(read, fail, 1_000)) frames.push(...reader.push(bytes));
    expect(frames.map((f) => f.kind)).toEqual(['header', 'spans', 'spans', 'spans', 'end']);
    expect(frames[0]).toEqual({
      kind: 'header',
      header: { traceId: traceIdOf(8), baseNs: (BASE_NS + 1_000_000n).toString(), totalSpans: 2_500 },
    });
    const batches = frames.flatMap((f) => (f.kind === 'spans' ? [f] : []));
    expect(batches.map((b) => b.columns.count)).toEqual([1_000, 1_000, 500]);
    const strings = batches.flatMap((b) => b.strings);
    expect(strings).toEqual(['GET /checkout', 'checkout', 'step-1', 'step-2', 'step-0']);
    const first = batches[0]!.columns;
    expect(readHexId(first.spanIds, 0)).toBe('0000000000000001');
    expect(readHexId(first.parentIds, 0)).toBe('0000000000000000');
    expect(readHexId(first.parentIds, 2)).toBe('0000000000000001');
    expect(first.startNs[1]).toBe(1_000_000);
    expect(first.durationNs[1]).toBe(1_500_002);
    expect(first.status[7]).toBe(2);
    expect(frames[4]).toEqual({ kind: 'end', spans: 2_500 });
  });

  it('reads one span in full for the details panel, and says which span is missing', async () => {
    const got = await traceSpan(storage, traceIdOf(8), '0000000000000008', undefined, defaults);
    expect(got).toMatchObject({ name: 'step-1', status: { code: 2 }, service: 'checkout' });
    await expect(traceSpan(storage, traceIdOf(8), 'ffffffffffffffff', undefined, defaults)).rejects.toThrow(
      'span ffffffffffffffff of trace 00000000000000000000000000000008 not found',
    );
  });
});
