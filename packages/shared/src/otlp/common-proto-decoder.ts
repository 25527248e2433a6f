/**
 * Decoders for opentelemetry/proto/common/v1/common.proto and resource/v1/resource.proto:
 *   AnyValue { 1 string_value, 2 bool_value, 3 int64 int_value, 4 double_value, 5 ArrayValue array_value,
 *              6 KeyValueList kvlist_value, 7 bytes bytes_value }
 *   ArrayValue { 1 repeated AnyValue values }   KeyValueList { 1 repeated KeyValue values }
 *   KeyValue { 1 string key, 2 AnyValue value }
 *   InstrumentationScope { 1 name, 2 version, 3 repeated KeyValue attributes, 4 uint32 dropped_attributes_count }
 *   Resource { 1 repeated KeyValue attributes, 2 uint32 dropped_attributes_count, 3 entity_refs (ignored) }
 */
import type { AnyValue, Attributes, InstrumentationScope, Resource } from '../model/telemetry.ts';
import { fail, item, within } from './decode-failure.ts';
import type { DecodeContext } from './decode-failure.ts';
import { readUtf8 } from './utf8.ts';
import { WireType, wireTable } from './wire-reader.ts';
import type { WireReader } from './wire-reader.ts';

const { Varint, Fixed64, Delimited } = WireType;
const ANY_VALUE_WIRE = wireTable({
  1: Delimited,
  2: Varint,
  3: Varint,
  4: Fixed64,
  5: Delimited,
  6: Delimited,
  7: Delimited,
});
const VALUES_WIRE = wireTable({ 1: Delimited });
const KEY_VALUE_WIRE = wireTable({ 1: Delimited, 2: Delimited });
const SCOPE_WIRE = wireTable({ 1: Delimited, 2: Delimited, 3: Delimited, 4: Varint });
const RESOURCE_WIRE = wireTable({ 1: Delimited, 2: Varint });

/** Arrays and kvlists may nest; hostile input must not be able to exhaust the stack. */
const MAX_VALUE_DEPTH = 64;
const UINT32_MAX = 0xffffffff;

export function newAttributes(): Attributes {
  return Object.create(null) as Attributes;
}

/** A string value or attribute key, cut to `maxValueLength` UTF-16 units. */
function readValueString(r: WireReader, limit: number, ctx: DecodeContext): string {
  if (ctx.maxValueLength === Infinity) return r.string(limit);
  const end = r.delimited(limit);
  const start = r.pos;
  r.pos = end;
  const max = ctx.maxValueLength;
  // Each UTF-16 unit takes at most 3 bytes, so the first max units lie within 3*max+3 bytes:
  // a huge value is never decoded whole just to be cut.
  const text = readUtf8(r.buf, r.view, start, Math.min(end, start + 3 * max + 3));
  return text.length > max ? cutText(text, max, ctx) : text;
}

export function cutText(text: string, max: number, ctx: DecodeContext): string {
  if (text.length <= max) return text;
  ctx.stats.truncatedValues++;
  // Do not leave half of a surrogate pair at the cut.
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
}

function readValueBytes(r: WireReader, limit: number, ctx: DecodeContext): Uint8Array {
  const bytes = r.bytes(limit);
  if (bytes.length <= ctx.maxValueLength) return bytes;
  ctx.stats.truncatedValues++;
  return bytes.slice(0, ctx.maxValueLength);
}

export function readAnyValue(r: WireReader, end: number, ctx: DecodeContext, depth: number): AnyValue {
  if (depth > MAX_VALUE_DEPTH) fail(`values nested deeper than ${MAX_VALUE_DEPTH}`);
  let value: AnyValue = null;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 10:
          value = readValueString(r, end, ctx);
          break;
        case 16:
          value = r.bool();
          break;
        case 24:
          value = r.int64();
          break;
        case 33:
          value = r.double();
          break;
        case 42:
          value = readArrayValue(r, r.delimited(end), ctx, depth + 1);
          break;
        case 50:
          value = readKeyValueList(r, r.delimited(end), ctx, depth + 1);
          break;
        case 58:
          value = readValueBytes(r, end, ctx);
          break;
        default:
          r.skipUnknown(tag, ANY_VALUE_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 5 ? 'arrayValue' : field === 6 ? 'kvlistValue' : '');
  }
  return value;
}

function readArrayValue(r: WireReader, end: number, ctx: DecodeContext, depth: number): AnyValue[] {
  const values: AnyValue[] = [];
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag !== 10) r.skipUnknown(tag, VALUES_WIRE, end);
      else if (values.length < ctx.maxValueEntries)
        values.push(readAnyValue(r, r.delimited(end), ctx, depth));
      else {
        r.pos = r.delimited(end);
        ctx.stats.droppedValueEntries++;
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, item('values', values.length));
  }
  return values;
}

function readKeyValueList(r: WireReader, end: number, ctx: DecodeContext, depth: number): Attributes {
  const map = newAttributes();
  let seen = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      if (tag !== 10) r.skipUnknown(tag, VALUES_WIRE, end);
      else if (seen < ctx.maxValueEntries) readKeyValue(r, r.delimited(end), ctx, map, depth);
      else {
        r.pos = r.delimited(end);
        ctx.stats.droppedValueEntries++;
      }
      seen++;
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, item('values', seen));
  }
  return map;
}

/**
 * Reads one KeyValue into `map` (last duplicate wins); returns 1 when the key is new, else 0. A record's
 * own attribute (depth 0) is first charged to the item's attribute budget: -1 when it does not fit, and
 * then it is not stored.
 */
function readKeyValue(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  map: Attributes,
  depth: number,
): number {
  let key = '';
  let value: AnyValue = null;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 10) key = readValueString(r, end, ctx);
      else if (tag === 18) value = readAnyValue(r, r.delimited(end), ctx, depth);
      else r.skipUnknown(tag, KEY_VALUE_WIRE, end);
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 1 ? 'key' : field === 2 ? 'value' : '');
  }
  if (depth === 0 && ctx.attributeBytesLeft !== Infinity && !chargeAttribute(ctx, key, value)) return -1;
  // Whether the key is new only matters under an attribute limit; without one, skip the extra lookup.
  const added = ctx.maxAttributes === Infinity || map[key] === undefined ? 1 : 0;
  map[key] = value;
  return added;
}

/**
 * Charges one attribute to the current item's budget (see `DecodeLimits.maxAttributeBytes`). The first
 * that does not fit closes the budget (-1), so the item's later attributes are dropped unread.
 */
export function chargeAttribute(ctx: DecodeContext, key: string, value: AnyValue): boolean {
  const size = key.length + valueSize(value);
  if (size > ctx.attributeBytesLeft) {
    if (ctx.attributeBytesLeft >= 0) ctx.stats.itemsOverAttributeBytes++;
    ctx.attributeBytesLeft = -1;
    return false;
  }
  ctx.attributeBytesLeft -= size;
  return true;
}

/** The size an attribute value counts for against `maxAttributeBytes`. */
function valueSize(value: AnyValue): number {
  if (typeof value === 'string') return value.length;
  if (value === null) return 0;
  if (typeof value === 'boolean') return 1;
  if (typeof value !== 'object') return 8;
  if (value instanceof Uint8Array) return value.byteLength;
  let n = 0;
  if (Array.isArray(value)) {
    for (const v of value) n += valueSize(v);
    return n;
  }
  for (const k in value) n += k.length + valueSize(value[k]!);
  return n;
}

/**
 * What an item's attributes can count for at most, per byte of its protobuf encoding: strings and bytes
 * count at most their encoded size, and the smallest encoded int (an array element: tag, length, tag, one
 * byte) is 4 bytes for the 8 it counts. So an item of n encoded bytes never exceeds 2n.
 */
const COUNTED_PER_ENCODED_BYTE = 2;

/**
 * Starts an item (span, log record, data point): its attributes share one budget from here. `encodedBytes`
 * (protobuf) lets an item that cannot reach the budget — nearly all of them — skip counting altogether.
 */
export function beginItem(ctx: DecodeContext, encodedBytes = Infinity): void {
  ctx.attributeBytesLeft =
    encodedBytes * COUNTED_PER_ENCODED_BYTE <= ctx.maxAttributeBytes ? Infinity : ctx.maxAttributeBytes;
}

/** Ends the item: what is read until the next one starts (resources, scopes, metric metadata) is not counted. */
export function endItem(ctx: DecodeContext): void {
  ctx.attributeBytesLeft = Infinity;
}

/**
 * One entry of a record's `repeated KeyValue attributes`. Beyond `maxAttributes` kept keys, or once the
 * item's attribute budget is spent, the entry is skipped unread (so a late duplicate of a kept key is
 * dropped too). Returns 1 for a new key, 0 for a replaced one, -1 when dropped.
 */
export function readAttribute(
  r: WireReader,
  limit: number,
  ctx: DecodeContext,
  map: Attributes,
  kept: number,
): number {
  const end = r.delimited(limit);
  if (kept >= ctx.maxAttributes || ctx.attributeBytesLeft < 0) {
    r.pos = end;
    return -1;
  }
  return readKeyValue(r, end, ctx, map, 0);
}

/** `wire` (a dropped count the sender reported) plus what a limit cut, within a uint32. */
export function droppedPlus(wire: number, cut: number): number {
  return cut === 0 ? wire : Math.min(UINT32_MAX, wire + cut);
}

/** The record's dropped_attributes_count after adding what the limit dropped (and counting it). */
export function droppedTotal(ctx: DecodeContext, wireDropped: number, dropped: number): number {
  if (dropped === 0) return wireDropped;
  ctx.stats.droppedAttributes += dropped;
  return Math.min(UINT32_MAX, wireDropped + dropped);
}

/** Counts the keys a message already holds when a repeated occurrence of it is merged in. */
function keyCount(map: Attributes): number {
  let n = 0;
  for (const _ in map) n++;
  return n;
}

export function emptyResource(): Resource {
  return { attributes: newAttributes(), droppedAttributesCount: 0 };
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: '', attributes: newAttributes(), droppedAttributesCount: 0 };
}

/** Decodes a Resource, merging into `into` when the field occurs twice (protobuf merge semantics). */
export function readResource(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  into: Resource | undefined,
): Resource {
  const resource = into ?? emptyResource();
  const attributes = resource.attributes;
  let kept = into === undefined ? 0 : keyCount(attributes);
  let dropped = 0;
  let seen = 0;
  let wireDropped = resource.droppedAttributesCount;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      if (tag === 10) {
        const got = readAttribute(r, end, ctx, attributes, kept);
        if (got < 0) dropped++;
        else kept += got;
        seen++;
      } else if (tag === 16) {
        wireDropped = r.uint32();
      } else {
        r.skipUnknown(tag, RESOURCE_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, field === 1 ? item('attributes', seen) : field === 2 ? 'droppedAttributesCount' : '');
  }
  resource.droppedAttributesCount = droppedTotal(ctx, wireDropped, dropped);
  return resource;
}

export function readScope(
  r: WireReader,
  end: number,
  ctx: DecodeContext,
  into: InstrumentationScope | undefined,
): InstrumentationScope {
  const scope = into ?? emptyScope();
  const attributes = scope.attributes;
  let kept = into === undefined ? 0 : keyCount(attributes);
  let dropped = 0;
  let seen = 0;
  let wireDropped = scope.droppedAttributesCount;
  let field = 0;
  try {
    while (r.pos < end) {
      const tag = r.uint32();
      field = tag >>> 3;
      switch (tag) {
        case 10:
          scope.name = r.string(end);
          break;
        case 18:
          scope.version = r.string(end);
          break;
        case 26: {
          const got = readAttribute(r, end, ctx, attributes, kept);
          if (got < 0) dropped++;
          else kept += got;
          seen++;
          break;
        }
        case 32:
          wireDropped = r.uint32();
          break;
        default:
          r.skipUnknown(tag, SCOPE_WIRE, end);
      }
    }
    r.checkEnd(end);
  } catch (error) {
    throw within(error, SCOPE_FIELDS[field] ?? (field === 3 ? item('attributes', seen) : ''));
  }
  scope.droppedAttributesCount = droppedTotal(ctx, wireDropped, dropped);
  return scope;
}

const SCOPE_FIELDS: Record<number, string> = { 1: 'name', 2: 'version', 4: 'droppedAttributesCount' };
