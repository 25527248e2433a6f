/**
 * Text form of attribute values, for stores whose attribute maps hold strings (ClickHouse
 * `Map(LowCardinality(String), String)`) and for display.
 *
 * Top level: a string stays as is, so the common case costs nothing and `attrs['k'] = 'v'` filters
 * stay exact; bigint / number / boolean use `String()`; bytes become base64; an empty value is ''.
 * Arrays and key-value lists become JSON so ClickHouse's JSONExtract* functions can read them back.
 * Inside JSON, integers (bigint) are written as exact number literals — JSON numbers have no
 * precision limit, only JavaScript's parser does — non-finite doubles, which JSON cannot express,
 * become strings ("NaN", "Infinity"), bytes become base64 strings and an empty value is `null`.
 */
import type { AnyValue, Attributes } from './telemetry.ts';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with padding), written out so the package stays platform-free (no Buffer). */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += BASE64[v >> 18]! + BASE64[(v >> 12) & 63]! + BASE64[(v >> 6) & 63]! + BASE64[v & 63]!;
  }
  if (i < n) {
    const a = bytes[i]!;
    const b = i + 1 < n ? bytes[i + 1]! : 0;
    const v = (a << 16) | (b << 8);
    out += BASE64[v >> 18]! + BASE64[(v >> 12) & 63]!;
    out += i + 1 < n ? BASE64[(v >> 6) & 63]! + '=' : '==';
  }
  return out;
}

/** The storage/display text of one attribute value (see the module comment for the rules). */
export function attributeText(value: AnyValue): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      if (value === null) return '';
      if (value instanceof Uint8Array) return bytesToBase64(value);
      return jsonText(value);
  }
}

function jsonText(value: AnyValue): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'bigint':
    case 'boolean':
      return String(value);
    default: {
      if (value === null) return 'null';
      if (value instanceof Uint8Array) return JSON.stringify(bytesToBase64(value));
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          out += jsonText(value[i]!);
        }
        return out + ']';
      }
      const keys = Object.keys(value);
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (i > 0) out += ',';
        out += JSON.stringify(key) + ':' + jsonText(value[key]!);
      }
      return out + '}';
    }
  }
}

/** Every attribute as a `[key, text]` pair, in insertion order. */
export function attributesToText(attributes: Attributes): [string, string][] {
  return Object.keys(attributes).map((key) => [key, attributeText(attributes[key]!)]);
}
