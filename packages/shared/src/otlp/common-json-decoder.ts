/** OTLP/JSON decoders for common.proto and resource.proto: AnyValue, KeyValue lists, Resource, InstrumentationScope. */
import type { AnyValue, Attributes, InstrumentationScope, Resource } from '../model/telemetry.ts';
import {
  beginItem,
  chargeAttribute,
  cutText,
  droppedTotal,
  endItem,
  newAttributes,
} from './common-proto-decoder.ts';
import { fail, within } from './decode-failure.ts';
import type { DecodeContext } from './decode-failure.ts';
import {
  asBool,
  asBytes,
  asDouble,
  asInt64,
  asObject,
  asString,
  listLength,
  objectField,
  scalarListField,
  stringField,
  uint32Field,
} from './json-fields.ts';
import type { JsonObject } from './json-fields.ts';

const MAX_VALUE_DEPTH = 64;

/** The AnyValue oneof: the first non-null variant present wins; no variant is the empty value (null). */
export function readAnyValueJson(value: unknown, ctx: DecodeContext, depth: number): AnyValue {
  if (depth > MAX_VALUE_DEPTH) fail(`values nested deeper than ${MAX_VALUE_DEPTH}`);
  const o = asObject(value);
  for (const key in o) {
    const v = o[key];
    if (v === null || v === undefined) continue;
    try {
      switch (key) {
        case 'stringValue':
        case 'string_value':
          return cutText(asString(v), ctx.maxValueLength, ctx);
        case 'boolValue':
        case 'bool_value':
          return asBool(v);
        case 'intValue':
        case 'int_value':
          return asInt64(v);
        case 'doubleValue':
        case 'double_value':
          return asDouble(v);
        case 'bytesValue':
        case 'bytes_value': {
          const bytes = asBytes(v);
          if (bytes.length <= ctx.maxValueLength) return bytes;
          ctx.stats.truncatedValues++;
          return bytes.slice(0, ctx.maxValueLength);
        }
        case 'arrayValue':
        case 'array_value': {
          const array = asObject(v);
          const values = scalarListField(
            array,
            'values',
            'values',
            (element) => readAnyValueJson(element, ctx, depth + 1),
            ctx.maxValueEntries,
          );
          countCutEntries(array, values.length, ctx);
          return values;
        }
        case 'kvlistValue':
        case 'kvlist_value': {
          const list = asObject(v);
          const map = newAttributes();
          const read = scalarListField(
            list,
            'values',
            'values',
            (element) => readKeyValueJson(asObject(element), ctx, map, depth + 1),
            ctx.maxValueEntries,
          );
          countCutEntries(list, read.length, ctx);
          return map;
        }
        default:
          // Unknown fields are ignored, per the protobuf JSON mapping.
          continue;
      }
    } catch (error) {
      throw within(error, camelCase(key));
    }
  }
  return null;
}

/** Entries of an array / kvlist value beyond `maxValueEntries`, which scalarListField did not read. */
function countCutEntries(list: JsonObject, read: number, ctx: DecodeContext): void {
  if (read === ctx.maxValueEntries)
    ctx.stats.droppedValueEntries += listLength(list, 'values', 'values') - read;
}

function camelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * One KeyValue into `map` (last duplicate wins); returns 1 when the key is new, else 0, and -1 when a
 * record's own attribute (depth 0) does not fit the item's attribute budget (see readKeyValue).
 */
function readKeyValueJson(o: JsonObject, ctx: DecodeContext, map: Attributes, depth: number): number {
  const key = cutText(stringField(o, 'key', 'key'), ctx.maxValueLength, ctx);
  const raw = o.value;
  let value: AnyValue = null;
  if (raw !== undefined && raw !== null) {
    try {
      value = readAnyValueJson(raw, ctx, depth);
    } catch (error) {
      throw within(error, 'value');
    }
  }
  if (depth === 0 && ctx.attributeBytesLeft !== Infinity && !chargeAttribute(ctx, key, value)) return -1;
  const added = map[key] === undefined ? 1 : 0;
  map[key] = value;
  return added;
}

/** A record's attribute list with the `maxAttributes` limit; returns the map and how many entries were dropped. */
function readAttributesJson(
  o: JsonObject,
  camel: string,
  snake: string,
  ctx: DecodeContext,
): { map: Attributes; dropped: number } {
  const map = newAttributes();
  let kept = 0;
  let dropped = 0;
  scalarListField(o, camel, snake, (element) => {
    if (kept >= ctx.maxAttributes || ctx.attributeBytesLeft < 0) {
      dropped++;
      return;
    }
    const got = readKeyValueJson(asObject(element), ctx, map, 0);
    if (got < 0) dropped++;
    else kept += got;
  });
  return { map, dropped };
}

/** Attributes of a record that has a dropped_attributes_count: returns both, the limit's drops added. */
export function recordAttributesJson(
  o: JsonObject,
  camel: string,
  snake: string,
  ctx: DecodeContext,
): [Attributes, number] {
  const { map, dropped } = readAttributesJson(o, camel, snake, ctx);
  return [
    map,
    droppedTotal(ctx, uint32Field(o, 'droppedAttributesCount', 'dropped_attributes_count'), dropped),
  ];
}

/** Attributes of a message without a dropped count (points, exemplars, metric metadata): drops show in the stats only. */
export function plainAttributesJson(
  o: JsonObject,
  camel: string,
  snake: string,
  ctx: DecodeContext,
): Attributes {
  const { map, dropped } = readAttributesJson(o, camel, snake, ctx);
  droppedTotal(ctx, 0, dropped);
  return map;
}

export function readResourceJson(o: JsonObject | undefined, ctx: DecodeContext): Resource {
  if (o === undefined) return { attributes: newAttributes(), droppedAttributesCount: 0 };
  const [attributes, droppedAttributesCount] = recordAttributesJson(o, 'attributes', 'attributes', ctx);
  return { attributes, droppedAttributesCount };
}

export function readScopeJson(o: JsonObject | undefined, ctx: DecodeContext): InstrumentationScope {
  if (o === undefined)
    return { name: '', version: '', attributes: newAttributes(), droppedAttributesCount: 0 };
  const [attributes, droppedAttributesCount] = recordAttributesJson(o, 'attributes', 'attributes', ctx);
  return {
    name: stringField(o, 'name', 'name'),
    version: stringField(o, 'version', 'version'),
    attributes,
    droppedAttributesCount,
  };
}

/** Decodes a message-typed field with `read`, pathing failures under the field's name. */
export function messageField<T>(
  o: JsonObject,
  camel: string,
  snake: string,
  read: (message: JsonObject | undefined) => T,
): T {
  const message = objectField(o, camel, snake);
  try {
    return read(message);
  } catch (error) {
    throw within(error, camel);
  }
}

/** Reads one item (span, log record, data point): its attributes share one budget (`maxAttributeBytes`). */
export function readItemJson<T>(
  o: JsonObject,
  ctx: DecodeContext,
  read: (o: JsonObject, ctx: DecodeContext) => T,
): T {
  beginItem(ctx);
  const value = read(o, ctx);
  endItem(ctx);
  return value;
}
