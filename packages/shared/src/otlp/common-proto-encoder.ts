/**
 * Encoders for common.proto and resource.proto (field numbers in common-proto-decoder.ts).
 * Model → AnyValue: string → string_value, boolean → bool_value, bigint → int_value, number → double_value,
 * Uint8Array → bytes_value, array → array_value, plain object → kvlist_value, null → empty AnyValue.
 * Default values are omitted as proto3 does, except inside a oneof, where presence is the information.
 */
import type { AnyValue, Attributes, InstrumentationScope, Resource } from '../model/telemetry.ts';
import { WireWriter } from './wire-writer.ts';

export function writeAnyValue(w: WireWriter, value: AnyValue): void {
  switch (typeof value) {
    case 'string':
      w.uint32(10);
      w.string(value);
      return;
    case 'boolean':
      w.uint32(16);
      w.bool(value);
      return;
    case 'bigint':
      w.uint32(24);
      w.varint64(value);
      return;
    case 'number':
      w.uint32(33);
      w.double(value);
      return;
    case 'object':
      break;
    default:
      // undefined (or anything else a JavaScript caller slips in) is written as an empty value.
      return;
  }
  if (value === null) return;
  if (value instanceof Uint8Array) {
    w.uint32(58);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    w.uint32(42);
    const list = w.begin();
    for (const element of value) {
      w.uint32(10);
      const mark = w.begin();
      writeAnyValue(w, element);
      w.end(mark);
    }
    w.end(list);
  } else {
    w.uint32(50);
    const list = w.begin();
    writeKeyValues(w, 10, value);
    w.end(list);
  }
}

/*
 * Attribute keys repeat on every record, so the encoded `1: key` field of each (tag, length, UTF-8) is
 * kept and copied rather than re-encoded. Bounded: a stream of ever-new keys just restarts the cache.
 */
const KEY_CACHE_LIMIT = 4096;
const KEY_MAX_LENGTH = 64;
const encodedKeys = new Map<string, Uint8Array>();

function encodedKey(key: string): Uint8Array {
  let bytes = encodedKeys.get(key);
  if (bytes === undefined) {
    const scratch = new WireWriter(key.length * 3 + 8);
    scratch.uint32(10);
    scratch.string(key);
    bytes = scratch.finish();
    if (encodedKeys.size >= KEY_CACHE_LIMIT) encodedKeys.clear();
    encodedKeys.set(key, bytes);
  }
  return bytes;
}

/** `repeated KeyValue` under field `tag` (already shifted: `field << 3 | 2`). */
export function writeKeyValues(w: WireWriter, tag: number, attributes: Attributes): void {
  // Object.keys beats for-in on null-prototype (dictionary-mode) objects by a third.
  const keys = Object.keys(attributes);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const value = attributes[key]!;
    w.uint32(tag);
    const mark = w.begin();
    if (key.length <= KEY_MAX_LENGTH) {
      if (key !== '') w.raw(encodedKey(key));
    } else {
      w.uint32(10);
      w.string(key);
    }
    // The value is written even when empty, so other decoders see the key as having one.
    w.uint32(18);
    const inner = w.begin();
    writeAnyValue(w, value);
    w.end(inner);
    w.end(mark);
  }
}

/**
 * Writes `tag` + a nested message. Empty sub-messages (resource, scope, status, buckets) are still
 * written, as the OpenTelemetry SDKs do, so decoders that track presence see them as present.
 */
export function writeMessage<T>(
  w: WireWriter,
  tag: number,
  message: T,
  body: (w: WireWriter, message: T) => void,
): void {
  w.uint32(tag);
  const mark = w.begin();
  body(w, message);
  w.end(mark);
}

/** Writes `tag` + a nested message, or nothing at all when it came out empty (a null log body). */
export function writeOptionalMessage<T>(
  w: WireWriter,
  tag: number,
  message: T,
  body: (w: WireWriter, message: T) => void,
): void {
  const start = w.pos;
  w.uint32(tag);
  const mark = w.begin();
  body(w, message);
  if (w.pos === mark + 1) w.pos = start;
  else w.end(mark);
}

export function writeResource(w: WireWriter, resource: Resource): void {
  writeKeyValues(w, 10, resource.attributes);
  if (resource.droppedAttributesCount !== 0) {
    w.uint32(16);
    w.uint32(resource.droppedAttributesCount);
  }
}

export function writeScope(w: WireWriter, scope: InstrumentationScope): void {
  writeString(w, 10, scope.name);
  writeString(w, 18, scope.version);
  writeKeyValues(w, 26, scope.attributes);
  writeUint32(w, 32, scope.droppedAttributesCount);
}

export function writeString(w: WireWriter, tag: number, value: string): void {
  if (value === '') return;
  w.uint32(tag);
  w.string(value);
}

export function writeUint32(w: WireWriter, tag: number, value: number): void {
  if (value === 0) return;
  w.uint32(tag);
  w.uint32(value);
}

export function writeInt32(w: WireWriter, tag: number, value: number): void {
  if (value === 0) return;
  w.uint32(tag);
  w.int32(value);
}

export function writeFixed32(w: WireWriter, tag: number, value: number): void {
  if (value === 0) return;
  w.uint32(tag);
  w.fixed32(value);
}

export function writeFixed64(w: WireWriter, tag: number, value: bigint): void {
  if (value === 0n) return;
  w.uint32(tag);
  w.fixed64(value);
}

/** A non-oneof double: +0 is the default and omitted; -0 is not +0 and is kept. */
export function writeDouble(w: WireWriter, tag: number, value: number): void {
  if (Object.is(value, 0)) return;
  w.uint32(tag);
  w.double(value);
}
