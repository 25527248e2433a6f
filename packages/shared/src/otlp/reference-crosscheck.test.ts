/**
 * Cross-checks against independent implementations: protobufjs driven by the OTLP .proto definitions
 * (both directions, and its ProtoJSON output fed to our JSON decoder), and the OpenTelemetry JS SDK's own
 * OTLP serializers (@opentelemetry/otlp-transformer, protobuf and JSON).
 */
import {
  JsonLogsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js';
import { describe, expect, it } from 'vitest';
import type { LogsData, MetricsData, TracesData } from '../model/telemetry.ts';
import type { DecodeResult } from './decode-result.ts';
import {
  decodeLogsJson,
  decodeLogsProto,
  decodeMetricsJson,
  decodeMetricsProto,
  decodeTracesJson,
  decodeTracesProto,
  encodeExportResponseProto,
  encodeLogsProto,
  encodeMetricsProto,
  encodeTracesProto,
} from './index.ts';
import { logsData, metricsData, tracesData } from './testing/arbitraries.ts';
import { assertModelEqual } from './testing/model-equality.ts';
import { idsToHex, referenceTypes } from './testing/otlp-proto-reference.ts';
import { logsRef, metricsRef, tracesRef } from './testing/reference-objects.ts';

function value<T>(result: DecodeResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const ref = referenceTypes();
const VIEW = { longs: BigInt, bytes: String, defaults: true, arrays: true } as const;
const RUNS = { numRuns: 150 };

/** protobufjs' reading of `bytes`, as a plain object. */
function protobufjsView(type: protobuf.Type, bytes: Uint8Array): unknown {
  return type.toObject(type.decode(bytes), VIEW);
}

/** What protobufjs makes of the same data given as message fields. */
function expectedView(type: protobuf.Type, object: Record<string, unknown>): unknown {
  return type.toObject(type.fromObject(object), VIEW);
}

function protobufjsEncode(type: protobuf.Type, object: Record<string, unknown>): Uint8Array {
  return type.encode(type.fromObject(object)).finish();
}

const SIGNALS = [
  {
    name: 'traces',
    arb: tracesData as fc.Arbitrary<unknown>,
    type: ref.traces,
    toRef: tracesRef as (d: unknown) => Record<string, unknown>,
    encode: encodeTracesProto as (d: unknown) => Uint8Array,
    decode: decodeTracesProto as (b: Uint8Array) => DecodeResult<unknown>,
    decodeJson: decodeTracesJson as (b: string) => DecodeResult<unknown>,
  },
  {
    name: 'logs',
    arb: logsData as fc.Arbitrary<unknown>,
    type: ref.logs,
    toRef: logsRef as (d: unknown) => Record<string, unknown>,
    encode: encodeLogsProto as (d: unknown) => Uint8Array,
    decode: decodeLogsProto as (b: Uint8Array) => DecodeResult<unknown>,
    decodeJson: decodeLogsJson as (b: string) => DecodeResult<unknown>,
  },
  {
    name: 'metrics',
    arb: metricsData as fc.Arbitrary<unknown>,
    type: ref.metrics,
    toRef: metricsRef as (d: unknown) => Record<string, unknown>,
    encode: encodeMetricsProto as (d: unknown) => Uint8Array,
    decode: decodeMetricsProto as (b: Uint8Array) => DecodeResult<unknown>,
    decodeJson: decodeMetricsJson as (b: string) => DecodeResult<unknown>,
  },
];

/** Renames every field to its proto snake_case name, which protobuf JSON parsers must accept too. */
function snakeCase(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(snakeCase);
  if (typeof json !== 'object' || json === null) return json;
  return Object.fromEntries(
    Object.entries(json).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeCase(v)]),
  );
}

/** JSON numbers cannot carry -0; the model value expected back from JSON has +0 there. */
function withoutNegativeZero<T>(value: T): T {
  if (typeof value === 'number') return (Object.is(value, -0) ? 0 : value) as T;
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(withoutNegativeZero) as T;
  const out = Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = withoutNegativeZero(v);
  return out as T;
}

describe.each(SIGNALS)('$name against protobufjs and the .proto definitions', (signal) => {
  it('protobufjs reads our encoding as the same message', () => {
    fc.assert(
      fc.property(signal.arb, (data) => {
        expect(protobufjsView(signal.type, signal.encode(data))).toEqual(
          expectedView(signal.type, signal.toRef(data)),
        );
      }),
      RUNS,
    );
  });

  it('we decode what protobufjs encodes', () => {
    fc.assert(
      fc.property(signal.arb, (data) => {
        assertModelEqual(value(signal.decode(protobufjsEncode(signal.type, signal.toRef(data)))), data);
      }),
      RUNS,
    );
  });

  it('we decode the ProtoJSON protobufjs produces (ids as hex, camelCase and snake_case names)', () => {
    fc.assert(
      fc.property(signal.arb, fc.boolean(), (data, snake) => {
        const json = idsToHex(
          protojson.toJson(signal.type, signal.type.fromObject(signal.toRef(data))),
          true,
        ); // hex is case-insensitive on input
        const text = JSON.stringify(snake ? snakeCase(json) : json);
        assertModelEqual(value(signal.decodeJson(text)), withoutNegativeZero(data));
      }),
      RUNS,
    );
  });
});

describe('export responses against protobufjs', () => {
  it('partial success and full success', () => {
    const decoded = ref.traceResponse.toObject(
      ref.traceResponse.decode(encodeExportResponseProto({ rejected: 3n, errorMessage: 'too old' })),
      { longs: BigInt },
    );
    expect(decoded).toEqual({ partialSuccess: { rejectedSpans: 3n, errorMessage: 'too old' } });
    const logs = ref.logsResponse.toObject(
      ref.logsResponse.decode(encodeExportResponseProto({ rejected: 2 ** 40, errorMessage: '' })),
      { longs: BigInt },
    );
    expect(logs).toEqual({ partialSuccess: { rejectedLogRecords: 2n ** 40n } });
    expect(encodeExportResponseProto()).toHaveLength(0);
    expect(ref.metricsResponse.toObject(ref.metricsResponse.decode(encodeExportResponseProto()))).toEqual({});
  });
});

// --- The OpenTelemetry JS SDK's serializers (otlp-transformer), fed SDK-shaped records. ---

const HR_START: [number, number] = [1_750_000_000, 123_456_789];
const HR_END: [number, number] = [1_750_000_001, 5];
const resource = {
  attributes: { 'service.name': 'checkout', 'process.pid': 4242, 'host.cores': 2.5, tags: ['a', 'b'] },
  schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
};
const scope = { name: '@opentelemetry/instrumentation-http', version: '0.57.2' };
const TRACE_ID = '5b8efff798038103d269b633813fc60c';

function sdkSpan(spanId: string, parentSpanId: string | undefined, failed: boolean): unknown {
  return {
    name: failed ? 'POST /orders' : 'GET /users/{id}',
    kind: 1, // api.SpanKind.SERVER, which OTLP numbers 2
    spanContext: () => ({ traceId: TRACE_ID, spanId, traceFlags: 1 }),
    parentSpanContext:
      parentSpanId === undefined
        ? undefined
        : { traceId: TRACE_ID, spanId: parentSpanId, traceFlags: 1, isRemote: true },
    startTime: HR_START,
    endTime: HR_END,
    status: failed ? { code: 2, message: 'boom' } : { code: 0 },
    attributes: {
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'server.duration': 12.5,
      ok: true,
      'bytes.x': new Uint8Array([1, 2]),
    },
    links: [
      {
        context: { traceId: TRACE_ID, spanId: 'eee19b7ec3c1b174', traceFlags: 0 },
        attributes: { why: 'retry' },
        droppedAttributesCount: 1,
      },
    ],
    events: [
      {
        name: 'exception',
        time: HR_END,
        attributes: { 'exception.type': 'TypeError' },
        droppedAttributesCount: 0,
      },
    ],
    duration: [1, 0],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 2,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

function checkSdkTraces(data: TracesData): void {
  expect(data.resourceSpans).toHaveLength(1);
  const rs = data.resourceSpans[0]!;
  expect(rs.resource.attributes['service.name']).toBe('checkout');
  expect(rs.resource.attributes['process.pid']).toBe(4242n); // an integral JS number is an OTLP int
  expect(rs.resource.attributes['host.cores']).toBe(2.5);
  expect(rs.resource.attributes.tags).toEqual(['a', 'b']);
  const [root, child] = rs.scopeSpans[0]!.spans;
  expect(rs.scopeSpans[0]!.scope.name).toBe('@opentelemetry/instrumentation-http');
  expect(root).toMatchObject({
    traceId: TRACE_ID,
    spanId: '6e0c63257de34c92',
    parentSpanId: '',
    name: 'GET /users/{id}',
    kind: 2,
    droppedAttributesCount: 2,
    startTimeUnixNano: 1_750_000_000_123_456_789n,
    endTimeUnixNano: 1_750_000_001_000_000_005n,
    status: { code: 0, message: '' },
  });
  expect(root!.flags & 0xff).toBe(1);
  expect(root!.attributes['http.response.status_code']).toBe(200n);
  expect(root!.attributes['server.duration']).toBe(12.5);
  expect(root!.attributes.ok).toBe(true);
  expect(root!.attributes['bytes.x']).toEqual(new Uint8Array([1, 2]));
  expect(root!.links[0]).toMatchObject({
    spanId: 'eee19b7ec3c1b174',
    droppedAttributesCount: 1,
    attributes: { why: 'retry' },
  });
  expect(root!.events[0]).toMatchObject({ name: 'exception', timeUnixNano: 1_750_000_001_000_000_005n });
  expect(child).toMatchObject({ parentSpanId: '6e0c63257de34c92', status: { code: 2, message: 'boom' } });
}

function sdkLog(body: unknown): unknown {
  return {
    hrTime: HR_START,
    hrTimeObserved: HR_END,
    severityNumber: 17,
    severityText: 'ERROR',
    body,
    attributes: { 'user.id': 'u-1', retries: 3 },
    droppedAttributesCount: 0,
    spanContext: { traceId: TRACE_ID, spanId: '6e0c63257de34c92', traceFlags: 1 },
    eventName: 'order.failed',
    resource,
    instrumentationScope: scope,
  };
}

describe('@opentelemetry/otlp-transformer serializers → our decoders', () => {
  const spans = [
    sdkSpan('6e0c63257de34c92', undefined, false),
    sdkSpan('0102030405060708', '6e0c63257de34c92', true),
  ];
  type SpanInput = Parameters<typeof ProtobufTraceSerializer.serializeRequest>[0];
  type LogInput = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];

  it('traces: protobuf and JSON decode to the same, expected model', () => {
    const fromProto = value(decodeTracesProto(ProtobufTraceSerializer.serializeRequest(spans as SpanInput)!));
    const fromJson = value(decodeTracesJson(JsonTraceSerializer.serializeRequest(spans as SpanInput)!));
    checkSdkTraces(fromProto);
    checkSdkTraces(fromJson);
    assertModelEqual(fromJson, fromProto);
  });

  it('logs: protobuf and JSON decode to the same, expected model', () => {
    const records = [sdkLog('something failed'), sdkLog({ nested: { list: [1, 'two'] } })];
    const fromProto = value(decodeLogsProto(ProtobufLogsSerializer.serializeRequest(records as LogInput)!));
    const fromJson = value(decodeLogsJson(JsonLogsSerializer.serializeRequest(records as LogInput)!));
    assertModelEqual(fromJson, fromProto);
    const [first, second] = fromProto.resourceLogs[0]!.scopeLogs[0]!.logRecords;
    expect(first).toMatchObject({
      timeUnixNano: 1_750_000_000_123_456_789n,
      observedTimeUnixNano: 1_750_000_001_000_000_005n,
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'something failed',
      traceId: TRACE_ID,
      spanId: '6e0c63257de34c92',
      flags: 1,
      eventName: 'order.failed',
    });
    expect(first!.attributes.retries).toBe(3n);
    expect(second!.body).toEqual({ nested: { list: [1n, 'two'] } });
  });

  it('metrics: protobuf decodes to the expected model', () => {
    const point = (value: unknown, attributes: Record<string, unknown>): unknown => ({
      startTime: HR_START,
      endTime: HR_END,
      attributes,
      value,
    });
    const resourceMetrics = {
      resource,
      scopeMetrics: [
        {
          scope,
          metrics: [
            // sdk-metrics numbering: DataPointType GAUGE 2, SUM 3, HISTOGRAM 0; AggregationTemporality CUMULATIVE 1; api ValueType INT 0, DOUBLE 1.
            {
              descriptor: { name: 'queue.depth', description: 'd', unit: '{item}', valueType: 0 },
              dataPointType: 2,
              aggregationTemporality: 1,
              dataPoints: [point(7, { q: 'a' })],
            },
            {
              descriptor: { name: 'requests', description: '', unit: '', valueType: 1 },
              dataPointType: 3,
              aggregationTemporality: 1,
              isMonotonic: true,
              dataPoints: [point(2.5, {})],
            },
            {
              descriptor: { name: 'latency', description: '', unit: 'ms', valueType: 1 },
              dataPointType: 0,
              aggregationTemporality: 1,
              dataPoints: [
                point(
                  {
                    buckets: { boundaries: [10, 100], counts: [1, 2, 0] },
                    count: 3,
                    sum: 57,
                    min: 1,
                    max: 50,
                  },
                  { route: '/x' },
                ),
              ],
            },
          ],
        },
      ],
    };
    const data: MetricsData = value(
      decodeMetricsProto(
        ProtobufMetricsSerializer.serializeRequest(
          resourceMetrics as unknown as Parameters<typeof ProtobufMetricsSerializer.serializeRequest>[0],
        )!,
      ),
    );
    const [gauge, sum, histogram] = data.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect(gauge).toMatchObject({
      name: 'queue.depth',
      description: 'd',
      unit: '{item}',
      data: { type: 'gauge', points: [{ value: 7n, timeUnixNano: 1_750_000_001_000_000_005n }] },
    });
    expect(gauge!.data.type === 'gauge' && gauge!.data.points[0]!.attributes.q).toBe('a');
    expect(sum!.data).toMatchObject({
      type: 'sum',
      aggregationTemporality: 2,
      isMonotonic: true,
      points: [{ value: 2.5 }],
    });
    expect(histogram!.data).toMatchObject({
      type: 'histogram',
      aggregationTemporality: 2,
      points: [
        { count: 3n, sum: 57, bucketCounts: [1n, 2n, 0n], explicitBounds: [10, 100], min: 1, max: 50 },
      ],
    });
  });
});

describe('the standard workload survives both protobuf implementations', () => {
  it('fixed samples: ours → protobufjs → ours', () => {
    const samples: [TracesData, LogsData, MetricsData] = [
      fc.sample(tracesData, { numRuns: 1, seed: 7 })[0]!,
      fc.sample(logsData, { numRuns: 1, seed: 7 })[0]!,
      fc.sample(metricsData, { numRuns: 1, seed: 7 })[0]!,
    ];
    const again = (type: protobuf.Type, bytes: Uint8Array): Uint8Array =>
      type.encode(type.decode(bytes)).finish();
    assertModelEqual(value(decodeTracesProto(again(ref.traces, encodeTracesProto(samples[0])))), samples[0]);
    assertModelEqual(value(decodeLogsProto(again(ref.logs, encodeLogsProto(samples[1])))), samples[1]);
    assertModelEqual(
      value(decodeMetricsProto(again(ref.metrics, encodeMetricsProto(samples[2])))),
      samples[2],
    );
  });
});
