/**
 * Spans read straight from a file's bytes (span-bytes.ts) against what JSON.parse and span-details.ts's
 * rules give for the same span: every variant below, whichever path reads it, ends up the same.
 */
import { describe, expect, it } from 'vitest';
import { readHexId } from '@apo/shared/console';
import { jaegerAttrs, jaegerKind, jaegerParent, jaegerStatus, otlpKind, otlpStatus } from './span-details.ts';
import { TraceFileReader, type FileTraces } from './trace-file.ts';

const enc = new TextEncoder();
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function read(text: string, step: number): FileTraces {
  const bytes = enc.encode(text);
  const r = new TraceFileReader();
  for (let i = 0; i < bytes.length; i += step) r.push(bytes.slice(i, i + step));
  return r.finish();
}

/** The 16-digit hex the columns keep of an id: its last 16 digits, lower case. */
const id16 = (hex: string) => hex.toLowerCase().slice(-16).padStart(16, '0');

const base = { traceID: TRACE, startTime: 1700000000000000, duration: 10, processID: 'p1' };
const JAEGER_SPANS: Record<string, unknown>[] = [
  { ...base, spanID: '0000000000000001', operationName: 'root', references: [], tags: [] },
  {
    ...base,
    spanID: '00000000000000A2', // upper case
    operationName: 'child of the first CHILD_OF',
    references: [
      { refType: 'FOLLOWS_FROM', traceID: TRACE, spanID: '00000000000000ff' },
      { refType: 'CHILD_OF', traceID: TRACE, spanID: '0000000000000001' },
    ],
    startTime: 1700000000000250,
    duration: 40,
    tags: [
      'not an object',
      { key: 'span.kind', type: 'string', value: 'server' },
      { key: 'error', type: 'bool', value: true },
      { key: 'error', type: 'bool', value: false }, // the first one counts
    ],
  },
  {
    ...base,
    spanID: '3',
    operationName: 'follows from only',
    references: [{ refType: 'FOLLOWS_FROM', traceID: TRACE, spanID: '00000000000000a2' }],
    tags: [
      { key: 'otel.status_code', type: 'string', value: 'OK' },
      { key: 'span.kind', type: 'string', value: 'consumer' },
    ],
  },
  {
    ...base,
    spanID: '0000000000000004',
    operationName: 'legacy parentSpanID',
    parentSpanID: '0000000000000003',
    tags: [{ key: 'otel.status_code', value: 'ERROR' }, { value: 'no key' }, { key: 7, value: 'true' }],
    logs: [{ timestamp: 1700000000000001, fields: [{ key: 'event', value: 'x' }] }],
  },
  {
    ...base,
    spanID: 'AAAAAAAAAAU=', // base64 (the slow path decodes it)
    operationName: 'caf\u00e9 \u201cquoted\u201d \\ / \n',
    references: [{ refType: 'CHILD_OF', traceID: TRACE, spanID: '4' }],
    tags: [
      { key: 'error', value: 'true' },
      { key: 'span.kind', value: 'client' },
    ],
  },
  {
    ...base,
    spanID: '00000000000000000000000000000006', // longer than 16 digits: the last 16 count
    operationName: 'duplicate keys: the last wins',
    duration: 5,
    references: [{ refType: 'CHILD_OF', traceID: TRACE, spanID: '0000000000000001' }],
    tags: [{ key: 'span.kind', value: 'producer' }],
    warnings: null,
    flags: 1,
  },
  {
    ...base,
    spanID: '7',
    operationName: 'fraction µs',
    startTime: 1700000000000000.5,
    duration: 0.25,
    tags: {},
  },
  {
    ...base,
    spanID: '8',
    references: [{ refType: 'CHILD_OF' }],
    tags: [{ key: 'span.kind', value: 'internal' }],
  },
];

/** The file's text, pretty-printed or not; the duplicate key written by hand. */
function jaegerFile(pretty: boolean): string {
  const text = JSON.stringify(
    {
      data: [{ traceID: TRACE, spans: JAEGER_SPANS, processes: { p1: { serviceName: 'orders', tags: [] } } }],
    },
    null,
    pretty ? 2 : undefined,
  );
  return text
    .replace('"duration":5,', '"duration":99,"duration":5,')
    .replace('"duration": 5,', '"duration": 99, "duration": 5,');
}

/** What JSON.parse and span-details.ts's rules say of a Jaeger span. */
function jaegerExpected(s: Record<string, unknown>) {
  const tags = jaegerAttrs(s.tags);
  const parent = jaegerParent(s);
  const b64 = (v: string) =>
    Array.from(atob(v), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  const spanId = String(s.spanID);
  return {
    name: typeof s.operationName === 'string' ? s.operationName : '',
    spanId: id16(/^[0-9a-fA-F]+$/.test(spanId) ? spanId : b64(spanId)),
    parent: parent === '' ? '0000000000000000' : id16(parent),
    startNs: (Number(s.startTime) - 1700000000000000) * 1000,
    durationNs: Number(s.duration) * 1000,
    status: jaegerStatus(tags).code,
    kind: jaegerKind(tags),
  };
}

function rows(f: FileTraces) {
  const t = f.traces[0];
  if (t === undefined) throw new Error('no trace');
  const c = t.columns;
  return Array.from({ length: c.count }, (_, i) => ({
    name: f.strings[c.name[i] ?? 0],
    spanId: readHexId(c.spanIds, 2 * i),
    parent: readHexId(c.parentIds, 2 * i),
    startNs: c.startNs[i],
    durationNs: c.durationNs[i],
    status: c.status[i],
    kind: c.kind[i],
  }));
}

describe('spans read from bytes', () => {
  it('Jaeger: the same ids, parents, names, times, status and kind as JSON.parse and the rules give', () => {
    // The duplicated duration (99 then 5): the last one counts.
    const expected = JAEGER_SPANS.map((s, i) => ({
      ...jaegerExpected(s),
      ...(i === 5 ? { durationNs: 5000 } : {}),
    }));
    // The spot checks that the oracle is itself right.
    expect(expected.map((e) => [e.parent.slice(-2), e.status, e.kind])).toEqual([
      ['00', 0, 0],
      ['01', 2, 2],
      ['a2', 1, 5],
      ['03', 2, 0],
      ['04', 2, 3],
      ['01', 0, 4],
      ['00', 0, 0],
      ['00', 0, 1],
    ]);
    for (const pretty of [false, true]) {
      for (const step of [1, 13, 100, 1 << 20]) {
        const f = read(jaegerFile(pretty), step);
        expect([pretty, step, rows(f)]).toEqual([pretty, step, expected]);
        const t = f.traces[0];
        expect(Array.from(t?.columns.service ?? [], (s) => f.strings[s])).toEqual(
          JAEGER_SPANS.map(() => 'orders'),
        );
      }
    }
  });

  it('Jaeger: each span keeps where its bytes are, whichever path read it', () => {
    const text = jaegerFile(true);
    const f = read(text, 64);
    const t = f.traces[0];
    const bytes = enc.encode(text);
    const back = JAEGER_SPANS.map((_, i) => {
      const start = t?.byteStart[i] ?? 0;
      const raw: unknown = JSON.parse(
        new TextDecoder().decode(bytes.slice(start, start + (t?.byteLength[i] ?? 0))),
      );
      return raw;
    });
    expect(back.map((s) => (s as { spanID: string }).spanID)).toEqual(JAEGER_SPANS.map((s) => s.spanID));
  });

  it('OTLP: several traces in one request and across requests, times as strings or numbers, kinds and codes by name or number', () => {
    const TA = '0af7651916cd43dd8448eb211c80319c';
    const TB = 'ffffffffffffffffffffffffffffff01';
    const span = (traceId: string, spanId: string, extra: Record<string, unknown>) => ({
      traceId,
      spanId,
      name: `span ${spanId}`,
      startTimeUnixNano: '1700000000000000000',
      endTimeUnixNano: '1700000000000001000',
      ...extra,
    });
    const request = (spans: unknown[][], service: string[]) => ({
      resourceSpans: spans.map((s, r) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service[r] } }] },
        scopeSpans: [{ scope: { name: `lib-${r}` }, spans: s }],
      })),
    });
    const first = request(
      [
        [
          span(TA, 'a1', { kind: 2, attributes: [{ key: 'k', value: { stringValue: 'v' } }] }),
          span(TB, 'b1', { kind: 'SPAN_KIND_CONSUMER', status: { code: 'STATUS_CODE_ERROR', message: 'x' } }),
          span(TA, 'a2', {
            parentSpanId: 'a1',
            kind: 'SPAN_KIND_CLIENT',
            startTimeUnixNano: '1700000000500000000',
            endTimeUnixNano: '1700000001000000000',
            status: { code: 1 },
          }),
        ],
        [
          span(TB, 'b2', {
            parentSpanId: 'b1',
            startTimeUnixNano: 1700000000000002000,
            endTimeUnixNano: 1700000000000003000,
          }),
        ],
      ],
      ['front', 'back'],
    );
    const second = request(
      [[span(TA, 'a3', { parentSpanId: 'a2', status: { code: 2 }, endTimeUnixNano: '1699999999000000000' })]],
      ['worker'],
    );
    const f = read(`${JSON.stringify(first)}\n${JSON.stringify(second)}\n`, 50);
    const byTrace = f.traces.map((t) => ({
      traceId: t.traceId,
      baseNs: t.baseNs,
      spans: Array.from({ length: t.columns.count }, (_, i) => [
        f.strings[t.columns.name[i] ?? 0],
        f.strings[t.columns.service[i] ?? 0],
        f.scopes[t.scope[i] ?? 0],
        readHexId(t.columns.parentIds, 2 * i).replace(/^0+/, ''),
        t.columns.startNs[i],
        t.columns.durationNs[i],
        t.columns.kind[i],
        t.columns.status[i],
      ]),
    }));
    expect(byTrace).toEqual([
      {
        traceId: TA,
        baseNs: '1700000000000000000',
        spans: [
          ['span a1', 'front', 'lib-0', '', 0, 1000, 2, 0],
          ['span a2', 'front', 'lib-0', 'a1', 500_000_000, 500_000_000, 3, 1],
          ['span a3', 'worker', 'lib-0', 'a2', 0, 0, 0, 2], // ends before it starts: 0
        ],
      },
      {
        traceId: TB,
        baseNs: '1700000000000000000',
        spans: [
          ['span b1', 'front', 'lib-0', '', 0, 1000, 5, 2],
          ['span b2', 'back', 'lib-1', 'b1', 2000, 1000, 0, 0],
        ],
      },
    ]);
    // The same rules as the slow path's, for the record.
    expect([otlpKind('SPAN_KIND_CONSUMER'), otlpStatus({ code: 'STATUS_CODE_ERROR' }).code]).toEqual([5, 2]);
  });

  it('names the problem and its position when a span deep in a pretty-printed file is malformed', () => {
    const good = jaegerFile(true);
    // A raw tab inside a tag's text, in the 6th span: JSON forbids it, so the file is malformed there.
    const at = good.indexOf('"producer"');
    const broken = `${good.slice(0, at)}"pro\tducer"${good.slice(at + '"producer"'.length)}`;
    // Positions count bytes (the file has non-ASCII names before it); the tab is 4 bytes into the string.
    const byte = enc.encode(broken.slice(0, at)).length + 4;
    const line = broken.slice(0, at).split('\n').length;
    const column = enc.encode(broken.slice(broken.lastIndexOf('\n', at - 1) + 1, at)).length + 5;
    for (const step of [7, 1 << 20]) {
      expect(() => read(broken, step)).toThrow(
        `Bad control character in string literal at byte ${byte} (line ${line}, column ${column})`,
      );
    }
  });
});
