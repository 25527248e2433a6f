/**
 * Trace and span ids: bytes on the wire, lower-case hex in the model.
 * A 256-entry table of character-code pairs lets an id be built with one String.fromCharCode call,
 * which produces a flat string (concatenating 2-char pieces builds a rope V8 must flatten later).
 */

const DIGITS = '0123456789abcdef';
/** HEX_CODES[2 * byte] and HEX_CODES[2 * byte + 1] are the char codes of the byte's two hex digits. */
const HEX_CODES = new Uint8Array(512);
for (let b = 0; b < 256; b++) {
  HEX_CODES[2 * b] = DIGITS.charCodeAt(b >> 4);
  HEX_CODES[2 * b + 1] = DIGITS.charCodeAt(b & 15);
}

/** Nibble value of a hex char code, -1 when not a hex digit (either case). */
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE[DIGITS.charCodeAt(i)] = i;
  NIBBLE[DIGITS.toUpperCase().charCodeAt(i)] = i;
}

function hi(buf: Uint8Array, i: number): number {
  return HEX_CODES[2 * buf[i]!]!;
}
function lo(buf: Uint8Array, i: number): number {
  return HEX_CODES[2 * buf[i]! + 1]!;
}

/** 8 bytes at `buf[p]` as 16 hex chars. */
export function spanIdHex(buf: Uint8Array, p: number): string {
  return String.fromCharCode(
    hi(buf, p),
    lo(buf, p),
    hi(buf, p + 1),
    lo(buf, p + 1),
    hi(buf, p + 2),
    lo(buf, p + 2),
    hi(buf, p + 3),
    lo(buf, p + 3),
    hi(buf, p + 4),
    lo(buf, p + 4),
    hi(buf, p + 5),
    lo(buf, p + 5),
    hi(buf, p + 6),
    lo(buf, p + 6),
    hi(buf, p + 7),
    lo(buf, p + 7),
  );
}

/** 16 bytes at `buf[p]` as 32 hex chars, built in one call so the result is flat, not a rope of two halves. */
export function traceIdHex(buf: Uint8Array, p: number): string {
  return String.fromCharCode(
    hi(buf, p),
    lo(buf, p),
    hi(buf, p + 1),
    lo(buf, p + 1),
    hi(buf, p + 2),
    lo(buf, p + 2),
    hi(buf, p + 3),
    lo(buf, p + 3),
    hi(buf, p + 4),
    lo(buf, p + 4),
    hi(buf, p + 5),
    lo(buf, p + 5),
    hi(buf, p + 6),
    lo(buf, p + 6),
    hi(buf, p + 7),
    lo(buf, p + 7),
    hi(buf, p + 8),
    lo(buf, p + 8),
    hi(buf, p + 9),
    lo(buf, p + 9),
    hi(buf, p + 10),
    lo(buf, p + 10),
    hi(buf, p + 11),
    lo(buf, p + 11),
    hi(buf, p + 12),
    lo(buf, p + 12),
    hi(buf, p + 13),
    lo(buf, p + 13),
    hi(buf, p + 14),
    lo(buf, p + 14),
    hi(buf, p + 15),
    lo(buf, p + 15),
  );
}

/** Any byte run as hex (used for ids of unusual length in error messages and tests). */
export function bytesToHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(hi(bytes, i), lo(bytes, i));
  return out;
}

/**
 * Writes the bytes of the hex string `hex` at `buf[pos]`; returns false (having written garbage) when
 * `hex` has an odd length or a non-hex character. Upper-case digits are accepted.
 */
export function writeHexBytes(buf: Uint8Array, pos: number, hex: string): boolean {
  const n = hex.length;
  if ((n & 1) !== 0) return false;
  let bad = 0;
  for (let i = 0; i < n; i += 2) {
    const a = hex.charCodeAt(i);
    const b = hex.charCodeAt(i + 1);
    const h = a < 128 ? NIBBLE[a]! : -1;
    const l = b < 128 ? NIBBLE[b]! : -1;
    bad |= h | l;
    buf[pos + (i >> 1)] = (h << 4) | l;
  }
  return bad >= 0;
}

export function isHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || NIBBLE[c]! < 0) return false;
  }
  return true;
}
