/** OTLP/JSON specifics (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding). */
import { describe, expect, it } from 'vitest';
import type { Attributes } from '../model/telemetry.ts';
import type { DecodeResult } from './decode-result.ts';
import { decodeLogsJson, decodeMetricsJson, decodeTracesJson, exportResponseJson } from './index.ts';
import { utf8Encoder } from './utf8.ts';

function ok<T>(result: DecodeResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const TRACE = '5B8EFFF798038103D269B633813FC60C';

describe('OTLP/JSON traces', () => {
  const body = {
    resourceSpans: [
      {
        resource: {
          attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }],
          droppedAttributesCount: 1,
        },
        scopeSpans: [
          {
            scope: { name: 'http', version: '1.0' },
            spans: [
              {
                traceId: TRACE,
                spanId: 'eee19b7ec3c1b174',
                parentSpanId: '',
                name: 'GET /',
                kind: 'SPAN_KIND_SERVER',
                startTimeUnixNano: '1750000000123456789',
                endTimeUnixNano: 0, // the next test puts a number beyond 2^53 here, in the text
                attributes: [
                  { key: 'int', value: { intValue: '-9223372036854775808' } },
                  { key: 'intNumber', value: { intValue: 42 } },
                  { key: 'double', value: { doubleValue: 'NaN' } },
                  { key: 'inf', value: { doubleValue: '-Infinity' } },
                  { key: 'numericString', value: { doubleValue: '2.5' } },
                  { key: 'bytes', value: { bytesValue: 'AQL/' } },
                  { key: 'urlSafeBytes', value: { bytesValue: 'AQL_' } },
                  { key: 'list', value: { arrayValue: { values: [{ boolValue: true }, {}] } } },
                  {
                    key: 'map',
                    value: {
                      kvlistValue: { values: [{ key: '__proto__', value: { stringValue: 'plain data' } }] },
                    },
                  },
                  { key: 'empty' },
                ],
                status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                flags: 257,
                events: [{ timeUnixNano: '1', name: 'e', someFutureField: { nested: true } }],
                links: [{ traceId: TRACE, spanId: 'EEE19B7EC3C1B174', flags: 1 }],
                aFieldFromTheFuture: [1, 2, 3],
              },
            ],
          },
        ],
      },
    ],
  };

  it('decodes every OTLP/JSON convention', () => {
    const data = ok(decodeTracesJson(JSON.stringify(body)));
    const rs = data.resourceSpans[0]!;
    expect(rs.resource.droppedAttributesCount).toBe(1);
    const span = rs.scopeSpans[0]!.spans[0]!;
    expect(span.traceId).toBe(TRACE.toLowerCase());
    expect(span.links[0]!.spanId).toBe('eee19b7ec3c1b174');
    expect(span.kind).toBe(2);
    expect(span.status).toEqual({ code: 2, message: 'boom' });
    expect(span.startTimeUnixNano).toBe(1_750_000_000_123_456_789n);
    expect(span.flags).toBe(257);
    expect(span.events[0]!.timeUnixNano).toBe(1n);
    const a = span.attributes;
    expect(a.int).toBe(-(2n ** 63n));
    expect(a.intNumber).toBe(42n);
    expect(a.double).toBeNaN();
    expect(a.inf).toBe(-Infinity);
    expect(a.numericString).toBe(2.5);
    expect(a.bytes).toEqual(new Uint8Array([1, 2, 255]));
    expect(a.urlSafeBytes).toEqual(new Uint8Array([1, 2, 255]));
    expect(a.list).toEqual([true, null]);
    expect(Object.getPrototypeOf(a.map)).toBeNull();
    expect(Object.keys(a.map as Attributes)).toEqual(['__proto__']);
    expect(a.empty).toBeNull();
  });

  it('keeps an integer beyond 2^53 given as a bare JSON number exact', () => {
    const text = JSON.stringify(body).replace('"endTimeUnixNano":0', '"endTimeUnixNano":1750000000123456789');
    expect(text).toContain('"endTimeUnixNano":1750000000123456789');
    expect(ok(decodeTracesJson(text)).resourceSpans[0]!.scopeSpans[0]!.spans[0]!.endTimeUnixNano).toBe(
      1_750_000_000_123_456_789n,
    );
  });

  it('re-parses for exact integers without counting what the limits cut twice', () => {
    const text = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  name: 'n',
                  attributes: [{ key: 'k', value: { stringValue: 'long value' } }],
                  startTimeUnixNano: 0,
                },
              ],
            },
          ],
        },
      ],
    }).replace('"startTimeUnixNano":0', '"startTimeUnixNano":18446744073709551615');
    const result = decodeTracesJson(text, { maxValueLength: 4 });
    if (!result.ok) throw result.error;
    expect(result.value.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.startTimeUnixNano).toBe(2n ** 64n - 1n);
    expect(result.stats.truncatedValues).toBe(1);
    // A bare integer beyond 2^53 in an int64 attribute, and an integral double, stay exact too.
    const attribute = ok(
      decodeTracesJson(
        '{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"big","value":{"intValue":-9223372036854775808}},{"key":"d","value":{"doubleValue":12345678901234567890}}]}]}]}]}',
      ),
    );
    expect(attribute.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.big).toBe(-(2n ** 63n));
    expect(attribute.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.d).toBe(
      Number('12345678901234567890'),
    );
  });

  it('accepts UTF-8 bytes (with a BOM) as well as a string', () => {
    const text = `\uFEFF${JSON.stringify(body)}`;
    const fromBytes = ok(decodeTracesJson(utf8Encoder.encode(text)));
    expect(fromBytes.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.name).toBe('GET /');
    expect(ok(decodeTracesJson(text)).resourceSpans).toHaveLength(1);
  });

  it('treats null as absent and an empty object as an empty request', () => {
    expect(ok(decodeTracesJson('{}'))).toEqual({ resourceSpans: [] });
    const data = ok(
      decodeTracesJson(
        '{"resourceSpans":[{"resource":null,"scopeSpans":[{"spans":[{"name":null,"traceId":null}]}]}]}',
      ),
    );
    expect(data.resourceSpans[0]!.scopeSpans[0]!.spans[0]).toMatchObject({ name: '', traceId: '', kind: 0 });
  });
});

describe('OTLP/JSON logs and metrics', () => {
  it('logs: severity by name or number, event name, body of any kind, snake_case names', () => {
    const data = ok(
      decodeLogsJson(
        JSON.stringify({
          resource_logs: [
            {
              scope_logs: [
                {
                  log_records: [
                    {
                      time_unix_nano: '5',
                      severity_number: 'SEVERITY_NUMBER_ERROR3',
                      body: { string_value: 'hello' },
                      event_name: 'app.start',
                      trace_id: TRACE,
                    },
                    {
                      severityNumber: 21,
                      body: { kvlistValue: { values: [{ key: 'a', value: { intValue: '1' } }] } },
                      observedTimeUnixNano: '7',
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ),
    );
    const [first, second] = data.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(first).toMatchObject({
      timeUnixNano: 5n,
      severityNumber: 19,
      body: 'hello',
      eventName: 'app.start',
      traceId: TRACE.toLowerCase(),
    });
    expect(second).toMatchObject({ severityNumber: 21, observedTimeUnixNano: 7n });
    expect({ ...(second!.body as Attributes) }).toEqual({ a: 1n });
  });

  it('metrics: every data kind, enum names, ints as strings', () => {
    const point = {
      attributes: [{ key: 'k', value: { stringValue: 'v' } }],
      startTimeUnixNano: '1',
      timeUnixNano: '2',
    };
    const data = ok(
      decodeMetricsJson(
        JSON.stringify({
          resourceMetrics: [
            {
              scopeMetrics: [
                {
                  metrics: [
                    {
                      name: 'g',
                      gauge: {
                        dataPoints: [
                          {
                            ...point,
                            asInt: '-3',
                            exemplars: [{ asDouble: 1.5, spanId: 'eee19b7ec3c1b174', traceId: TRACE }],
                          },
                        ],
                      },
                    },
                    {
                      name: 's',
                      sum: {
                        aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                        isMonotonic: true,
                        dataPoints: [{ ...point, asDouble: 'Infinity' }],
                      },
                    },
                    {
                      name: 'h',
                      histogram: {
                        aggregationTemporality: 2,
                        dataPoints: [
                          {
                            ...point,
                            count: '3',
                            sum: 6,
                            bucketCounts: ['1', 2],
                            explicitBounds: [5],
                            min: 1,
                          },
                        ],
                      },
                    },
                    {
                      name: 'e',
                      exponentialHistogram: {
                        dataPoints: [
                          {
                            ...point,
                            count: 4,
                            scale: -2,
                            zeroCount: '1',
                            positive: { offset: -1, bucketCounts: ['1', '2'] },
                            zeroThreshold: 0.001,
                          },
                        ],
                      },
                    },
                    {
                      name: 'q',
                      summary: {
                        dataPoints: [
                          {
                            ...point,
                            count: '2',
                            sum: 3,
                            quantileValues: [
                              { quantile: 0.5, value: 1 },
                              { quantile: 1, value: 2 },
                            ],
                          },
                        ],
                      },
                    },
                    { name: 'none', metadata: [{ key: 'm', value: { boolValue: false } }] },
                  ],
                },
              ],
            },
          ],
        }),
      ),
    );
    const [g, s, h, e, q, none] = data.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect(g!.data).toMatchObject({
      type: 'gauge',
      points: [
        {
          value: -3n,
          startTimeUnixNano: 1n,
          timeUnixNano: 2n,
          exemplars: [{ value: 1.5, spanId: 'eee19b7ec3c1b174' }],
        },
      ],
    });
    expect(s!.data).toMatchObject({
      type: 'sum',
      aggregationTemporality: 1,
      isMonotonic: true,
      points: [{ value: Infinity }],
    });
    expect(h!.data).toMatchObject({
      type: 'histogram',
      aggregationTemporality: 2,
      points: [{ count: 3n, sum: 6, bucketCounts: [1n, 2n], explicitBounds: [5], min: 1, max: undefined }],
    });
    expect(e!.data).toMatchObject({
      type: 'exponentialHistogram',
      aggregationTemporality: 0,
      points: [
        {
          count: 4n,
          scale: -2,
          zeroCount: 1n,
          positive: { offset: -1, bucketCounts: [1n, 2n] },
          negative: { offset: 0, bucketCounts: [] },
          zeroThreshold: 0.001,
        },
      ],
    });
    expect(q!.data).toMatchObject({
      type: 'summary',
      points: [
        {
          count: 2n,
          sum: 3,
          quantileValues: [
            { quantile: 0.5, value: 1 },
            { quantile: 1, value: 2 },
          ],
        },
      ],
    });
    expect(none!.data).toEqual({ type: 'empty' });
    expect({ ...none!.metadata }).toEqual({ m: false });
  });
});

describe('exportResponseJson', () => {
  it('is {} on full success and names the rejected counter per signal', () => {
    expect(exportResponseJson('traces')).toEqual({});
    expect(exportResponseJson('traces', { rejected: 2, errorMessage: 'x' })).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: 'x' },
    });
    expect(exportResponseJson('logs', { rejected: 2n ** 62n, errorMessage: '' })).toEqual({
      partialSuccess: { rejectedLogRecords: '4611686018427387904', errorMessage: '' },
    });
    expect(exportResponseJson('metrics', { rejected: 1n, errorMessage: 'late' })).toEqual({
      partialSuccess: { rejectedDataPoints: '1', errorMessage: 'late' },
    });
  });
});
