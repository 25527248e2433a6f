/**
 * UTF-8 text for the codec. packages/shared compiles without DOM or Node typings, so the two
 * WHATWG globals it needs (present in every browser and in Node) are typed locally here instead of
 * through a global declaration that would clash with @types/node in the apps.
 */

interface Utf8Decoder {
  decode(input: Uint8Array): string;
}
interface Utf8Encoder {
  encode(input: string): Uint8Array;
  encodeInto(input: string, destination: Uint8Array): { read: number; written: number };
}
interface TextCodecGlobals {
  TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => Utf8Decoder;
  TextEncoder: new () => Utf8Encoder;
}

const textGlobals = globalThis as unknown as TextCodecGlobals;

/** Non-fatal (invalid sequences become U+FFFD) and BOM-preserving: a protobuf string starting with U+FEFF keeps it. */
const fieldDecoder = new textGlobals.TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
/** For whole JSON bodies a leading BOM is transport noise, so this one strips it. */
const bodyDecoder = new textGlobals.TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
export const utf8Encoder: Utf8Encoder = new textGlobals.TextEncoder();

export function decodeUtf8Body(bytes: Uint8Array): string {
  return bodyDecoder.decode(bytes);
}

/*
 * Short strings dominate OTLP (attribute keys, methods, routes, service names) and repeat across
 * records: in the standard workload 94% of the strings of a request occur earlier in it. A cache of
 * ASCII strings avoids rebuilding them and, since the same string instance comes back, V8 does not
 * re-internalize attribute keys on every property insertion.
 *
 * Each slot keeps the string and its bytes, so a hit is confirmed by comparing bytes four at a time.
 * The cache is two-way set-associative (a string may sit in slot s or s^1; a newcomer takes s and moves
 * the occupant to s^1), so two hot strings sharing a slot do not evict each other on every request.
 * The slot comes from the length, the first byte and the last 8 bytes, where OTLP strings differ
 * (ids, numbers, suffixes); hashing every byte would read them twice.
 */
const CACHE_MAX_BYTES = 40;
const CACHE_SLOTS = 8192;
const cacheStrings: (string | undefined)[] = new Array<string | undefined>(CACHE_SLOTS).fill(undefined);
const cacheLengths = new Uint8Array(CACHE_SLOTS);
const cacheBytes = new Uint8Array(CACHE_SLOTS * CACHE_MAX_BYTES);
const cacheView = new DataView(cacheBytes.buffer);
const charCodes: number[] = [];

function cached(slot: number, buf: Uint8Array, view: DataView, start: number, length: number): boolean {
  if (cacheLengths[slot] !== length) return false;
  const base = slot * CACHE_MAX_BYTES;
  let i = 0;
  for (; i + 4 <= length; i += 4)
    if (cacheView.getUint32(base + i) !== view.getUint32(start + i)) return false;
  for (; i < length; i++) if (cacheBytes[base + i] !== buf[start + i]) return false;
  return true;
}

function store(slot: number, text: string, buf: Uint8Array, start: number, length: number): void {
  const base = slot * CACHE_MAX_BYTES;
  cacheBytes.copyWithin((slot ^ 1) * CACHE_MAX_BYTES, base, base + CACHE_MAX_BYTES);
  cacheLengths[slot ^ 1] = cacheLengths[slot]!;
  cacheStrings[slot ^ 1] = cacheStrings[slot];
  for (let i = 0; i < length; i++) cacheBytes[base + i] = buf[start + i]!;
  cacheLengths[slot] = length;
  cacheStrings[slot] = text;
}

/** Decodes `buf[start, end)` as UTF-8; `view` is a DataView of exactly `buf`. */
export function readUtf8(buf: Uint8Array, view: DataView, start: number, end: number): string {
  const length = end - start;
  if (length === 0) return '';
  if (length > CACHE_MAX_BYTES) return fieldDecoder.decode(buf.subarray(start, end));
  let hash = Math.imul(length ^ (buf[start]! << 8), 0x9e3779b1);
  if (length >= 8) {
    hash = Math.imul(hash ^ view.getUint32(end - 8, true), 0x85ebca6b) ^ view.getUint32(end - 4, true);
  } else {
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
  }
  hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
  const slot = (hash ^ (hash >>> 13)) & (CACHE_SLOTS - 1);
  // Only ASCII strings are cached, so equal bytes also prove these bytes are ASCII.
  if (cached(slot, buf, view, start, length)) return cacheStrings[slot]!;
  if (cached(slot ^ 1, buf, view, start, length)) return cacheStrings[slot ^ 1]!;
  charCodes.length = length;
  for (let i = 0; i < length; i++) {
    const c = buf[start + i]!;
    if (c > 0x7f) return fieldDecoder.decode(buf.subarray(start, end));
    charCodes[i] = c;
  }
  const text = String.fromCharCode.apply(null, charCodes);
  store(slot, text, buf, start, length);
  return text;
}

/** Upper bound of the UTF-8 size of `text` (3 bytes per UTF-16 unit covers surrogate pairs too). */
export function maxUtf8Length(text: string): number {
  return text.length * 3;
}

/**
 * Writes `text` as UTF-8 at `buf[pos]` (the caller guarantees `maxUtf8Length(text)` bytes of room)
 * and returns the new position. Short strings are encoded inline: the call into TextEncoder costs more
 * than the loop. Lone surrogates become U+FFFD, as TextEncoder does.
 */
export function writeUtf8(buf: Uint8Array, pos: number, text: string): number {
  const n = text.length;
  if (n > 48) return pos + utf8Encoder.encodeInto(text, buf.subarray(pos)).written;
  for (let i = 0; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
    } else if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          buf[pos++] = 0xf0 | (c >> 18);
          buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
          buf[pos++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      buf[pos++] = 0xe0 | (c >> 12);
      buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
      buf[pos++] = 0x80 | (c & 0x3f);
    }
  }
  return pos;
}
