import { describe, expect, it } from 'vitest';
import type {
  AnyValue,
  Attributes,
  LogsData,
  MetricsData,
  Span,
  SpanEvent,
  SpanLink,
  TracesData,
} from '../model/telemetry.ts';
import type { DecodeResult, DecodeStats } from './decode-result.ts';
import {
  decodeLogsJson,
  decodeLogsProto,
  decodeMetricsJson,
  decodeMetricsProto,
  decodeTracesJson,
  decodeTracesProto,
  encodeLogsProto,
  encodeMetricsProto,
  encodeTracesProto,
} from './index.ts';
import { referenceOtlpJson, referenceTypes } from './testing/otlp-proto-reference.ts';
import { toAttributes } from './testing/arbitraries.ts';
import { keyValuesRef } from './testing/reference-objects.ts';

function ok<T>(result: DecodeResult<T>): { value: T; stats: DecodeStats } {
  if (!result.ok) throw result.error;
  return result;
}

function traceWith(attributes: Attributes, droppedAttributesCount = 0): TracesData {
  const span: Span = {
    traceId: '5b8efff798038103d269b633813fc60c',
    spanId: '6e0c63257de34c92',
    traceState: '',
    parentSpanId: '',
    flags: 0,
    name: 'big',
    kind: 1,
    startTimeUnixNano: 1n,
    endTimeUnixNano: 2n,
    attributes,
    droppedAttributesCount,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  };
  return {
    resourceSpans: [
      {
        resource: { attributes: toAttributes([['service.name', 'svc']]), droppedAttributesCount: 0 },
        scopeSpans: [
          {
            scope: { name: 's', version: '', attributes: toAttributes([]), droppedAttributesCount: 0 },
            spans: [span],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

/** The JSON form of `traceWith(attributes)`, for the JSON decoder. */
function traceJson(attributes: Attributes, droppedAttributesCount = 0): string {
  const anyJson = (v: AnyValue): unknown =>
    typeof v === 'bigint' ? { intValue: v.toString() } : { stringValue: v };
  const kvs = keyValuesRef(attributes).map((kv) => ({
    key: kv.key,
    value: anyJson(attributes[kv.key as string]!),
  }));
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: '6e0c63257de34c92',
                attributes: kvs,
                droppedAttributesCount,
              },
            ],
          },
        ],
      },
    ],
  });
}

const manyAttributes = toAttributes(
  Array.from({ length: 10_000 }, (_, i) => [`attr.${i}`, BigInt(i)] as const),
);
const firstSpan = (data: TracesData): Span => data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

describe('maxAttributes', () => {
  it('keeps the first 128 of 10,000 span attributes and counts the rest as dropped (protobuf)', () => {
    const { value, stats } = ok(
      decodeTracesProto(encodeTracesProto(traceWith(manyAttributes)), { maxAttributes: 128 }),
    );
    const span = firstSpan(value);
    expect(Object.keys(span.attributes)).toHaveLength(128);
    expect(span.attributes['attr.0']).toBe(0n);
    expect(span.attributes['attr.127']).toBe(127n);
    expect(span.attributes['attr.128']).toBeUndefined();
    expect(span.droppedAttributesCount).toBe(9_872);
    expect(stats).toMatchObject({ droppedAttributes: 9_872, truncatedValues: 0, itemsOverAttributeBytes: 0 });
    // The resource map has one attribute, under the limit: untouched.
    expect(value.resourceSpans[0]!.resource.droppedAttributesCount).toBe(0);
  });

  it('the same from JSON', () => {
    const { value, stats } = ok(decodeTracesJson(traceJson(manyAttributes), { maxAttributes: 128 }));
    expect(Object.keys(firstSpan(value).attributes)).toHaveLength(128);
    expect(firstSpan(value).droppedAttributesCount).toBe(9_872);
    expect(stats.droppedAttributes).toBe(9_872);
  });

  it('adds what it drops to the count the sender already reported', () => {
    const { value } = ok(
      decodeTracesProto(encodeTracesProto(traceWith(manyAttributes, 5)), { maxAttributes: 9_000 }),
    );
    expect(firstSpan(value).droppedAttributesCount).toBe(1_005);
  });

  it('a duplicate key does not use up the limit (last one wins)', () => {
    const { value } = ok(
      decodeTracesJson(
        JSON.stringify({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      attributes: [
                        { key: 'a', value: { stringValue: '1' } },
                        { key: 'a', value: { stringValue: '2' } },
                        { key: 'b', value: { stringValue: '3' } },
                        { key: 'c', value: { stringValue: '4' } },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        }),
        { maxAttributes: 2 },
      ),
    );
    expect({ ...firstSpan(value).attributes }).toEqual({ a: '2', b: '3' });
    expect(firstSpan(value).droppedAttributesCount).toBe(1);
  });

  it('applies to every attribute map of a log record and its resource', () => {
    const attrs = toAttributes([
      ['a', 'x'],
      ['b', 'y'],
      ['c', 'z'],
    ]);
    const data: LogsData = {
      resourceLogs: [
        {
          resource: { attributes: attrs, droppedAttributesCount: 0 },
          scopeLogs: [
            {
              scope: { name: '', version: '', attributes: attrs, droppedAttributesCount: 0 },
              logRecords: [
                {
                  timeUnixNano: 0n,
                  observedTimeUnixNano: 0n,
                  severityNumber: 9,
                  severityText: '',
                  body: attrs,
                  attributes: attrs,
                  droppedAttributesCount: 0,
                  flags: 0,
                  traceId: '',
                  spanId: '',
                  eventName: '',
                },
              ],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    };
    const { value, stats } = ok(decodeLogsProto(encodeLogsProto(data), { maxAttributes: 1 }));
    const rl = value.resourceLogs[0]!;
    expect(rl.resource.droppedAttributesCount).toBe(2);
    expect(rl.scopeLogs[0]!.scope.droppedAttributesCount).toBe(2);
    const record = rl.scopeLogs[0]!.logRecords[0]!;
    expect(record.droppedAttributesCount).toBe(2);
    // A kvlist body is a value, not an attribute map: not limited.
    expect(Object.keys(record.body as Attributes)).toHaveLength(3);
    expect(stats.droppedAttributes).toBe(6);
  });
});

describe('maxValueLength', () => {
  const long = 'x'.repeat(100_000);

  it('cuts long string values and counts them (protobuf and JSON)', () => {
    const attributes = toAttributes([
      ['db.query.text', long],
      ['short', 'ok'],
      ['n', 5n],
    ]);
    for (const result of [
      decodeTracesProto(encodeTracesProto(traceWith(attributes)), { maxValueLength: 16 }),
      decodeTracesJson(traceJson(attributes), { maxValueLength: 16 }),
    ]) {
      const { value, stats } = ok(result);
      expect(firstSpan(value).attributes['db.query.text']).toBe('x'.repeat(16));
      expect(firstSpan(value).attributes.short).toBe('ok');
      expect(stats.truncatedValues).toBe(1);
    }
  });

  it('counts characters, not bytes, and never splits a surrogate pair', () => {
    // Keys are capped too, so these are short.
    const attributes = toAttributes([
      ['m', 'é'.repeat(10)],
      ['e', '😀😀😀'],
      ['x', 'abcd'],
    ]);
    const { value, stats } = ok(
      decodeTracesProto(encodeTracesProto(traceWith(attributes)), { maxValueLength: 3 }),
    );
    expect(firstSpan(value).attributes.m).toBe('ééé');
    expect(firstSpan(value).attributes.e).toBe('😀'); // 3 units would split the second pair: cut to 2
    expect(firstSpan(value).attributes.x).toBe('abc');
    // …and the resource's 'service.name' key is cut to 'ser'.
    expect(stats.truncatedValues).toBe(4);
  });

  it('cuts bytes values, nested values, log bodies and keys', () => {
    const body = toAttributes([['k'.repeat(10), ['v'.repeat(10), new Uint8Array(10)]]]);
    const data: LogsData = {
      resourceLogs: [
        {
          resource: { attributes: toAttributes([]), droppedAttributesCount: 0 },
          scopeLogs: [
            {
              scope: {
                name: 'a scope name longer than the limit',
                version: '',
                attributes: toAttributes([]),
                droppedAttributesCount: 0,
              },
              logRecords: [
                {
                  timeUnixNano: 0n,
                  observedTimeUnixNano: 0n,
                  severityNumber: 0,
                  severityText: '',
                  body,
                  attributes: toAttributes([]),
                  droppedAttributesCount: 0,
                  flags: 0,
                  traceId: '',
                  spanId: '',
                  eventName: '',
                },
              ],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    };
    const { value, stats } = ok(decodeLogsProto(encodeLogsProto(data), { maxValueLength: 3 }));
    const sl = value.resourceLogs[0]!.scopeLogs[0]!;
    expect({ ...(sl.logRecords[0]!.body as Attributes) }).toEqual({ kkk: ['vvv', new Uint8Array(3)] });
    expect(sl.scope.name).toBe('a scope name longer than the limit'); // names are not attribute values
    expect(stats.truncatedValues).toBe(3);
    const fromJson = ok(
      decodeLogsJson(
        JSON.stringify({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  logRecords: [
                    {
                      body: {
                        kvlistValue: { values: [{ key: 'kkkkk', value: { bytesValue: 'AAAAAAAA' } }] },
                      },
                    },
                  ],
                },
              ],
            },
          ],
        }),
        { maxValueLength: 3 },
      ),
    );
    expect({ ...(fromJson.value.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body as Attributes) }).toEqual({
      kkk: new Uint8Array(3),
    });
    expect(fromJson.stats.truncatedValues).toBe(2);
  });
});

/** OTLP/JSON of protobuf bytes, through the reference implementation: the same request for both decoders. */
const ref = referenceTypes();
const asJson = (type: 'traces' | 'logs' | 'metrics', bytes: Uint8Array): string =>
  JSON.stringify(referenceOtlpJson(ref[type], bytes));

function bothTraceDecoders(data: TracesData, limits: Parameters<typeof decodeTracesProto>[1]) {
  const bytes = encodeTracesProto(data);
  return [
    ['protobuf', ok(decodeTracesProto(bytes, limits))],
    ['json', ok(decodeTracesJson(asJson('traces', bytes), limits))],
  ] as const;
}

const event = (i: number): SpanEvent => ({
  timeUnixNano: 10n + BigInt(i),
  name: `e${i}`,
  attributes: toAttributes([['i', BigInt(i)]]),
  droppedAttributesCount: 0,
});
const link = (i: number): SpanLink => ({
  traceId: '5b8efff798038103d269b633813fc60c',
  spanId: i.toString(16).padStart(16, '0'),
  traceState: '',
  attributes: toAttributes([]),
  droppedAttributesCount: 0,
  flags: 0,
});

describe('maxEventsPerSpan and maxLinksPerSpan', () => {
  it('keeps the first 128 of 1,000 events and 3 of 10 links, adding the rest to the counts the sender sent', () => {
    const data = traceWith(toAttributes([]));
    const span = firstSpan(data);
    span.events = Array.from({ length: 1_000 }, (_, i) => event(i));
    span.droppedEventsCount = 7;
    span.links = Array.from({ length: 10 }, (_, i) => link(i + 1));
    for (const [encoding, { value, stats }] of bothTraceDecoders(data, {
      maxEventsPerSpan: 128,
      maxLinksPerSpan: 3,
    })) {
      const got = firstSpan(value);
      expect(
        got.events.map((e) => e.name),
        encoding,
      ).toEqual(span.events.slice(0, 128).map((e) => e.name));
      expect(got.droppedEventsCount, encoding).toBe(7 + 872);
      expect(
        got.links.map((l) => l.spanId),
        encoding,
      ).toEqual(span.links.slice(0, 3).map((l) => l.spanId));
      expect(got.droppedLinksCount, encoding).toBe(7);
      expect(stats, encoding).toMatchObject({ droppedEvents: 872, droppedLinks: 7 });
    }
  });

  it('leaves a span within the limits untouched', () => {
    const data = traceWith(toAttributes([]));
    firstSpan(data).events = [event(0), event(1)];
    const { value, stats } = ok(decodeTracesProto(encodeTracesProto(data), { maxEventsPerSpan: 2 }));
    expect(firstSpan(value).events).toHaveLength(2);
    expect(firstSpan(value).droppedEventsCount).toBe(0);
    expect(stats.droppedEvents).toBe(0);
  });
});

describe('maxValueEntries', () => {
  it('cuts array and kvlist values to their first entries, at every level, and counts the rest', () => {
    const nested = Array.from({ length: 5 }, (_, i) => BigInt(i));
    const kv = toAttributes(Array.from({ length: 6 }, (_, i) => [`k${i}`, `v${i}`] as const));
    const attributes = toAttributes([
      ['big', Array.from({ length: 10 }, (_, i) => `x${i}`)],
      ['nested', [nested, nested]],
      ['kv', kv],
      ['small', ['a', 'b']],
    ]);
    for (const [encoding, { value, stats }] of bothTraceDecoders(traceWith(attributes), {
      maxValueEntries: 3,
    })) {
      const got = firstSpan(value).attributes;
      expect(got.big, encoding).toEqual(['x0', 'x1', 'x2']);
      expect(got.nested, encoding).toEqual([
        [0n, 1n, 2n],
        [0n, 1n, 2n],
      ]);
      expect({ ...(got.kv as Attributes) }, encoding).toEqual({ k0: 'v0', k1: 'v1', k2: 'v2' });
      expect(got.small, encoding).toEqual(['a', 'b']);
      // 7 of big, 2 + 2 of the nested arrays, 3 of kv.
      expect(stats.droppedValueEntries, encoding).toBe(14);
      expect(firstSpan(value).droppedAttributesCount, encoding).toBe(0);
    }
  });

  it('cuts a 100,000-entry array to 1,000', () => {
    const attributes = toAttributes([['ids', Array.from({ length: 100_000 }, (_, i) => BigInt(i))]]);
    for (const [encoding, { value, stats }] of bothTraceDecoders(traceWith(attributes), {
      maxValueEntries: 1_000,
    })) {
      const ids = firstSpan(value).attributes.ids as bigint[];
      expect(ids, encoding).toHaveLength(1_000);
      expect(ids[999], encoding).toBe(999n);
      expect(stats.droppedValueEntries, encoding).toBe(99_000);
    }
  });
});

describe('maxAttributeBytes', () => {
  // 100 attributes of 1,010 counted bytes each (a 10-character key, a 1,000-character value).
  const kilo = toAttributes(
    Array.from({ length: 100 }, (_, i) => [`key.${String(i).padStart(6, '0')}`, 'v'.repeat(1_000)] as const),
  );

  it('keeps the attributes of a span that fit in the budget and drops every later one', () => {
    for (const [encoding, { value, stats }] of bothTraceDecoders(traceWith(kilo, 2), {
      maxAttributeBytes: 64 * 1024,
    })) {
      const span = firstSpan(value);
      // 64 × 1,010 = 64,640 ≤ 65,536 < 65 × 1,010.
      expect(Object.keys(span.attributes), encoding).toEqual(Object.keys(kilo).slice(0, 64));
      expect(span.droppedAttributesCount, encoding).toBe(2 + 36);
      expect(stats, encoding).toMatchObject({ droppedAttributes: 36, itemsOverAttributeBytes: 1 });
      // The resource's attribute is not charged to anything.
      expect(value.resourceSpans[0]!.resource.droppedAttributesCount, encoding).toBe(0);
    }
  });

  it("charges a span's events to the span: what the span's own attributes leave is all its events get", () => {
    const data = traceWith(
      toAttributes(
        Array.from(
          { length: 60 },
          (_, i) => [`key.${String(i).padStart(6, '0')}`, 'v'.repeat(1_000)] as const,
        ),
      ),
    );
    firstSpan(data).events = Array.from({ length: 10 }, (_, i) => ({
      ...event(i),
      attributes: toAttributes([['payload', 'p'.repeat(993)]]), // 7 + 993 = 1,000
    }));
    for (const [encoding, { value, stats }] of bothTraceDecoders(data, { maxAttributeBytes: 64 * 1024 })) {
      const span = firstSpan(value);
      expect(Object.keys(span.attributes), encoding).toHaveLength(60);
      // 65,536 − 60,600 = 4,936: four events keep their payload, the other six lose it (and count it).
      expect(
        span.events.map((e) => Object.keys(e.attributes).length),
        encoding,
      ).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
      expect(span.events[5]!.droppedAttributesCount, encoding).toBe(1);
      expect(stats.droppedAttributes, encoding).toBe(6);
      expect(stats.itemsOverAttributeBytes, encoding).toBe(1);
    }
  });

  it('counts what is kept, not what is encoded: 10,000 small ints (~40 KB encoded) count 80,000', () => {
    const attributes = toAttributes([
      ['first', 'x'],
      ['ints', Array.from({ length: 10_000 }, () => 1n)],
    ]);
    for (const [encoding, { value, stats }] of bothTraceDecoders(traceWith(attributes), {
      maxAttributeBytes: 64 * 1024,
    })) {
      expect({ ...firstSpan(value).attributes }, encoding).toEqual({ first: 'x' });
      expect(stats, encoding).toMatchObject({ droppedAttributes: 1, itemsOverAttributeBytes: 1 });
    }
  });

  it('gives every item its own budget', () => {
    const data = traceWith(kilo);
    const scope = data.resourceSpans[0]!.scopeSpans[0]!;
    scope.spans.push({ ...firstSpan(data), spanId: '6e0c63257de34c93' });
    const { value, stats } = ok(decodeTracesProto(encodeTracesProto(data), { maxAttributeBytes: 10_100 }));
    const spans = value.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(spans.map((s) => Object.keys(s.attributes).length)).toEqual([10, 10]);
    expect(stats).toMatchObject({ droppedAttributes: 180, itemsOverAttributeBytes: 2 });
  });

  it("applies to a log record's attributes, not to its body", () => {
    const record = {
      timeUnixNano: 1n,
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      severityText: '',
      body: kilo,
      attributes: kilo,
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: '',
    };
    const data: LogsData = {
      resourceLogs: [
        {
          resource: { attributes: kilo, droppedAttributesCount: 0 },
          scopeLogs: [
            {
              scope: traceWith(kilo).resourceSpans[0]!.scopeSpans[0]!.scope,
              logRecords: [record],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    };
    const bytes = encodeLogsProto(data);
    for (const [encoding, result] of [
      ['protobuf', decodeLogsProto(bytes, { maxAttributeBytes: 64 * 1024 })],
      ['json', decodeLogsJson(asJson('logs', bytes), { maxAttributeBytes: 64 * 1024 })],
    ] as const) {
      const { value, stats } = ok(result);
      const rl = value.resourceLogs[0]!;
      const got = rl.scopeLogs[0]!.logRecords[0]!;
      expect(Object.keys(got.attributes), encoding).toHaveLength(64);
      expect(got.droppedAttributesCount, encoding).toBe(36);
      expect(Object.keys(got.body as Attributes), encoding).toHaveLength(100);
      expect(Object.keys(rl.resource.attributes), encoding).toHaveLength(100);
      expect(stats.droppedAttributes, encoding).toBe(36);
    }
  });

  it("applies to a data point's attributes", () => {
    const data: MetricsData = {
      resourceMetrics: [
        {
          resource: { attributes: toAttributes([]), droppedAttributesCount: 0 },
          scopeMetrics: [
            {
              scope: traceWith(kilo).resourceSpans[0]!.scopeSpans[0]!.scope,
              metrics: [
                {
                  name: 'm',
                  description: '',
                  unit: '',
                  metadata: toAttributes([]),
                  data: {
                    type: 'gauge',
                    points: [
                      {
                        attributes: kilo,
                        startTimeUnixNano: 0n,
                        timeUnixNano: 1n,
                        flags: 0,
                        value: 1,
                        exemplars: [],
                      },
                    ],
                  },
                },
              ],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    };
    const bytes = encodeMetricsProto(data);
    for (const [encoding, result] of [
      ['protobuf', decodeMetricsProto(bytes, { maxAttributeBytes: 64 * 1024 })],
      ['json', decodeMetricsJson(asJson('metrics', bytes), { maxAttributeBytes: 64 * 1024 })],
    ] as const) {
      const { value, stats } = ok(result);
      const metric = value.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!;
      const point = metric.data.type === 'gauge' ? metric.data.points[0]! : undefined;
      expect(Object.keys(point!.attributes), encoding).toHaveLength(64);
      expect(stats, encoding).toMatchObject({ droppedAttributes: 36, itemsOverAttributeBytes: 1 });
    }
  });
});
