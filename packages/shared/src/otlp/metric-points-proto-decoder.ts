/**
 * Decoders for the metric data points of opentelemetry/proto/metrics/v1/metrics.proto (v1.5+):
 *   NumberDataPoint { 7 attributes, 2 fixed64 start_time_unix_nano, 3 fixed64 time_unix_nano,
 *                     oneof value { 4 double as_double, 6 sfixed64 as_int }, 5 repeated Exemplar exemplars, 8 uint32 flags }
 *   HistogramDataPoint { 9 attributes, 2 start, 3 time, 4 fixed64 count, 5 optional double sum,
 *                        6 repeated fixed64 bucket_counts, 7 repeated double explicit_bounds, 8 exemplars,
 *                        10 uint32 flags, 11 optional double min, 12 optional double max }
 *   ExponentialHistogramDataPoint { 1 attributes, 2 start, 3 time, 4 fixed64 count, 5 optional double sum,
 *                        6 sint32 scale, 7 fixed64 zero_count, 8 Buckets positive, 9 Buckets negative, 10 uint32 flags,
 *                        11 exemplars, 12 optional double min, 13 optional double max, 14 double zero_threshold }
 *     Buckets { 1 sint32 offset, 2 repeated uint64 bucket_counts }
 *   SummaryDataPoint { 7 attributes, 2 start, 3 time, 4 fixed64 count, 5 double sum,
 *                      6 repeated ValueAtQuantile quantile_values, 8 uint32 flags }
 *     ValueAtQuantile { 1 double quantile, 2 double value }
 *   Exemplar { 7 filtered_attributes, 2 fixed64 time_unix_nano, oneof value { 3 double as_double, 6 sfixed64 as_int },
 *              4 bytes span_id, 5 bytes trace_id }
 * Repeated scalars are accepted packed and unpacked, as the protobuf spec requires of parsers.
 * OTLP points carry no dropped-attributes count: what the limit cuts shows only in the stats.
 */
import type {
  Attributes, Exemplar, ExponentialHistogramBuckets, ExponentialHistogramDataPoint, HistogramDataPoint, NumberDataPoint, SummaryDataPoint,
} from '../model/telemetry.ts';
import { droppedTotal, newAttributes, readAttribute } from './common-proto-decoder.ts';
import { fail, item, within } from './decode-failure.ts';
import type { DecodeContext } from './decode-failure.ts';
import { WireType, wireTable } from './wire-reader.ts';
import type { WireReader } from './wire-reader.ts';

const { Varint, Fixed64, Delimited } = WireType;
const NUMBER_WIRE = wireTable({ 2: Fixed64, 3: Fixed64, 4: Fixed64, 5: Delimited, 6: Fixed64, 7: Delimited, 8: Varint });
const HISTOGRAM_WIRE = wireTable({
  2: Fixed64, 3: Fixed64, 4: Fixed64, 5: Fixed64, 6: Fixed64, 7: Fixed64, 8: Delimited, 9: Delimited, 10: Varint, 11: Fixed64, 12: Fixed64,
});
const EXPONENTIAL_WIRE = wireTable({
  1: Delimited, 2: Fixed64, 3: Fixed64, 4: Fixed64, 5: Fixed64, 6: Varint, 7: Fixed64, 8: Delimited, 9: Delimited, 10: Varint,
  11: Delimited, 12: Fixed64, 13: Fixed64, 14: Fixed64,
});
const BUCKETS_WIRE = wireTable({ 1: Varint, 2: Varint });
const SUMMARY_WIRE = wireTable({ 2: Fixed64, 3: Fixed64, 4: Fixed64, 5: Fixed64, 6: Delimited, 7: Delimited, 8: Varint });
const QUANTILE_WIRE = wireTable({ 1: Fixed64, 2: Fixed64 });
const EXEMPLAR_WIRE = wireTable({ 2: Fixed64, 3: Fixed64, 4: Delimited, 5: Delimited, 6: Fixed64, 7: Delimited });

const NUMBER_FIELDS = ['', '', 'startTimeUnixNano', 'timeUnixNano', 'asDouble', 'exemplars', 'asInt', 'attributes', 'flags'];
const HISTOGRAM_FIELDS = [
  '', '', 'startTimeUnixNano', 'timeUnixNano', 'count', 'sum', 'bucketCounts', 'explicitBounds', 'exemplars', 'attributes', 'flags', 'min', 'max',
];
const EXPONENTIAL_FIELDS = [
  '', 'attributes', 'startTimeUnixNano', 'timeUnixNano', 'count', 'sum', 'scale', 'zeroCount', 'positive', 'negative', 'flags',
  'exemplars', 'min', 'max', 'zeroThreshold',
];
const SUMMARY_FIELDS = ['', '', 'startTimeUnixNano', 'timeUnixNano', 'count', 'sum', 'quantileValues', 'attributes', 'flags'];
const EXEMPLAR_FIELDS = ['', '', 'timeUnixNano', 'asDouble', 'spanId', 'traceId', 'asInt', 'filteredAttributes'];

/** Attribute maps of points and exemplars: limited like the others, drops only counted in the stats. */
class PointAttributes {
  readonly map: Attributes = newAttributes();
  kept = 0;
  dropped = 0;
  seen = 0;
  read(r: WireReader, limit: number, ctx: DecodeContext): void {
    const got = readAttribute(r, limit, ctx, this.map, this.kept);
    if (got < 0) this.dropped++;
    else this.kept += got;
    this.seen++;
  }
  finish(ctx: DecodeContext): Attributes {
    droppedTotal(ctx, 0, this.dropped);
    return this.map;
  }
}

function segment(names: string[], field: number, indexed: Record<number, number>): string {
  const name = names[field] ?? '';
  const index = indexed[field];
  return index === undefined ? name : item(name, index);
}

export function readNumberPoint(r: WireReader, end: number, ctx: DecodeContext): NumberDataPoint {
  const attributes = new PointAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let value: number | bigint = 0;
  const exemplars: Exemplar[] = [];
  let flags = 0;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 58: attributes.read(r, end, ctx); break;
        case 17: startTimeUnixNano = r.fixed64(); break;
        case 25: timeUnixNano = r.fixed64(); break;
        case 33: value = r.double(); break;
        case 49: value = r.sfixed64(); break;
        case 42: exemplars.push(readExemplar(r, r.delimited(end), ctx)); break;
        case 64: flags = r.uint32(); break;
        default: r.skipUnknown(tag, NUMBER_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(NUMBER_FIELDS, field, { 7: attributes.seen, 5: exemplars.length }));
  }
  return { attributes: attributes.finish(ctx), startTimeUnixNano, timeUnixNano, flags, value, exemplars };
}

export function readHistogramPoint(r: WireReader, end: number, ctx: DecodeContext): HistogramDataPoint {
  const attributes = new PointAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum: number | undefined;
  const bucketCounts: bigint[] = [];
  const explicitBounds: number[] = [];
  const exemplars: Exemplar[] = [];
  let flags = 0;
  let min: number | undefined;
  let max: number | undefined;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 74: attributes.read(r, end, ctx); break;
        case 17: startTimeUnixNano = r.fixed64(); break;
        case 25: timeUnixNano = r.fixed64(); break;
        case 33: count = r.fixed64(); break;
        case 41: sum = r.double(); break;
        case 50: readPackedFixed64(r, r.delimited(end), bucketCounts); break;
        case 49: bucketCounts.push(r.fixed64()); break;
        case 58: readPackedDouble(r, r.delimited(end), explicitBounds); break;
        case 57: explicitBounds.push(r.double()); break;
        case 66: exemplars.push(readExemplar(r, r.delimited(end), ctx)); break;
        case 80: flags = r.uint32(); break;
        case 89: min = r.double(); break;
        case 97: max = r.double(); break;
        default: r.skipUnknown(tag, HISTOGRAM_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(HISTOGRAM_FIELDS, field, { 9: attributes.seen, 8: exemplars.length }));
  }
  return { attributes: attributes.finish(ctx), startTimeUnixNano, timeUnixNano, flags, count, sum, bucketCounts, explicitBounds, exemplars, min, max };
}

export function readExponentialHistogramPoint(r: WireReader, end: number, ctx: DecodeContext): ExponentialHistogramDataPoint {
  const attributes = new PointAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum: number | undefined;
  let scale = 0;
  let zeroCount = 0n;
  let positive: ExponentialHistogramBuckets = { offset: 0, bucketCounts: [] };
  let negative: ExponentialHistogramBuckets = { offset: 0, bucketCounts: [] };
  let flags = 0;
  const exemplars: Exemplar[] = [];
  let min: number | undefined;
  let max: number | undefined;
  let zeroThreshold = 0;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 10: attributes.read(r, end, ctx); break;
        case 17: startTimeUnixNano = r.fixed64(); break;
        case 25: timeUnixNano = r.fixed64(); break;
        case 33: count = r.fixed64(); break;
        case 41: sum = r.double(); break;
        case 48: scale = r.sint32(); break;
        case 57: zeroCount = r.fixed64(); break;
        case 66: positive = readBuckets(r, r.delimited(end), positive); break;
        case 74: negative = readBuckets(r, r.delimited(end), negative); break;
        case 80: flags = r.uint32(); break;
        case 90: exemplars.push(readExemplar(r, r.delimited(end), ctx)); break;
        case 97: min = r.double(); break;
        case 105: max = r.double(); break;
        case 113: zeroThreshold = r.double(); break;
        default: r.skipUnknown(tag, EXPONENTIAL_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(EXPONENTIAL_FIELDS, field, { 1: attributes.seen, 11: exemplars.length }));
  }
  return {
    attributes: attributes.finish(ctx), startTimeUnixNano, timeUnixNano, flags, count, sum, scale, zeroCount, positive, negative, exemplars, min, max,
    zeroThreshold,
  };
}

function readBuckets(r: WireReader, end: number, into: ExponentialHistogramBuckets): ExponentialHistogramBuckets {
  let offset = into.offset;
  const bucketCounts = into.bucketCounts;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 18) {
        const packedEnd = r.delimited(end);
        while (r.pos < packedEnd) bucketCounts.push(r.uint64());
        r.checkEnd(packedEnd);
      } else if (tag === 8) offset = r.sint32();
      else if (tag === 16) bucketCounts.push(r.uint64());
      else r.skipUnknown(tag, BUCKETS_WIRE, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 1 ? 'offset' : field === 2 ? item('bucketCounts', bucketCounts.length) : '');
  }
  return { offset, bucketCounts };
}

export function readSummaryPoint(r: WireReader, end: number, ctx: DecodeContext): SummaryDataPoint {
  const attributes = new PointAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum = 0;
  const quantileValues: SummaryDataPoint['quantileValues'] = [];
  let flags = 0;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 58: attributes.read(r, end, ctx); break;
        case 17: startTimeUnixNano = r.fixed64(); break;
        case 25: timeUnixNano = r.fixed64(); break;
        case 33: count = r.fixed64(); break;
        case 41: sum = r.double(); break;
        case 50: quantileValues.push(readQuantile(r, r.delimited(end))); break;
        case 64: flags = r.uint32(); break;
        default: r.skipUnknown(tag, SUMMARY_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(SUMMARY_FIELDS, field, { 7: attributes.seen, 6: quantileValues.length }));
  }
  return { attributes: attributes.finish(ctx), startTimeUnixNano, timeUnixNano, flags, count, sum, quantileValues };
}

function readQuantile(r: WireReader, end: number): { quantile: number; value: number } {
  let quantile = 0;
  let value = 0;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 9) quantile = r.double();
      else if (tag === 17) value = r.double();
      else r.skipUnknown(tag, QUANTILE_WIRE, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 1 ? 'quantile' : field === 2 ? 'value' : '');
  }
  return { quantile, value };
}

function readExemplar(r: WireReader, end: number, ctx: DecodeContext): Exemplar {
  const filteredAttributes = new PointAttributes();
  let timeUnixNano = 0n;
  let value: number | bigint = 0;
  let spanId = '';
  let traceId = '';
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 58: filteredAttributes.read(r, end, ctx); break;
        case 17: timeUnixNano = r.fixed64(); break;
        case 25: value = r.double(); break;
        case 49: value = r.sfixed64(); break;
        case 34: spanId = r.spanId(end); break;
        case 42: traceId = r.traceId(end); break;
        default: r.skipUnknown(tag, EXEMPLAR_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(EXEMPLAR_FIELDS, field, { 7: filteredAttributes.seen }));
  }
  return { filteredAttributes: filteredAttributes.finish(ctx), timeUnixNano, value, spanId, traceId };
}

function readPackedFixed64(r: WireReader, end: number, out: bigint[]): void {
  if ((end - r.pos) % 8 !== 0) fail(`packed fixed64 field of ${end - r.pos} bytes is not a multiple of 8`);
  while (r.pos < end) out.push(r.fixed64());
}

function readPackedDouble(r: WireReader, end: number, out: number[]): void {
  if ((end - r.pos) % 8 !== 0) fail(`packed double field of ${end - r.pos} bytes is not a multiple of 8`);
  while (r.pos < end) out.push(r.double());
}
