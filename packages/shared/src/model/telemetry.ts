/**
 * The platform-free domain model of telemetry, shaped after OTLP's data model so that every hop
 * (SDK → agent → proxy → server) can decode and re-encode without loss.
 *
 * Representation choices (they matter for lossless round-trips):
 * - ids are lower-case hex strings (trace id 32 chars, span id 16 chars; '' when absent);
 * - timestamps are nanoseconds since the epoch as `bigint` (a `number` loses precision past 2^53);
 * - an integer attribute value is a `bigint` and a double is a `number`, so `1` and `1.0` stay distinct;
 * - attribute maps are null-prototype objects, so a key such as `__proto__` is plain data.
 */

/** An OTLP `AnyValue`. `null` is an empty value; a plain object is a key-value list. */
export type AnyValue = string | boolean | number | bigint | Uint8Array | null | AnyValue[] | Attributes;

export interface Attributes {
  [key: string]: AnyValue;
}

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export const SpanKind = {
  Unspecified: 0,
  Internal: 1,
  Server: 2,
  Client: 3,
  Producer: 4,
  Consumer: 5,
} as const;
export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

export const StatusCode = { Unset: 0, Ok: 1, Error: 2 } as const;
export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

export interface Span {
  traceId: string;
  spanId: string;
  traceState: string;
  /** '' for a root span. */
  parentSpanId: string;
  flags: number;
  name: string;
  kind: SpanKind;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: { code: StatusCode; message: string };
}

export interface ScopeSpans {
  scope: InstrumentationScope;
  spans: Span[];
  schemaUrl: string;
}

export interface ResourceSpans {
  resource: Resource;
  scopeSpans: ScopeSpans[];
  schemaUrl: string;
}

/** The content of an `ExportTraceServiceRequest`. */
export interface TracesData {
  resourceSpans: ResourceSpans[];
}

export interface LogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  /** 0 (unspecified) … 24 (FATAL4), as in OTLP. */
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  traceId: string;
  spanId: string;
  /** OTLP's `event_name` field (1.5+); '' when absent. */
  eventName: string;
}

export interface ScopeLogs {
  scope: InstrumentationScope;
  logRecords: LogRecord[];
  schemaUrl: string;
}

export interface ResourceLogs {
  resource: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl: string;
}

/** The content of an `ExportLogsServiceRequest`. */
export interface LogsData {
  resourceLogs: ResourceLogs[];
}

export const AggregationTemporality = { Unspecified: 0, Delta: 1, Cumulative: 2 } as const;
export type AggregationTemporality = (typeof AggregationTemporality)[keyof typeof AggregationTemporality];

export interface Exemplar {
  filteredAttributes: Attributes;
  timeUnixNano: bigint;
  /** `bigint` when sent as `as_int`, `number` when sent as `as_double`. */
  value: number | bigint;
  spanId: string;
  traceId: string;
}

interface PointBase {
  attributes: Attributes;
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** Data point flags; bit 0 = no recorded value. */
  flags: number;
}

export interface NumberDataPoint extends PointBase {
  /** `bigint` when sent as `as_int`, `number` when sent as `as_double`. */
  value: number | bigint;
  exemplars: Exemplar[];
}

export interface HistogramDataPoint extends PointBase {
  count: bigint;
  /** Absent when the producer did not report it. */
  sum: number | undefined;
  bucketCounts: bigint[];
  explicitBounds: number[];
  exemplars: Exemplar[];
  min: number | undefined;
  max: number | undefined;
}

export interface ExponentialHistogramBuckets {
  offset: number;
  bucketCounts: bigint[];
}

export interface ExponentialHistogramDataPoint extends PointBase {
  count: bigint;
  sum: number | undefined;
  scale: number;
  zeroCount: bigint;
  positive: ExponentialHistogramBuckets;
  negative: ExponentialHistogramBuckets;
  exemplars: Exemplar[];
  min: number | undefined;
  max: number | undefined;
  zeroThreshold: number;
}

export interface SummaryDataPoint extends PointBase {
  count: bigint;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
}

export type MetricData =
  | { type: 'gauge'; points: NumberDataPoint[] }
  | {
      type: 'sum';
      aggregationTemporality: AggregationTemporality;
      isMonotonic: boolean;
      points: NumberDataPoint[];
    }
  | { type: 'histogram'; aggregationTemporality: AggregationTemporality; points: HistogramDataPoint[] }
  | {
      type: 'exponentialHistogram';
      aggregationTemporality: AggregationTemporality;
      points: ExponentialHistogramDataPoint[];
    }
  | { type: 'summary'; points: SummaryDataPoint[] }
  /** A metric whose data field was absent or of a kind this codec does not know. */
  | { type: 'empty' };

export interface Metric {
  name: string;
  description: string;
  unit: string;
  metadata: Attributes;
  data: MetricData;
}

export interface ScopeMetrics {
  scope: InstrumentationScope;
  metrics: Metric[];
  schemaUrl: string;
}

export interface ResourceMetrics {
  resource: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl: string;
}

/** The content of an `ExportMetricsServiceRequest`. */
export interface MetricsData {
  resourceMetrics: ResourceMetrics[];
}

export type SignalType = 'traces' | 'logs' | 'metrics';
