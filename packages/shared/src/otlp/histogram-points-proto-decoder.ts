/**
 * Decoders for the histogram data points of opentelemetry/proto/metrics/v1/metrics.proto (v1.5+):
 *   HistogramDataPoint { 9 attributes, 2 start, 3 time, 4 fixed64 count, 5 optional double sum,
 *                        6 repeated fixed64 bucket_counts, 7 repeated double explicit_bounds, 8 exemplars,
 *                        10 uint32 flags, 11 optional double min, 12 optional double max }
 *   ExponentialHistogramDataPoint { 1 attributes, 2 start, 3 time, 4 fixed64 count, 5 optional double sum,
 *                        6 sint32 scale, 7 fixed64 zero_count, 8 Buckets positive, 9 Buckets negative, 10 uint32 flags,
 *                        11 exemplars, 12 optional double min, 13 optional double max, 14 double zero_threshold }
 *     Buckets { 1 sint32 offset, 2 repeated uint64 bucket_counts }
 * Repeated scalars are accepted packed and unpacked, as the protobuf spec requires of parsers.
 */
import type {
  Exemplar,
  ExponentialHistogramBuckets,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
} from '../model/telemetry.ts';
import { beginItem, endItem } from './common-proto-decoder.ts';
import { fail, item, within } from './decode-failure.ts';
import type { DecodeContext } from './decode-failure.ts';
import { PointAttributes, readExemplar, segment } from './metric-points-proto-decoder.ts';
import { WireType, wireTable } from './wire-reader.ts';
import type { WireReader } from './wire-reader.ts';

const { Varint, Fixed64, Delimited } = WireType;
const HISTOGRAM_WIRE = wireTable({
  2: Fixed64,
  3: Fixed64,
  4: Fixed64,
  5: Fixed64,
  6: Fixed64,
  7: Fixed64,
  8: Delimited,
  9: Delimited,
  10: Varint,
  11: Fixed64,
  12: Fixed64,
});
const EXPONENTIAL_WIRE = wireTable({
  1: Delimited,
  2: Fixed64,
  3: Fixed64,
  4: Fixed64,
  5: Fixed64,
  6: Varint,
  7: Fixed64,
  8: Delimited,
  9: Delimited,
  10: Varint,
  11: Delimited,
  12: Fixed64,
  13: Fixed64,
  14: Fixed64,
});
const BUCKETS_WIRE = wireTable({ 1: Varint, 2: Varint });
const HISTOGRAM_FIELDS = [
  '',
  '',
  'startTimeUnixNano',
  'timeUnixNano',
  'count',
  'sum',
  'bucketCounts',
  'explicitBounds',
  'exemplars',
  'attributes',
  'flags',
  'min',
  'max',
];
const EXPONENTIAL_FIELDS = [
  '',
  'attributes',
  'startTimeUnixNano',
  'timeUnixNano',
  'count',
  'sum',
  'scale',
  'zeroCount',
  'positive',
  'negative',
  'flags',
  'exemplars',
  'min',
  'max',
  'zeroThreshold',
];
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
  beginItem(ctx, end - r.pos);
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 74:
          attributes.read(r, end, ctx);
          break;
        case 17:
          startTimeUnixNano = r.fixed64();
          break;
        case 25:
          timeUnixNano = r.fixed64();
          break;
        case 33:
          count = r.fixed64();
          break;
        case 41:
          sum = r.double();
          break;
        case 50:
          readPackedFixed64(r, r.delimited(end), bucketCounts);
          break;
        case 49:
          bucketCounts.push(r.fixed64());
          break;
        case 58:
          readPackedDouble(r, r.delimited(end), explicitBounds);
          break;
        case 57:
          explicitBounds.push(r.double());
          break;
        case 66:
          exemplars.push(readExemplar(r, r.delimited(end), ctx));
          break;
        case 80:
          flags = r.uint32();
          break;
        case 89:
          min = r.double();
          break;
        case 97:
          max = r.double();
          break;
        default:
          r.skipUnknown(tag, HISTOGRAM_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(HISTOGRAM_FIELDS, field, { 9: attributes.seen, 8: exemplars.length }));
  }
  endItem(ctx);
  return {
    attributes: attributes.finish(ctx),
    startTimeUnixNano,
    timeUnixNano,
    flags,
    count,
    sum,
    bucketCounts,
    explicitBounds,
    exemplars,
    min,
    max,
  };
}

export function readExponentialHistogramPoint(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
): ExponentialHistogramDataPoint {
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
  beginItem(ctx, end - r.pos);
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 10:
          attributes.read(r, end, ctx);
          break;
        case 17:
          startTimeUnixNano = r.fixed64();
          break;
        case 25:
          timeUnixNano = r.fixed64();
          break;
        case 33:
          count = r.fixed64();
          break;
        case 41:
          sum = r.double();
          break;
        case 48:
          scale = r.sint32();
          break;
        case 57:
          zeroCount = r.fixed64();
          break;
        case 66:
          positive = readBuckets(r, r.delimited(end), positive);
          break;
        case 74:
          negative = readBuckets(r, r.delimited(end), negative);
          break;
        case 80:
          flags = r.uint32();
          break;
        case 90:
          exemplars.push(readExemplar(r, r.delimited(end), ctx));
          break;
        case 97:
          min = r.double();
          break;
        case 105:
          max = r.double();
          break;
        case 113:
          zeroThreshold = r.double();
          break;
        default:
          r.skipUnknown(tag, EXPONENTIAL_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(EXPONENTIAL_FIELDS, field, { 1: attributes.seen, 11: exemplars.length }));
  }
  endItem(ctx);
  return {
    attributes: attributes.finish(ctx),
    startTimeUnixNano,
    timeUnixNano,
    flags,
    count,
    sum,
    scale,
    zeroCount,
    positive,
    negative,
    exemplars,
    min,
    max,
    zeroThreshold,
  };
}

function readBuckets(
  r: WireReader,
  end: number,
  into: ExponentialHistogramBuckets,
): ExponentialHistogramBuckets {
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
    throw within(
      error,
      field === 1 ? 'offset' : field === 2 ? item('bucketCounts', bucketCounts.length) : '',
    );
  }
  return { offset, bucketCounts };
}

function readPackedFixed64(r: WireReader, end: number, out: bigint[]): void {
  if ((end - r.pos) % 8 !== 0) fail(`packed fixed64 field of ${end - r.pos} bytes is not a multiple of 8`);
  while (r.pos < end) out.push(r.fixed64());
}

function readPackedDouble(r: WireReader, end: number, out: number[]): void {
  if ((end - r.pos) % 8 !== 0) fail(`packed double field of ${end - r.pos} bytes is not a multiple of 8`);
  while (r.pos < end) out.push(r.double());
}
