/**
 * Encoder for ExportMetricsServiceRequest / MetricsData (field numbers in metrics-proto-decoder.ts and
 * metric-points-proto-decoder.ts). The data container is always written, even without points, so a
 * gauge with no points stays a gauge; oneof values (as_double / as_int) are always written too.
 */
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  Metric,
  MetricsData,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../model/telemetry.ts';
import {
  writeDouble,
  writeFixed64,
  writeInt32,
  writeKeyValues,
  writeMessage,
  writeResource,
  writeScope,
  writeString,
  writeUint32,
} from './common-proto-encoder.ts';
import { encodeWith } from './wire-writer.ts';
import type { WireWriter } from './wire-writer.ts';

export function encodeMetricsProto(data: MetricsData): Uint8Array {
  return encodeWith((w) => {
    for (const resourceMetrics of data.resourceMetrics) {
      w.uint32(10);
      const mark = w.begin();
      writeResourceMetrics(w, resourceMetrics);
      w.end(mark);
    }
  });
}

function writeResourceMetrics(w: WireWriter, resourceMetrics: ResourceMetrics): void {
  writeMessage(w, 10, resourceMetrics.resource, writeResource);
  for (const scopeMetrics of resourceMetrics.scopeMetrics) {
    w.uint32(18);
    const mark = w.begin();
    writeScopeMetrics(w, scopeMetrics);
    w.end(mark);
  }
  writeString(w, 26, resourceMetrics.schemaUrl);
}

function writeScopeMetrics(w: WireWriter, scopeMetrics: ScopeMetrics): void {
  writeMessage(w, 10, scopeMetrics.scope, writeScope);
  for (const metric of scopeMetrics.metrics) {
    w.uint32(18);
    const mark = w.begin();
    writeMetric(w, metric);
    w.end(mark);
  }
  writeString(w, 26, scopeMetrics.schemaUrl);
}

function writeMessages<T>(
  w: WireWriter,
  tag: number,
  items: readonly T[],
  body: (w: WireWriter, item: T) => void,
): void {
  for (const item of items) {
    w.uint32(tag);
    const mark = w.begin();
    body(w, item);
    w.end(mark);
  }
}

function writeMetric(w: WireWriter, metric: Metric): void {
  writeString(w, 10, metric.name);
  writeString(w, 18, metric.description);
  writeString(w, 26, metric.unit);
  const data = metric.data;
  if (data.type !== 'empty') {
    w.uint32(DATA_TAGS[data.type]);
    const mark = w.begin();
    switch (data.type) {
      case 'gauge':
        writeMessages(w, 10, data.points, writeNumberPoint);
        break;
      case 'sum':
        writeMessages(w, 10, data.points, writeNumberPoint);
        writeInt32(w, 16, data.aggregationTemporality);
        if (data.isMonotonic) {
          w.uint32(24);
          w.bool(true);
        }
        break;
      case 'histogram':
        writeMessages(w, 10, data.points, writeHistogramPoint);
        writeInt32(w, 16, data.aggregationTemporality);
        break;
      case 'exponentialHistogram':
        writeMessages(w, 10, data.points, writeExponentialHistogramPoint);
        writeInt32(w, 16, data.aggregationTemporality);
        break;
      case 'summary':
        writeMessages(w, 10, data.points, writeSummaryPoint);
        break;
    }
    w.end(mark);
  }
  writeKeyValues(w, 98, metric.metadata);
}

const DATA_TAGS = { gauge: 42, sum: 58, histogram: 74, exponentialHistogram: 82, summary: 90 } as const;

/** The oneof value of points and exemplars: int → sfixed64 as_int, double → as_double. */
function writeValue(w: WireWriter, value: number | bigint, doubleTag: number): void {
  if (typeof value === 'bigint') {
    w.uint32(49);
    w.fixed64(value);
  } else {
    w.uint32(doubleTag);
    w.double(value);
  }
}

function writeNumberPoint(w: WireWriter, point: NumberDataPoint): void {
  writeFixed64(w, 17, point.startTimeUnixNano);
  writeFixed64(w, 25, point.timeUnixNano);
  writeValue(w, point.value, 33);
  writeMessages(w, 42, point.exemplars, writeExemplar);
  writeKeyValues(w, 58, point.attributes);
  writeUint32(w, 64, point.flags);
}

function writeOptionalDouble(w: WireWriter, tag: number, value: number | undefined): void {
  if (value === undefined) return;
  w.uint32(tag);
  w.double(value);
}

function writeHistogramPoint(w: WireWriter, point: HistogramDataPoint): void {
  writeFixed64(w, 17, point.startTimeUnixNano);
  writeFixed64(w, 25, point.timeUnixNano);
  writeFixed64(w, 33, point.count);
  writeOptionalDouble(w, 41, point.sum);
  if (point.bucketCounts.length > 0) {
    w.uint32(50);
    w.uint32(point.bucketCounts.length * 8);
    for (const count of point.bucketCounts) w.fixed64(count);
  }
  if (point.explicitBounds.length > 0) {
    w.uint32(58);
    w.uint32(point.explicitBounds.length * 8);
    for (const bound of point.explicitBounds) w.double(bound);
  }
  writeMessages(w, 66, point.exemplars, writeExemplar);
  writeKeyValues(w, 74, point.attributes);
  writeUint32(w, 80, point.flags);
  writeOptionalDouble(w, 89, point.min);
  writeOptionalDouble(w, 97, point.max);
}

function writeExponentialHistogramPoint(w: WireWriter, point: ExponentialHistogramDataPoint): void {
  writeKeyValues(w, 10, point.attributes);
  writeFixed64(w, 17, point.startTimeUnixNano);
  writeFixed64(w, 25, point.timeUnixNano);
  writeFixed64(w, 33, point.count);
  writeOptionalDouble(w, 41, point.sum);
  if (point.scale !== 0) {
    w.uint32(48);
    w.sint32(point.scale);
  }
  writeFixed64(w, 57, point.zeroCount);
  writeMessage(w, 66, point.positive, writeBuckets);
  writeMessage(w, 74, point.negative, writeBuckets);
  writeUint32(w, 80, point.flags);
  writeMessages(w, 90, point.exemplars, writeExemplar);
  writeOptionalDouble(w, 97, point.min);
  writeOptionalDouble(w, 105, point.max);
  writeDouble(w, 113, point.zeroThreshold);
}

function writeBuckets(w: WireWriter, buckets: ExponentialHistogramBuckets): void {
  if (buckets.offset !== 0) {
    w.uint32(8);
    w.sint32(buckets.offset);
  }
  if (buckets.bucketCounts.length > 0) {
    w.uint32(18);
    const mark = w.begin();
    for (const count of buckets.bucketCounts) w.varint64(count);
    w.end(mark);
  }
}

function writeSummaryPoint(w: WireWriter, point: SummaryDataPoint): void {
  writeFixed64(w, 17, point.startTimeUnixNano);
  writeFixed64(w, 25, point.timeUnixNano);
  writeFixed64(w, 33, point.count);
  writeDouble(w, 41, point.sum);
  for (const quantile of point.quantileValues) {
    w.uint32(50);
    const mark = w.begin();
    writeDouble(w, 9, quantile.quantile);
    writeDouble(w, 17, quantile.value);
    w.end(mark);
  }
  writeKeyValues(w, 58, point.attributes);
  writeUint32(w, 64, point.flags);
}

function writeExemplar(w: WireWriter, exemplar: Exemplar): void {
  writeFixed64(w, 17, exemplar.timeUnixNano);
  writeValue(w, exemplar.value, 25);
  w.id(34, exemplar.spanId, 8, 'spanId');
  w.id(42, exemplar.traceId, 16, 'traceId');
  writeKeyValues(w, 58, exemplar.filteredAttributes);
}
