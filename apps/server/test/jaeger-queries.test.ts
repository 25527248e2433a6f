/**
 * The Jaeger API's reads against the real embedded engine: several traces read in one go share the span
 * bound (the largest cut first, each cut one saying so), a trace not stored is left out, and the search's
 * conditions made from Jaeger tags (span kind, not failed) select the right traces.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toJaegerTrace } from '../src/features/jaeger/jaeger-model.ts';
import { parseTraceSearch } from '../src/features/jaeger/jaeger-params.ts';
import { jaegerServices, jaegerTraces, matchingTraceIds } from '../src/features/jaeger/jaeger-queries.ts';
import { appendSpanRows, openStorage, RowBinaryWriter, type Storage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { BASE_NS, checkoutResource, span, traceIdOf } from '../src/storage/telemetry-fixtures.ts';

const limits = { maxTraceSpans: 100, maxSpanEvents: 128, maxSpanLinks: 128 };
/** Trace n holds SIZES[n] spans: span 1 a SERVER root, the rest CLIENT children; trace 2's root failed. */
const SIZES: Record<number, number> = { 1: 3, 2: 50, 3: 400 };

let dataDir: string;
let storage: Storage;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-jaeger-read-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  const spans = Object.entries(SIZES).flatMap(([t, size]) =>
    Array.from({ length: size }, (_, i) =>
      span(i + 1, {
        traceId: traceIdOf(Number(t)),
        kind: i === 0 ? 2 : 3,
        // Later traces start later, so the search lists trace 3 first.
        startTimeUnixNano: BASE_NS + BigInt(Number(t)) * 1_000_000_000n + BigInt(i) * 1_000n,
        endTimeUnixNano: BASE_NS + BigInt(Number(t)) * 1_000_000_000n + BigInt(i) * 1_000n + 5_000n,
        status: { code: t === '2' && i === 0 ? 2 : 0, message: '' },
      }),
    ),
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
              scope: { name: 's', version: '', attributes: {}, droppedAttributesCount: 0 },
              schemaUrl: '',
              spans,
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

describe('jaegerTraces (embedded engine)', () => {
  it('reads several traces at once; the largest share the span bound, earliest spans first, and say so', async () => {
    const traces = await jaegerTraces(
      storage,
      [traceIdOf(3), traceIdOf(9), traceIdOf(1), traceIdOf(2)],
      limits,
    );
    // 3 spans whole; the other two share the remaining 97: 48 each. Trace 9 is not stored: left out.
    expect(traces.map((t) => [t.traceId, t.spans.length, t.totalSpans, t.truncated])).toEqual([
      [traceIdOf(3), 48, 400, true],
      [traceIdOf(1), 3, 3, false],
      [traceIdOf(2), 48, 50, true],
    ]);
    expect(traces[0]!.spans.map((s) => s.spanId).slice(0, 3)).toEqual([
      '0000000000000001',
      '0000000000000002',
      '0000000000000003',
    ]);
    expect(toJaegerTrace(traces[0]!, 'shared bound').warnings).toEqual([
      'showing the first 48 of 400 spans (by start time): shared bound',
    ]);
    expect(await jaegerTraces(storage, [traceIdOf(9)], limits)).toEqual([]);
  });

  it('gives one trace the whole bound', async () => {
    const [big] = await jaegerTraces(storage, [traceIdOf(3)], limits);
    expect([big!.spans.length, big!.totalSpans, big!.truncated]).toEqual([100, 400, true]);
  });
});

describe('matchingTraceIds (embedded engine)', () => {
  const window = `start=${(BASE_NS - 10_000_000_000n) / 1000n}&end=${(BASE_NS + 3_600_000_000_000n) / 1000n}`;
  const ids = (qs: string) =>
    matchingTraceIds(storage, parseTraceSearch(new URLSearchParams(`${window}&${qs}`), 0));

  it('finds traces by service, latest first, at most `limit`', async () => {
    expect(await ids('service=checkout')).toEqual([traceIdOf(3), traceIdOf(2), traceIdOf(1)]);
    expect(await ids('service=checkout&limit=2')).toEqual([traceIdOf(3), traceIdOf(2)]);
    expect(await ids('service=nobody')).toEqual([]);
    expect(await jaegerServices(storage)).toEqual(['checkout']);
  });

  it('reads error, span.kind and duration conditions from Jaeger tags and parameters', async () => {
    expect(await ids('service=checkout&tag=error:true')).toEqual([traceIdOf(2)]);
    // Every trace has a span that did not fail (trace 2's children).
    expect(await ids('service=checkout&tag=error:false')).toEqual([traceIdOf(3), traceIdOf(2), traceIdOf(1)]);
    expect(await ids('service=checkout&tag=span.kind:server&limit=1')).toEqual([traceIdOf(3)]);
    expect(await ids('service=checkout&tag=span.kind:producer')).toEqual([]);
    expect(await ids('service=checkout&minDuration=5us&maxDuration=5us')).toEqual([
      traceIdOf(3),
      traceIdOf(2),
      traceIdOf(1),
    ]);
    expect(await ids('service=checkout&minDuration=6us')).toEqual([]);
    expect(await ids(`service=checkout&tags=${encodeURIComponent('{"host.name":"node-a"}')}`)).toHaveLength(
      3,
    );
  });
});
