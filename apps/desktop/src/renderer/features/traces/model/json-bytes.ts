/**
 * Reading JSON straight from UTF-8 bytes, for the trace file's hot path (span-bytes.ts): values are
 * validated and skipped without building a string or an object, keys are compared as bytes, numbers read
 * from their digits. A span of a 358 MB file costs a fraction of what `JSON.parse` of its text costs, and
 * nothing is allocated for the attributes, events and logs the waterfall does not need.
 *
 * The reader is strict (what it accepts, `JSON.parse` accepts too) and cautious: anything it does not
 * read itself (an escaped key, deep nesting, a malformed value) answers FAIL, and the caller parses the
 * value with `JSON.parse` instead — which also names a malformed value's problem and position.
 */

/** "Not read here": malformed, or unusual enough to leave to `JSON.parse`. */
export const FAIL = -1;
const MAX_DEPTH = 64;

const Q = 0x22; // "
const BS = 0x5c; // \
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (c: number) => c >= ZERO && c <= NINE;

/** The value of a hex digit, or -1. */
export function hexDigit(c: number): number {
  if (c >= ZERO && c <= NINE) return c - ZERO;
  const l = c | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i] ?? 0;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
  return i;
}

/**
 * Whether the last string skipped was plain: no escape and no byte over 0x7f, so its bytes are its
 * characters. Module state rather than a result object: this runs once per string of the file.
 */
let lastPlain = true;
/** A call, not the variable: the compiler would keep a narrowing of it across the skips that set it. */
const wasPlain = () => lastPlain;

/** Bytes that end a string's plain run: the quote, a backslash, control characters, non-ASCII. */
const STOPS = new Uint8Array(256);
for (let c = 0; c < 256; c++) STOPS[c] = c < 0x20 || c === Q || c === BS || c >= 0x80 ? 1 : 0;

/** Skips the string whose opening quote is at `i`; the index after its closing quote, or FAIL. */
function skipString(b: Uint8Array, i: number, end: number): number {
  let plain = true;
  i++;
  for (;;) {
    while (i < end && STOPS[b[i] ?? 0] === 0) i++;
    if (i >= end) return FAIL;
    const c = b[i] ?? 0;
    if (c === Q) {
      lastPlain = plain;
      return i + 1;
    }
    if (c === BS) {
      plain = false;
      const e = b[i + 1] ?? 0;
      if (e === 0x75) {
        // \uXXXX
        for (let k = 2; k < 6; k++) if (hexDigit(b[i + k] ?? 0) < 0) return FAIL;
        i += 6;
      } else if (
        e === Q ||
        e === BS ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
        i += 2;
      } else return FAIL;
    } else if (c < 0x20) return FAIL;
    else {
      plain = false; // UTF-8: a byte over 0x7f
      i++;
    }
  }
}

/** Skips the number starting at `i` (JSON's grammar, exactly); the index after it, or FAIL. */
function skipNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === MINUS) i++;
  if (i >= end) return FAIL;
  const first = b[i] ?? 0;
  if (first === ZERO) i++;
  else if (first > ZERO && first <= NINE) while (i < end && isDigit(b[i] ?? 0)) i++;
  else return FAIL;
  if (i < end && b[i] === 0x2e) {
    i++;
    if (i >= end || !isDigit(b[i] ?? 0)) return FAIL;
    while (i < end && isDigit(b[i] ?? 0)) i++;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (b[i] === 0x2b || b[i] === MINUS) i++;
    if (i >= end || !isDigit(b[i] ?? 0)) return FAIL;
    while (i < end && isDigit(b[i] ?? 0)) i++;
  }
  return i;
}

function skipWord(b: Uint8Array, i: number, end: number, word: readonly number[]): number {
  if (i + word.length > end) return FAIL;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return FAIL;
  return i + word.length;
}
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** Skips (and validates) the value starting at `i`; the index after it, or FAIL. */
export function skipValue(b: Uint8Array, i: number, end: number, depth = 0): number {
  if (i >= end) return FAIL;
  const c = b[i] ?? 0;
  if (c === Q) return skipString(b, i, end);
  if (c === OPEN_OBJ || c === OPEN_ARR)
    return depth >= MAX_DEPTH ? FAIL : skipContainer(b, i, end, depth + 1);
  if (c === MINUS || isDigit(c)) return skipNumber(b, i, end);
  if (c === 0x74) return skipWord(b, i, end, TRUE);
  if (c === 0x66) return skipWord(b, i, end, FALSE);
  if (c === 0x6e) return skipWord(b, i, end, NULL);
  return FAIL;
}

function skipContainer(b: Uint8Array, i: number, end: number, depth: number): number {
  const isObject = b[i] === OPEN_OBJ;
  const close = isObject ? CLOSE_OBJ : CLOSE_ARR;
  i = skipSpace(b, i + 1, end);
  if (i >= end) return FAIL;
  if (b[i] === close) return i + 1;
  for (;;) {
    if (isObject) {
      if (b[i] !== Q) return FAIL;
      i = skipString(b, i, end);
      if (i < 0) return FAIL;
      i = skipSpace(b, i, end);
      if (i >= end || b[i] !== COLON) return FAIL;
      i = skipSpace(b, i + 1, end);
    }
    const after = skipValue(b, i, end, depth);
    if (after < 0) return FAIL;
    i = skipSpace(b, after, end);
    if (i >= end) return FAIL;
    const c = b[i];
    if (c === close) return i + 1;
    if (c !== COMMA) return FAIL;
    i = skipSpace(b, i + 1, end);
  }
}

/**
 * Reads (and validates) the value starting at `i`; the index after it, or FAIL. A key's reader walks its
 * value itself (a span's tags) instead of skipping it and walking it again.
 */
export type ValueReader = (b: Uint8Array, i: number, end: number) => number;

/**
 * Reads (and validates) the array whose `[` is at `i`, each element by `element`; the index after its `]`,
 * or FAIL.
 */
export function readArray(b: Uint8Array, i: number, end: number, element: ValueReader): number {
  i = skipSpace(b, i + 1, end);
  if (i >= end) return FAIL;
  if (b[i] === CLOSE_ARR) return i + 1;
  for (;;) {
    const after = element(b, i, end);
    if (after < 0) return FAIL;
    i = skipSpace(b, after, end);
    if (i >= end) return FAIL;
    const c = b[i];
    if (c === CLOSE_ARR) return i + 1;
    if (c !== COMMA) return FAIL;
    i = skipSpace(b, i + 1, end);
  }
}

/**
 * Reads one object's members, recording where the values of chosen keys are (the last of a repeated
 * key, as `JSON.parse` keeps it) and skipping the rest. One instance per object shape, reused.
 */
export class ObjectFields {
  private readonly keys: Uint8Array[];
  private readonly readers: readonly (ValueReader | undefined)[];
  /** Per key: where its value starts and ends, FAIL when absent. */
  readonly from: Int32Array;
  readonly to: Int32Array;
  /** Per key: whether its value is a plain string (see `lastPlain`). */
  readonly plain: Uint8Array;

  /** `readers`: per key, what reads its value instead of skipValue (see ValueReader). */
  constructor(keys: readonly string[], readers: readonly (ValueReader | undefined)[] = []) {
    const enc = new TextEncoder();
    this.keys = keys.map((k) => enc.encode(k));
    this.readers = readers;
    this.from = new Int32Array(keys.length);
    this.to = new Int32Array(keys.length);
    this.plain = new Uint8Array(keys.length);
  }

  /** Reads the object whose `{` is at `i`; the index after its `}`, or FAIL (then the fields are void). */
  read(b: Uint8Array, i: number, end: number): number {
    this.from.fill(FAIL);
    if (i >= end || b[i] !== OPEN_OBJ) return FAIL;
    i = skipSpace(b, i + 1, end);
    if (i >= end) return FAIL;
    if (b[i] === CLOSE_OBJ) return i + 1;
    for (;;) {
      if (b[i] !== Q) return FAIL;
      const keyEnd = skipString(b, i, end);
      if (keyEnd < 0 || !wasPlain()) return FAIL; // an escaped key: JSON.parse's business
      const k = this.match(b, i + 1, keyEnd - 1);
      i = skipSpace(b, keyEnd, end);
      if (i >= end || b[i] !== COLON) return FAIL;
      i = skipSpace(b, i + 1, end);
      const reader = k >= 0 ? this.readers[k] : undefined;
      const after = reader === undefined ? skipValue(b, i, end, 1) : reader(b, i, end);
      if (after < 0) return FAIL;
      if (k >= 0) {
        this.from[k] = i;
        this.to[k] = after;
        this.plain[k] = b[i] === Q && wasPlain() ? 1 : 0;
      }
      i = skipSpace(b, after, end);
      if (i >= end) return FAIL;
      const c = b[i];
      if (c === CLOSE_OBJ) return i + 1;
      if (c !== COMMA) return FAIL;
      i = skipSpace(b, i + 1, end);
    }
  }

  private match(b: Uint8Array, from: number, to: number): number {
    const n = to - from;
    for (let k = 0; k < this.keys.length; k++) {
      const key = this.keys[k];
      if (key === undefined || key.length !== n) continue;
      let same = true;
      for (let j = 0; j < n && same; j++) same = b[from + j] === key[j];
      if (same) return k;
    }
    return -1;
  }
}

/** Whether the value at [from, to) is the plain string `text` (ASCII `text`, quotes included in the range). */
export function isText(b: Uint8Array, from: number, to: number, text: string): boolean {
  if (to - from !== text.length + 2 || b[from] !== Q) return false;
  for (let k = 0; k < text.length; k++) if (b[from + 1 + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** The number at [from, to): exact digits for integers up to 2^53, the platform's parse otherwise. */
export function numberAt(b: Uint8Array, from: number, to: number): number {
  const negative = b[from] === MINUS;
  let v = 0;
  let k = negative ? from + 1 : from;
  for (; k < to; k++) {
    const c = b[k] ?? 0;
    if (!isDigit(c)) break;
    v = v * 10 + (c - ZERO);
  }
  if (k === to && v <= Number.MAX_SAFE_INTEGER) return negative ? -v : v;
  let s = '';
  for (k = from; k < to; k++) s += String.fromCharCode(b[k] ?? 0);
  return Number(s);
}

/** Whether the (validated) value starting at `from` is a number. */
export const isNumberAt = (b: Uint8Array, from: number): boolean => {
  const c = b[from] ?? 0;
  return c === MINUS || isDigit(c);
};

/** Whether the value at [from, to) is `true`. */
export const isTrueAt = (b: Uint8Array, from: number, to: number): boolean =>
  to - from === 4 && b[from] === 0x74;
