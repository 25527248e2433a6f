import { describe, expect, it } from 'vitest';
import { readHexId } from '@apo/shared/console';
import { buildTraceModel } from './trace-model.ts';
import { TraceFileReader, type FileTraces } from './trace-file.ts';

const enc = new TextEncoder();

function read(text: string, step = text.length): FileTraces {
  const bytes = enc.encode(text);
  const r = new TraceFileReader();
  for (let i = 0; i < bytes.length; i += step) r.push(bytes.slice(i, i + step));
  return r.finish();
}

const otlp = {
  resourceSpans: [
    {
      scopeSpans: [
        {
          scope: { name: 'shop-lib' },
          spans: [
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: 'b7ad6b7169203331',
              name: 'GET /checkout',
              kind: 2,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000100000000',
              attributes: [{ key: 'http.route', value: { stringValue: '/checkout' } }],
            },
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: '00f067aa0ba902b7',
              parentSpanId: 'b7ad6b7169203331',
              name: 'charge “card” ✓',
              kind: 'SPAN_KIND_CLIENT',
              startTimeUnixNano: '1700000000010000000',
              endTimeUnixNano: '1700000000090000000',
              status: { code: 'STATUS_CODE_ERROR', message: 'declined' },
            },
          ],
        },
      ],
      // The resource after its spans: allowed, and the spans still get its service.
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
    },
  ],
};

const jaeger = {
  data: [
    {
      traceID: '4bf92f3577b34da6a3ce929d0e0e4736',
      spans: [
        {
          traceID: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanID: '00f067aa0ba902b7',
          operationName: 'SELECT orders',
          references: [
            { refType: 'CHILD_OF', traceID: '4bf92f3577b34da6a3ce929d0e0e4736', spanID: 'a2fb4a1d1a96d312' },
          ],
          startTime: 1700000000005000,
          duration: 20000,
          tags: [
            { key: 'error', type: 'bool', value: true },
            { key: 'span.kind', type: 'string', value: 'client' },
          ],
          processID: 'p2',
        },
        {
          traceID: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanID: 'a2fb4a1d1a96d312',
          operationName: 'GET /orders',
          references: [],
          startTime: 1700000000000000,
          duration: 50000,
          tags: [],
          processID: 'p1',
        },
      ],
      processes: { p1: { serviceName: 'orders', tags: [] }, p2: { serviceName: 'postgres', tags: [] } },
    },
  ],
};

const names = (f: FileTraces, t = 0) => {
  const c = f.traces[t]!.columns;
  return Array.from(c.name, (n) => f.strings[n]);
};

describe('trace files', () => {
  it('reads OTLP JSON, cut into chunks at any byte, with names, services, times, kinds and status', () => {
    for (const step of [1, 5, 64, 1 << 20]) {
      const f = read(JSON.stringify(otlp, null, 2), step);
      expect(f.traces).toHaveLength(1);
      const t = f.traces[0]!;
      expect(t.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(t.format).toBe('otlp');
      expect(names(f)).toEqual(['GET /checkout', 'charge “card” ✓']);
      expect(Array.from(t.columns.service, (s) => f.strings[s])).toEqual(['checkout', 'checkout']);
      expect([...t.columns.startNs]).toEqual([0, 10_000_000]);
      expect([...t.columns.durationNs]).toEqual([100_000_000, 80_000_000]);
      expect([...t.columns.kind]).toEqual([2, 3]);
      expect([...t.columns.status]).toEqual([0, 2]);
      expect(readHexId(t.columns.parentIds, 2)).toBe('b7ad6b7169203331');
      expect(t.baseNs).toBe('1700000000000000000');
      expect(f.scopes[t.scope[0]!]).toBe('shop-lib');
    }
  });

  it('reads Jaeger JSON: parent from CHILD_OF, service from processes, µs as ns, error tag as status', () => {
    const f = read(JSON.stringify(jaeger), 7);
    const t = f.traces[0]!;
    expect(t.format).toBe('jaeger');
    const m = buildTraceModel({
      traceId: t.traceId,
      baseNs: t.baseNs,
      strings: f.strings,
      columns: t.columns,
    });
    expect(Array.from(m.tree.order, (i) => f.strings[m.columns.name[i]!])).toEqual([
      'GET /orders',
      'SELECT orders',
    ]);
    expect(Array.from(m.tree.order, (i) => f.strings[m.columns.service[i]!])).toEqual(['orders', 'postgres']);
    expect(Array.from(m.tree.order, (i) => m.columns.startNs[i])).toEqual([0, 5_000_000]);
    expect(Array.from(m.tree.order, (i) => m.columns.durationNs[i])).toEqual([50_000_000, 20_000_000]);
    expect(Array.from(m.tree.order, (i) => m.columns.status[i])).toEqual([0, 2]);
    expect(m.baseNs).toBe('1700000000000000000');
  });

  it('reads several requests, one per line (the Collector file exporter), into one trace per trace id', () => {
    const other = structuredClone(otlp);
    const span = other.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    span.traceId = 'ffffffffffffffffffffffffffffffff';
    other.resourceSpans[0]!.scopeSpans[0]!.spans = [span];
    const f = read(`${JSON.stringify(otlp)}\n${JSON.stringify(other)}\n${JSON.stringify(otlp)}\n`, 33);
    expect(f.traces.map((t) => [t.traceId, t.columns.count])).toEqual([
      ['0af7651916cd43dd8448eb211c80319c', 4],
      ['ffffffffffffffffffffffffffffffff', 1],
    ]);
  });

  it('remembers where each span is in the file, to read its details again', () => {
    const text = JSON.stringify(jaeger);
    const f = read(text, 3);
    const t = f.traces[0]!;
    const bytes = enc.encode(text).slice(t.byteStart[1], t.byteStart[1]! + t.byteLength[1]!);
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(jaeger.data[0]!.spans[1]);
  });

  it('names the problem and its position in a malformed file', () => {
    const broken = '{\n  "resourceSpans": [\n    { "resource": {} "scopeSpans": [] }\n  ]\n}';
    expect(() => read(broken, 4)).toThrow("expected ',' or '}' at byte 44 (line 3, column 22)");
    expect(() => read('{"data": [{"spans": [{"spanID": "1", }]}]}', 9)).toThrow(
      'Expected double-quoted property name at byte 37 (line 1, column 38)',
    );
    expect(() => read('{"data": [{"spans": [\n{\n"spanID": "1",\n}]}]}', 9)).toThrow(
      'Expected double-quoted property name at byte 39 (line 4, column 1)',
    );
    expect(() => read(JSON.stringify(jaeger).slice(0, 200), 50)).toThrow(
      'the file ends inside a value (cut short?) at byte 200',
    );
    expect(() => read('{"hello": [1, 2]}')).toThrow('no spans found: expected OTLP JSON');
    expect(() => read('')).toThrow('the file holds no JSON value');
    expect(() => read('{"data": [{"spans": [{"traceID": "1", "spanID": "2"}]}]}')).toThrow(
      'startTime and duration must be numbers (microseconds) (the span at byte 21)',
    );
    expect(() => read('[1, 2 3]')).toThrow("expected ',' or ']' at byte 6 (line 1, column 7)");
  });
});
