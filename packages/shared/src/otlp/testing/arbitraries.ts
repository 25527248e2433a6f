/**
 * Test support: fast-check arbitraries of model values that OTLP can represent exactly, so that
 * encode → decode must give them back unchanged (a `number` is a double, a `bigint` an int64, ids are
 * '' or hex of the right length, uint32 fields fit 32 bits, …).
 */
import fc from 'fast-check';
import type {
  AnyValue,
  Attributes,
  Exemplar,
  ExponentialHistogramBuckets,
  InstrumentationScope,
  LogRecord,
  LogsData,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
  Resource,
  Span,
  TracesData,
} from '../../model/telemetry.ts';
import { bytesToHex } from '../hex.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Unicode text of every kind, plus the awkward strings a codec tends to get wrong. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 80 }),
  fc.constantFrom('', '\u0000', '\uFEFFbom', '😀 emoji', 'é', 'x'.repeat(200), 'ü'.repeat(70)),
);

const attributeKey = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty') },
);

const int64 = fc.oneof(
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(INT64_MIN, INT64_MAX, -1n, 0n, 2n ** 53n + 1n),
);
const uint64 = fc.oneof(
  fc.bigInt({ min: 0n, max: UINT64_MAX }),
  fc.constantFrom(0n, UINT64_MAX, 2n ** 63n, 1_750_000_000_123_456_789n),
);
const uint32 = fc.oneof(
  fc.tuple(fc.nat(0xffff), fc.nat(0xffff)).map(([h, l]) => h * 0x10000 + l),
  fc.constantFrom(0, 1, 0xffffffff),
);
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const double = fc.oneof(
  fc.double(),
  fc.constantFrom(-0, NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE),
);

/** Model records are ordinary objects (fc.record may otherwise pick a null prototype); attribute maps are not. */
function record<R>(model: { [K in keyof R]: fc.Arbitrary<R[K]> }): fc.Arbitrary<R> {
  return fc.record(model, { noNullPrototype: true });
}

const hex = (bytes: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map(bytesToHex);
const traceId = fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 4, arbitrary: hex(16) });
const spanId = fc.oneof({ weight: 1, arbitrary: fc.constant('') }, { weight: 4, arbitrary: hex(8) });

export function toAttributes(entries: readonly (readonly [string, AnyValue])[]): Attributes {
  const map = Object.create(null) as Attributes;
  for (const [key, value] of entries) map[key] = value;
  return map;
}

const scalar: fc.Arbitrary<AnyValue> = fc.oneof(
  text,
  fc.boolean(),
  double,
  int64,
  fc.uint8Array({ maxLength: 20 }),
  fc.constant(null),
);

const anyValue: fc.Arbitrary<AnyValue> = fc.letrec<{
  value: AnyValue;
  array: AnyValue[];
  kvlist: Attributes;
}>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('kvlist')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  kvlist: fc.array(fc.tuple(attributeKey, tie('value')), { maxLength: 4 }).map(toAttributes),
})).value;

const attributes: fc.Arbitrary<Attributes> = fc
  .array(fc.tuple(attributeKey, anyValue), { maxLength: 6 })
  .map(toAttributes);

const resource: fc.Arbitrary<Resource> = record({ attributes, droppedAttributesCount: uint32 });

const scope: fc.Arbitrary<InstrumentationScope> = record({
  name: text,
  version: text,
  attributes,
  droppedAttributesCount: uint32,
});

const spanArb: fc.Arbitrary<Span> = record({
  traceId,
  spanId,
  traceState: text,
  parentSpanId: spanId,
  flags: uint32,
  name: text,
  kind: fc.constantFrom(0, 1, 2, 3, 4, 5),
  startTimeUnixNano: uint64,
  endTimeUnixNano: uint64,
  attributes,
  droppedAttributesCount: uint32,
  events: fc.array(record({ timeUnixNano: uint64, name: text, attributes, droppedAttributesCount: uint32 }), {
    maxLength: 2,
  }),
  droppedEventsCount: uint32,
  links: fc.array(
    record({ traceId, spanId, traceState: text, attributes, droppedAttributesCount: uint32, flags: uint32 }),
    { maxLength: 2 },
  ),
  droppedLinksCount: uint32,
  status: record({ code: fc.constantFrom(0, 1, 2), message: text }),
});

export const tracesData: fc.Arbitrary<TracesData> = record({
  resourceSpans: fc.array(
    record({
      resource,
      scopeSpans: fc.array(record({ scope, spans: fc.array(spanArb, { maxLength: 3 }), schemaUrl: text }), {
        maxLength: 2,
      }),
      schemaUrl: text,
    }),
    { maxLength: 2 },
  ),
});

const logRecord: fc.Arbitrary<LogRecord> = record({
  timeUnixNano: uint64,
  observedTimeUnixNano: uint64,
  severityNumber: fc.integer({ min: 0, max: 24 }),
  severityText: text,
  body: anyValue,
  attributes,
  droppedAttributesCount: uint32,
  flags: uint32,
  traceId,
  spanId,
  eventName: text,
});

export const logsData: fc.Arbitrary<LogsData> = record({
  resourceLogs: fc.array(
    record({
      resource,
      scopeLogs: fc.array(
        record({ scope, logRecords: fc.array(logRecord, { maxLength: 3 }), schemaUrl: text }),
        { maxLength: 2 },
      ),
      schemaUrl: text,
    }),
    { maxLength: 2 },
  ),
});

const pointValue: fc.Arbitrary<number | bigint> = fc.oneof(double, int64);
const exemplar: fc.Arbitrary<Exemplar> = record({
  filteredAttributes: attributes,
  timeUnixNano: uint64,
  value: pointValue,
  spanId,
  traceId,
});
const exemplars = fc.array(exemplar, { maxLength: 2 });
const pointBase = { attributes, startTimeUnixNano: uint64, timeUnixNano: uint64, flags: uint32 };
const optionalDouble = fc.option(double, { nil: undefined });
const temporality = fc.constantFrom(0, 1, 2);
const numberPoints: fc.Arbitrary<NumberDataPoint[]> = fc.array(
  record({ ...pointBase, value: pointValue, exemplars }),
  { maxLength: 3 },
);
const buckets: fc.Arbitrary<ExponentialHistogramBuckets> = record({
  offset: int32,
  bucketCounts: fc.array(uint64, { maxLength: 5 }),
});

const metricData: fc.Arbitrary<MetricData> = fc.oneof(
  record({ type: fc.constant('gauge' as const), points: numberPoints }),
  record({
    type: fc.constant('sum' as const),
    aggregationTemporality: temporality,
    isMonotonic: fc.boolean(),
    points: numberPoints,
  }),
  record({
    type: fc.constant('histogram' as const),
    aggregationTemporality: temporality,
    points: fc.array(
      record({
        ...pointBase,
        count: uint64,
        sum: optionalDouble,
        bucketCounts: fc.array(uint64, { maxLength: 5 }),
        explicitBounds: fc.array(double, { maxLength: 4 }),
        exemplars,
        min: optionalDouble,
        max: optionalDouble,
      }),
      { maxLength: 3 },
    ),
  }),
  record({
    type: fc.constant('exponentialHistogram' as const),
    aggregationTemporality: temporality,
    points: fc.array(
      record({
        ...pointBase,
        count: uint64,
        sum: optionalDouble,
        scale: int32,
        zeroCount: uint64,
        positive: buckets,
        negative: buckets,
        exemplars,
        min: optionalDouble,
        max: optionalDouble,
        zeroThreshold: double,
      }),
      { maxLength: 3 },
    ),
  }),
  record({
    type: fc.constant('summary' as const),
    points: fc.array(
      record({
        ...pointBase,
        count: uint64,
        sum: double,
        quantileValues: fc.array(record({ quantile: double, value: double }), { maxLength: 3 }),
      }),
      { maxLength: 3 },
    ),
  }),
  fc.constant({ type: 'empty' as const }),
);

const metric: fc.Arbitrary<Metric> = record({
  name: text,
  description: text,
  unit: text,
  metadata: attributes,
  data: metricData,
});

export const metricsData: fc.Arbitrary<MetricsData> = record({
  resourceMetrics: fc.array(
    record({
      resource,
      scopeMetrics: fc.array(
        record({ scope, metrics: fc.array(metric, { maxLength: 3 }), schemaUrl: text }),
        { maxLength: 2 },
      ),
      schemaUrl: text,
    }),
    { maxLength: 2 },
  ),
});
