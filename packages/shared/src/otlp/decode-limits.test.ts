import { describe, expect, it } from 'vitest';
import type { AnyValue, Attributes, LogsData, Span, TracesData } from '../model/telemetry.ts';
import type { DecodeResult, DecodeStats } from './decode-result.ts';
import {
  decodeLogsJson,
  decodeLogsProto,
  decodeTracesJson,
  decodeTracesProto,
  encodeLogsProto,
  encodeTracesProto,
} from './index.ts';
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
    expect(stats).toEqual({ droppedAttributes: 9_872, truncatedValues: 0 });
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
