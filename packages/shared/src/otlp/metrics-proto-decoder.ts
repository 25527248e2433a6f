/**
 * Decoder for ExportMetricsServiceRequest / MetricsData (opentelemetry/proto/metrics/v1/metrics.proto, v1.5+),
 * down to the data containers; the points are in metric-points-proto-decoder.ts and
 * histogram-points-proto-decoder.ts.
 *   MetricsData { 1 repeated ResourceMetrics resource_metrics }
 *   ResourceMetrics { 1 Resource resource, 2 repeated ScopeMetrics scope_metrics, 3 string schema_url }
 *   ScopeMetrics { 1 InstrumentationScope scope, 2 repeated Metric metrics, 3 string schema_url }
 *   Metric { 1 name, 2 description, 3 unit, oneof data { 5 Gauge gauge, 7 Sum sum, 9 Histogram histogram,
 *            10 ExponentialHistogram exponential_histogram, 11 Summary summary }, 12 repeated KeyValue metadata }
 *   Gauge / Summary { 1 repeated points }
 *   Sum { 1 repeated NumberDataPoint data_points, 2 AggregationTemporality aggregation_temporality, 3 bool is_monotonic }
 *   Histogram / ExponentialHistogram { 1 repeated points, 2 AggregationTemporality aggregation_temporality }
 */
import type { AggregationTemporality, Metric, MetricData, MetricsData } from '../model/telemetry.ts';
import { droppedTotal, newAttributes, readAttribute } from './common-proto-decoder.ts';
import { item, within } from './decode-failure.ts';
import { readEnvelope } from './envelope-proto-decoder.ts';
import type { DecodeContext } from './decode-failure.ts';
import { readExponentialHistogramPoint, readHistogramPoint } from './histogram-points-proto-decoder.ts';
import { readNumberPoint, readSummaryPoint } from './metric-points-proto-decoder.ts';
import { WireType, wireTable } from './wire-reader.ts';
import type { WireReader } from './wire-reader.ts';

const { Varint, Delimited } = WireType;
const METRIC_WIRE = wireTable({
  1: Delimited,
  2: Delimited,
  3: Delimited,
  5: Delimited,
  7: Delimited,
  9: Delimited,
  10: Delimited,
  11: Delimited,
  12: Delimited,
});
const POINTS_ONLY_WIRE = wireTable({ 1: Delimited });
const SUM_WIRE = wireTable({ 1: Delimited, 2: Varint, 3: Varint });
const HISTOGRAM_WIRE = wireTable({ 1: Delimited, 2: Varint });
const METRIC_FIELDS: Record<number, string> = {
  1: 'name',
  2: 'description',
  3: 'unit',
  5: 'gauge',
  7: 'sum',
  9: 'histogram',
  10: 'exponentialHistogram',
  11: 'summary',
};

type DataOf<K extends MetricData['type']> = Extract<MetricData, { type: K }>;

const METRICS_FIELDS = { resources: 'resourceMetrics', scopes: 'scopeMetrics', items: 'metrics' };

export function readMetricsData(r: WireReader, ctx: DecodeContext): MetricsData {
  return {
    resourceMetrics: readEnvelope(r, ctx, METRICS_FIELDS, readMetric).map(
      ({ resource, scopes, schemaUrl }) => ({
        resource,
        scopeMetrics: scopes.map((g) => ({ scope: g.scope, metrics: g.items, schemaUrl: g.schemaUrl })),
        schemaUrl,
      }),
    ),
  };
}

function readMetric(r: WireReader, end: number, ctx: DecodeContext): Metric {
  let name = '';
  let description = '';
  let unit = '';
  const metadata = newAttributes();
  let kept = 0;
  let dropped = 0;
  let seen = 0;
  let data: MetricData = { type: 'empty' };
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 10:
          name = r.string(end);
          break;
        case 18:
          description = r.string(end);
          break;
        case 26:
          unit = r.string(end);
          break;
        // A repeated occurrence of the same data kind merges into it; a different kind replaces it (oneof).
        case 42:
          data = readGauge(r, r.delimited(end), ctx, data.type === 'gauge' ? data : undefined);
          break;
        case 58:
          data = readSum(r, r.delimited(end), ctx, data.type === 'sum' ? data : undefined);
          break;
        case 74:
          data = readHistogram(r, r.delimited(end), ctx, data.type === 'histogram' ? data : undefined);
          break;
        case 82:
          data = readExponentialHistogram(
            r,
            r.delimited(end),
            ctx,
            data.type === 'exponentialHistogram' ? data : undefined,
          );
          break;
        case 90:
          data = readSummary(r, r.delimited(end), ctx, data.type === 'summary' ? data : undefined);
          break;
        case 98: {
          const got = readAttribute(r, end, ctx, metadata, kept);
          if (got < 0) dropped++;
          else kept += got;
          seen++;
          break;
        }
        default:
          r.skipUnknown(tag, METRIC_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 12 ? item('metadata', seen) : (METRIC_FIELDS[field] ?? ''));
  }
  // Metadata has no dropped count in OTLP: what the limit cut only shows in the stats.
  droppedTotal(ctx, 0, dropped);
  return { name, description, unit, metadata, data };
}

/** Reads the container fields shared by all data kinds; `readPoint` decodes one element of data_points. */
function readContainer<P>(
  r: WireReader,
  end: number,
  points: P[],
  readPoint: (r: WireReader, end: number) => P,
  wire: Int8Array,
  onScalar: (tag: number) => boolean,
): void {
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 10) points.push(readPoint(r, r.delimited(end)));
      else if (!onScalar(tag)) r.skipUnknown(tag, wire, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(
      error,
      field === 1
        ? item('dataPoints', points.length)
        : field === 2
          ? 'aggregationTemporality'
          : field === 3
            ? 'isMonotonic'
            : '',
    );
  }
}

function readGauge(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  into: DataOf<'gauge'> | undefined,
): DataOf<'gauge'> {
  const data: DataOf<'gauge'> = into ?? { type: 'gauge', points: [] };
  readContainer(
    r,
    end,
    data.points,
    (pr, pe) => readNumberPoint(pr, pe, ctx),
    POINTS_ONLY_WIRE,
    () => false,
  );
  return data;
}

function readSum(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  into: DataOf<'sum'> | undefined,
): DataOf<'sum'> {
  const data: DataOf<'sum'> = into ?? {
    type: 'sum',
    aggregationTemporality: 0,
    isMonotonic: false,
    points: [],
  };
  readContainer(
    r,
    end,
    data.points,
    (pr, pe) => readNumberPoint(pr, pe, ctx),
    SUM_WIRE,
    (tag) => {
      if (tag === 16) data.aggregationTemporality = r.int32() as AggregationTemporality;
      else if (tag === 24) data.isMonotonic = r.bool();
      else return false;
      return true;
    },
  );
  return data;
}

function readHistogram(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  into: DataOf<'histogram'> | undefined,
): DataOf<'histogram'> {
  const data: DataOf<'histogram'> = into ?? { type: 'histogram', aggregationTemporality: 0, points: [] };
  readContainer(
    r,
    end,
    data.points,
    (pr, pe) => readHistogramPoint(pr, pe, ctx),
    HISTOGRAM_WIRE,
    (tag) => {
      if (tag !== 16) return false;
      data.aggregationTemporality = r.int32() as AggregationTemporality;
      return true;
    },
  );
  return data;
}

function readExponentialHistogram(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  into: DataOf<'exponentialHistogram'> | undefined,
): DataOf<'exponentialHistogram'> {
  const data: DataOf<'exponentialHistogram'> = into ?? {
    type: 'exponentialHistogram',
    aggregationTemporality: 0,
    points: [],
  };
  readContainer(
    r,
    end,
    data.points,
    (pr, pe) => readExponentialHistogramPoint(pr, pe, ctx),
    HISTOGRAM_WIRE,
    (tag) => {
      if (tag !== 16) return false;
      data.aggregationTemporality = r.int32() as AggregationTemporality;
      return true;
    },
  );
  return data;
}

function readSummary(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  into: DataOf<'summary'> | undefined,
): DataOf<'summary'> {
  const data: DataOf<'summary'> = into ?? { type: 'summary', points: [] };
  readContainer(
    r,
    end,
    data.points,
    (pr, pe) => readSummaryPoint(pr, pe, ctx),
    POINTS_ONLY_WIRE,
    () => false,
  );
  return data;
}
