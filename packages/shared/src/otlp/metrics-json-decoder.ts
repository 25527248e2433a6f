/** OTLP/JSON decoder for ExportMetricsServiceRequest (field names as in metrics.proto, lowerCamelCase or snake_case). */
import type {
  AggregationTemporality,
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../model/telemetry.ts';
import {
  messageField,
  plainAttributesJson,
  readItemJson,
  readResourceJson,
  readScopeJson,
} from './common-json-decoder.ts';
import { within } from './decode-failure.ts';
import type { DecodeContext } from './decode-failure.ts';
import {
  asDouble,
  asInt64,
  asObject,
  asUint64,
  boolField,
  doubleField,
  enumField,
  idField,
  int32Field,
  listField,
  objectField,
  optionalDoubleField,
  scalarListField,
  stringField,
  uint32Field,
  uint64Field,
} from './json-fields.ts';
import type { JsonObject } from './json-fields.ts';

const TEMPORALITIES: Record<string, number> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

export function readMetricsJson(root: unknown, ctx: DecodeContext): MetricsData {
  return {
    resourceMetrics: listField(asObject(root), 'resourceMetrics', 'resource_metrics', (o) =>
      readResourceMetrics(o, ctx),
    ),
  };
}

function readResourceMetrics(o: JsonObject, ctx: DecodeContext): ResourceMetrics {
  return {
    resource: messageField(o, 'resource', 'resource', (m) => readResourceJson(m, ctx)),
    scopeMetrics: listField(o, 'scopeMetrics', 'scope_metrics', (s) => readScopeMetrics(s, ctx)),
    schemaUrl: stringField(o, 'schemaUrl', 'schema_url'),
  };
}

function readScopeMetrics(o: JsonObject, ctx: DecodeContext): ScopeMetrics {
  return {
    scope: messageField(o, 'scope', 'scope', (m) => readScopeJson(m, ctx)),
    metrics: listField(o, 'metrics', 'metrics', (m) => readMetric(m, ctx)),
    schemaUrl: stringField(o, 'schemaUrl', 'schema_url'),
  };
}

function readMetric(o: JsonObject, ctx: DecodeContext): Metric {
  return {
    name: stringField(o, 'name', 'name'),
    description: stringField(o, 'description', 'description'),
    unit: stringField(o, 'unit', 'unit'),
    metadata: plainAttributesJson(o, 'metadata', 'metadata', ctx),
    data: readData(o, ctx),
  };
}

/** The `data` oneof: the first kind present wins. */
function readData(o: JsonObject, ctx: DecodeContext): MetricData {
  const kinds = [
    ['gauge', 'gauge'],
    ['sum', 'sum'],
    ['histogram', 'histogram'],
    ['exponentialHistogram', 'exponential_histogram'],
    ['summary', 'summary'],
  ] as const;
  for (const [camel, snake] of kinds) {
    const data = objectField(o, camel, snake);
    if (data === undefined) continue;
    try {
      return readDataOf(camel, data, ctx);
    } catch (error) {
      throw within(error, camel);
    }
  }
  return { type: 'empty' };
}

function temporality(o: JsonObject): AggregationTemporality {
  return enumField(
    o,
    'aggregationTemporality',
    'aggregation_temporality',
    TEMPORALITIES,
  ) as AggregationTemporality;
}

function readDataOf(
  type: Exclude<MetricData['type'], 'empty'>,
  o: JsonObject,
  ctx: DecodeContext,
): MetricData {
  switch (type) {
    case 'gauge':
      return {
        type,
        points: listField(o, 'dataPoints', 'data_points', (p) => readItemJson(p, ctx, readNumberPoint)),
      };
    case 'sum':
      return {
        type,
        aggregationTemporality: temporality(o),
        isMonotonic: boolField(o, 'isMonotonic', 'is_monotonic'),
        points: listField(o, 'dataPoints', 'data_points', (p) => readItemJson(p, ctx, readNumberPoint)),
      };
    case 'histogram':
      return {
        type,
        aggregationTemporality: temporality(o),
        points: listField(o, 'dataPoints', 'data_points', (p) => readItemJson(p, ctx, readHistogramPoint)),
      };
    case 'exponentialHistogram':
      return {
        type,
        aggregationTemporality: temporality(o),
        points: listField(o, 'dataPoints', 'data_points', (p) =>
          readItemJson(p, ctx, readExponentialHistogramPoint),
        ),
      };
    case 'summary':
      return {
        type,
        points: listField(o, 'dataPoints', 'data_points', (p) => readItemJson(p, ctx, readSummaryPoint)),
      };
  }
}

/** The value oneof of points and exemplars: as_int (int64) or as_double; 0 (a double) when neither is set. */
function readValue(o: JsonObject): number | bigint {
  const asInt = o.asInt ?? o.as_int;
  if (asInt !== undefined && asInt !== null) {
    try {
      return asInt64(asInt);
    } catch (error) {
      throw within(error, 'asInt');
    }
  }
  return doubleField(o, 'asDouble', 'as_double');
}

function pointBase(
  o: JsonObject,
  ctx: DecodeContext,
): Pick<NumberDataPoint, 'attributes' | 'startTimeUnixNano' | 'timeUnixNano' | 'flags'> {
  return {
    attributes: plainAttributesJson(o, 'attributes', 'attributes', ctx),
    startTimeUnixNano: uint64Field(o, 'startTimeUnixNano', 'start_time_unix_nano'),
    timeUnixNano: uint64Field(o, 'timeUnixNano', 'time_unix_nano'),
    flags: uint32Field(o, 'flags', 'flags'),
  };
}

function exemplars(o: JsonObject, ctx: DecodeContext): Exemplar[] {
  return listField(o, 'exemplars', 'exemplars', (e) => ({
    filteredAttributes: plainAttributesJson(e, 'filteredAttributes', 'filtered_attributes', ctx),
    timeUnixNano: uint64Field(e, 'timeUnixNano', 'time_unix_nano'),
    value: readValue(e),
    spanId: idField(e, 'spanId', 'span_id', 8),
    traceId: idField(e, 'traceId', 'trace_id', 16),
  }));
}

function readNumberPoint(o: JsonObject, ctx: DecodeContext): NumberDataPoint {
  return { ...pointBase(o, ctx), value: readValue(o), exemplars: exemplars(o, ctx) };
}

function readHistogramPoint(o: JsonObject, ctx: DecodeContext): HistogramDataPoint {
  return {
    ...pointBase(o, ctx),
    count: uint64Field(o, 'count', 'count'),
    sum: optionalDoubleField(o, 'sum', 'sum'),
    bucketCounts: scalarListField(o, 'bucketCounts', 'bucket_counts', asUint64),
    explicitBounds: scalarListField(o, 'explicitBounds', 'explicit_bounds', asDouble),
    exemplars: exemplars(o, ctx),
    min: optionalDoubleField(o, 'min', 'min'),
    max: optionalDoubleField(o, 'max', 'max'),
  };
}

function readBuckets(o: JsonObject | undefined): ExponentialHistogramBuckets {
  if (o === undefined) return { offset: 0, bucketCounts: [] };
  return {
    offset: int32Field(o, 'offset', 'offset'),
    bucketCounts: scalarListField(o, 'bucketCounts', 'bucket_counts', asUint64),
  };
}

function readExponentialHistogramPoint(o: JsonObject, ctx: DecodeContext): ExponentialHistogramDataPoint {
  return {
    ...pointBase(o, ctx),
    count: uint64Field(o, 'count', 'count'),
    sum: optionalDoubleField(o, 'sum', 'sum'),
    scale: int32Field(o, 'scale', 'scale'),
    zeroCount: uint64Field(o, 'zeroCount', 'zero_count'),
    positive: messageField(o, 'positive', 'positive', readBuckets),
    negative: messageField(o, 'negative', 'negative', readBuckets),
    exemplars: exemplars(o, ctx),
    min: optionalDoubleField(o, 'min', 'min'),
    max: optionalDoubleField(o, 'max', 'max'),
    zeroThreshold: doubleField(o, 'zeroThreshold', 'zero_threshold'),
  };
}

function readSummaryPoint(o: JsonObject, ctx: DecodeContext): SummaryDataPoint {
  return {
    ...pointBase(o, ctx),
    count: uint64Field(o, 'count', 'count'),
    sum: doubleField(o, 'sum', 'sum'),
    quantileValues: listField(o, 'quantileValues', 'quantile_values', (q) => ({
      quantile: doubleField(q, 'quantile', 'quantile'),
      value: doubleField(q, 'value', 'value'),
    })),
  };
}
