import { describe, expect, it } from 'vitest';
import type { SpanDetails } from '../model/span-details.ts';
import { TraceFileReader, type FileTraces } from '../model/trace-file.ts';
import { exportFileTrace, fileSpanDetails } from './file-export.ts';

const TRACE = 'abcdef0123456789abcdef0123456789';
const SPANS = 300;
const id = (n: number) => n.toString(16).padStart(16, '0');

/** A Jaeger JSON file of SPANS spans over two processes, each span with attributes, a log and a link. */
function jaegerFile(): string {
  const spans = Array.from({ length: SPANS }, (_, i) => ({
    traceID: TRACE,
    spanID: id(i + 1),
    operationName: `op-${i % 7}`,
    references:
      i === 0
        ? []
        : [
            { refType: 'CHILD_OF', traceID: TRACE, spanID: id(1) },
            { refType: 'FOLLOWS_FROM', traceID: 'ff'.repeat(16), spanID: id(999) },
          ],
    startTime: 1_700_000_000_000_000 + i * 10,
    duration: 5 + i,
    tags: [
      { key: 'order.id', type: 'string', value: `o-${i}` },
      { key: 'text', type: 'string', value: `naïve ✓ ${'x'.repeat(i % 50)}` },
      ...(i === 3 ? [{ key: 'error', type: 'bool', value: true }] : []),
    ],
    logs: [
      {
        timestamp: 1_700_000_000_000_000 + i * 10 + 2,
        fields: [{ key: 'event', type: 'string', value: `ev-${i}` }],
      },
    ],
    processID: i % 2 === 0 ? 'p1' : 'p2',
  }));
  return JSON.stringify({
    data: [
      {
        traceID: TRACE,
        spans,
        processes: {
          p1: { serviceName: 'web', tags: [{ key: 'host.name', type: 'string', value: 'a' }] },
          p2: { serviceName: 'db', tags: [{ key: 'host.name', type: 'string', value: 'b' }] },
        },
      },
    ],
  });
}

function read(text: string | Blob): Promise<FileTraces> {
  return (async () => {
    const bytes = new Uint8Array(await new Blob([text]).arrayBuffer());
    const r = new TraceFileReader();
    for (let i = 0; i < bytes.length; i += 4093) r.push(bytes.slice(i, i + 4093));
    return r.finish();
  })();
}

/** Every span of a file in full, by span id: what the details panel would show. */
async function detailsById(text: string): Promise<Map<string, SpanDetails>> {
  const ft = await read(text);
  const t = ft.traces[0]!;
  const bytes = new TextEncoder().encode(text);
  const out = new Map<string, SpanDetails>();
  for (let i = 0; i < t.columns.count; i++) {
    const json = new TextDecoder().decode(bytes.subarray(t.byteStart[i], t.byteStart[i]! + t.byteLength[i]!));
    const d = fileSpanDetails(ft, t, i, json)!;
    out.set(d.spanId, d);
  }
  return out;
}

const noControl = { progress: () => undefined, cancelled: () => false };

describe('exporting a trace opened from a file', () => {
  it('writes every span with the details read from the file, reading it in windows', async () => {
    const text = jaegerFile();
    const file = new Blob([text]);
    const ft = await read(text);
    const original = await detailsById(text);
    const seen: number[] = [];
    for (const format of ['jaeger', 'otlp'] as const) {
      // A 4 KB window: the file (~90 KB) is read in many, spans crossing a window's end read again whole.
      const out = await exportFileTrace(
        file,
        ft,
        ft.traces[0]!,
        format,
        { ...noControl, progress: (d) => seen.push(d) },
        4096,
      );
      const text2 = await out!.text();
      const back = await detailsById(text2);
      expect(back.size).toBe(SPANS);
      for (const [spanId, d] of original) {
        const got = back.get(spanId)!;
        const keys = new Set(d.attributes.map(([k]) => k).filter((k) => k !== 'error'));
        expect([got.name, got.service, got.parentSpanId, got.statusCode]).toEqual([
          d.name,
          d.service,
          d.parentSpanId,
          d.statusCode,
        ]);
        expect(got.attributes.filter(([k]) => keys.has(k))).toEqual(
          d.attributes.filter(([k]) => keys.has(k)),
        );
        expect(got.events.map((e) => [e.name, e.atMs])).toEqual(d.events.map((e) => [e.name, e.atMs]));
        expect(got.resource.filter(([k]) => k !== 'service.name')).toEqual(d.resource);
      }
      expect(back.get(id(5))!.attributes.slice(0, 2)).toEqual([
        ['order.id', 'o-4'],
        ['text', `naïve ✓ ${'x'.repeat(4)}`],
      ]);
      expect(back.get(id(4))!.statusCode).toBe(2);
      expect(back.get(id(9))!.links.map((l) => l.spanId)).toEqual([id(999)]);
    }
    expect(seen.at(-1)).toBe(SPANS);
    expect(seen.length).toBeGreaterThan(10);
  });

  it('OTLP: one resource per process of the file, the resource from its tags', async () => {
    const text = jaegerFile();
    const ft = await read(text);
    const out = await exportFileTrace(new Blob([text]), ft, ft.traces[0]!, 'otlp', noControl);
    const doc = JSON.parse(await out!.text()) as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue: string } }[] };
        scopeSpans: { spans: unknown[] }[];
      }[];
    };
    expect(
      doc.resourceSpans.map((r) => [
        r.resource.attributes.map((a) => `${a.key}=${a.value.stringValue}`),
        r.scopeSpans[0]!.spans.length,
      ]),
    ).toEqual([
      [['service.name=web', 'host.name=a'], 150],
      [['service.name=db', 'host.name=b'], 150],
    ]);
  });

  it('stops when cancelled, giving nothing', async () => {
    const text = jaegerFile();
    const ft = await read(text);
    let reads = 0;
    const out = await exportFileTrace(
      new Blob([text]),
      ft,
      ft.traces[0]!,
      'otlp',
      { progress: () => reads++, cancelled: () => reads >= 2 },
      4096,
    );
    expect(out).toBeNull();
  });
});
