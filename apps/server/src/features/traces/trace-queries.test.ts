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
import { traceById } from './trace-queries.ts';

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
              spans: [busy],
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
