/**
 * Decoders for the number and summary data points and the exemplars of
 * opentelemetry/proto/metrics/v1/metrics.proto (v1.5+); histograms are in histogram-points-proto-decoder.ts.
 *   NumberDataPoint { 7 attributes, 2 fixed64 start_time_unix_nano, 3 fixed64 time_unix_nano,
 *                     oneof value { 4 double as_double, 6 sfixed64 as_int }, 5 repeated Exemplar exemplars, 8 uint32 flags }
 *   SummaryDataPoint { 7 attributes, 2 start, 3 time, 4 fixed64 count, 5 double sum,
 *                      6 repeated ValueAtQuantile quantile_values, 8 uint32 flags }
 *     ValueAtQuantile { 1 double quantile, 2 double value }
 *   Exemplar { 7 filtered_attributes, 2 fixed64 time_unix_nano, oneof value { 3 double as_double, 6 sfixed64 as_int },
 *              4 bytes span_id, 5 bytes trace_id }
 * OTLP points carry no dropped-attributes count: what the limit cuts shows only in the stats.
 */
import type { Attributes, Exemplar, NumberDataPoint, SummaryDataPoint } from '../model/telemetry.ts';
import { beginItem, droppedTotal, endItem, newAttributes, readAttribute } from './common-proto-decoder.ts';
import { item, within } from './decode-failure.ts';
import type { DecodeContext } from './decode-failure.ts';
import { WireType, wireTable } from './wire-reader.ts';
import type { WireReader } from './wire-reader.ts';

const { Varint, Fixed64, Delimited } = WireType;
const NUMBER_WIRE = wireTable({
  2: Fixed64,
  3: Fixed64,
  4: Fixed64,
  5: Delimited,
  6: Fixed64,
  7: Delimited,
  8: Varint,
});
const SUMMARY_WIRE = wireTable({
  2: Fixed64,
  3: Fixed64,
  4: Fixed64,
  5: Fixed64,
  6: Delimited,
  7: Delimited,
  8: Varint,
});
const QUANTILE_WIRE = wireTable({ 1: Fixed64, 2: Fixed64 });
const EXEMPLAR_WIRE = wireTable({
  2: Fixed64,
  3: Fixed64,
  4: Delimited,
  5: Delimited,
  6: Fixed64,
  7: Delimited,
});

const NUMBER_FIELDS = [
  '',
  '',
  'startTimeUnixNano',
  'timeUnixNano',
  'asDouble',
  'exemplars',
  'asInt',
  'attributes',
  'flags',
];
const SUMMARY_FIELDS = [
  '',
  '',
  'startTimeUnixNano',
  'timeUnixNano',
  'count',
  'sum',
  'quantileValues',
  'attributes',
  'flags',
];
const EXEMPLAR_FIELDS = [
  '',
  '',
  'timeUnixNano',
  'asDouble',
  'spanId',
  'traceId',
  'asInt',
  'filteredAttributes',
];

/** Attribute maps of points and exemplars: limited like the others, drops only counted in the stats. */
export class PointAttributes {
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

export function segment(names: string[], field: number, indexed: Record<number, number>): string {
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
  beginItem(ctx, end - r.pos);
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 58:
          attributes.read(r, end, ctx);
          break;
        case 17:
          startTimeUnixNano = r.fixed64();
          break;
        case 25:
          timeUnixNano = r.fixed64();
          break;
        case 33:
          value = r.double();
          break;
        case 49:
          value = r.sfixed64();
          break;
        case 42:
          exemplars.push(readExemplar(r, r.delimited(end), ctx));
          break;
        case 64:
          flags = r.uint32();
          break;
        default:
          r.skipUnknown(tag, NUMBER_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(NUMBER_FIELDS, field, { 7: attributes.seen, 5: exemplars.length }));
  }
  endItem(ctx);
  return { attributes: attributes.finish(ctx), startTimeUnixNano, timeUnixNano, flags, value, exemplars };
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
  beginItem(ctx, end - r.pos);
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 58:
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
          quantileValues.push(readQuantile(r, r.delimited(end)));
          break;
        case 64:
          flags = r.uint32();
          break;
        default:
          r.skipUnknown(tag, SUMMARY_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(SUMMARY_FIELDS, field, { 7: attributes.seen, 6: quantileValues.length }));
  }
  endItem(ctx);
  return {
    attributes: attributes.finish(ctx),
    startTimeUnixNano,
    timeUnixNano,
    flags,
    count,
    sum,
    quantileValues,
  };
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

export function readExemplar(r: WireReader, end: number, ctx: DecodeContext): Exemplar {
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
        case 58:
          filteredAttributes.read(r, end, ctx);
          break;
        case 17:
          timeUnixNano = r.fixed64();
          break;
        case 25:
          value = r.double();
          break;
        case 49:
          value = r.sfixed64();
          break;
        case 34:
          spanId = r.spanId(end);
          break;
        case 42:
          traceId = r.traceId(end);
          break;
        default:
          r.skipUnknown(tag, EXEMPLAR_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, segment(EXEMPLAR_FIELDS, field, { 7: filteredAttributes.seen }));
  }
  return { filteredAttributes: filteredAttributes.finish(ctx), timeUnixNano, value, spanId, traceId };
}
