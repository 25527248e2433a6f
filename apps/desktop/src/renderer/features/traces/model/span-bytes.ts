/**
 * A span of a trace file read straight from its bytes (json-bytes.ts): only the fields the waterfall
 * needs — ids, name, owner, times, status, kind — with attributes, events, logs and links skipped unread
 * (the details panel reads the span again, from the file, when it is clicked). Each reader gives the same
 * answer `JSON.parse` plus trace-file.ts's slow path would, or answers false and leaves the span to that
 * slow path: escapes in ids, base64 ids, times written as numbers, anything malformed.
 */
import {
  FAIL,
  ObjectFields,
  hexDigit,
  isNumberAt,
  isText,
  isTrueAt,
  numberAt,
  readArray,
  skipValue,
} from './json-bytes.ts';
import type { ByteInterner } from './byte-interner.ts';

/** One span's waterfall fields; one instance, reused from span to span. */
export class SpanBytes {
  /** Where names go: the file's string dictionary. */
  readonly names: ByteInterner;
  /** The trace id's hex digits, [traceFrom, traceTo) of the bytes. */
  traceFrom = 0;
  traceTo = 0;
  idHi = 0;
  idLo = 0;
  parentHi = 0;
  parentLo = 0;
  /** The name's index in the string dictionary. */
  name = 0;
  /** Jaeger: the processID's digits, [processFrom, processTo) ; processFrom is FAIL when absent. */
  processFrom = FAIL;
  processTo = 0;
  /** Jaeger: microseconds. */
  startUs = 0;
  durationUs = 0;
  /** OTLP: start and end, whole seconds and the nanoseconds after them. */
  startSec = 0;
  startNano = 0;
  endSec = 0;
  endNano = 0;
  status = 0;
  kind = 0;

  constructor(names: ByteInterner) {
    this.names = names;
  }
}

// The words of the last id read (readHexId): a typed array, as a module variable holding a uint32 over
// 2^30 would box a new number at every digit.
const words = new Uint32Array(2);

/**
 * The plain hex string at [from, to) (quotes included) as two words: its last 16 digits, as writeHexId
 * takes them. False for anything else (empty, an escape, base64).
 */
function readHexId(b: Uint8Array, from: number, to: number, plain: number): boolean {
  if (plain === 0 || to - from < 3) return false;
  let hi = 0;
  let lo = 0;
  const last = to - 2;
  for (let k = from + 1; k <= last; k++) {
    const v = hexDigit(b[k] ?? 0);
    if (v < 0) return false;
    const p = last - k;
    if (p < 8) lo = ((lo << 4) | v) >>> 0;
    else if (p < 16) hi = ((hi << 4) | v) >>> 0;
  }
  words[0] = hi;
  words[1] = lo;
  return true;
}

/** A trace id: plain hex, not empty (the slow path decodes base64 and names a bad one). */
function readTraceId(b: Uint8Array, f: ObjectFields, key: number, out: SpanBytes): boolean {
  const from = f.from[key] ?? FAIL;
  const to = f.to[key] ?? 0;
  if (from < 0 || f.plain[key] === 0 || to - from < 3) return false;
  for (let k = from + 1; k < to - 1; k++) if (hexDigit(b[k] ?? 0) < 0) return false;
  out.traceFrom = from + 1;
  out.traceTo = to - 1;
  return true;
}

const EMPTY = new Uint8Array([0x22, 0x22]);

/** A text field: a string (decoded), '' when absent; anything else is the slow path's (false). */
function readName(b: Uint8Array, f: ObjectFields, key: number, out: SpanBytes): boolean {
  const from = f.from[key] ?? FAIL;
  if (from < 0) {
    out.name = out.names.indexOf(EMPTY, 0, 2, true);
    return true;
  }
  if (b[from] !== 0x22) return false;
  out.name = out.names.indexOf(b, from, f.to[key] ?? 0, f.plain[key] === 1);
  return true;
}

const J = {
  traceID: 0,
  spanID: 1,
  operationName: 2,
  references: 3,
  parentSpanID: 4,
  startTime: 5,
  duration: 6,
  tags: 7,
  processID: 8,
} as const;
const jaegerRef = new ObjectFields(['refType', 'spanID']);
const jaegerTag = new ObjectFields(['key', 'value']);

/** The tags jaegerStatus / jaegerKind look at, first occurrence of each. */
const TAG_ERROR = 0;
const TAG_KIND = 1;
const TAG_OTEL_STATUS = 2;
const TAG_KEYS = ['error', 'span.kind', 'otel.status_code'];
const JAEGER_KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];

/**
 * The Jaeger span object starting at `from` (and ending by `to`) into `out`: the index after it, or FAIL
 * to leave it to the slow path.
 */
export function readJaegerSpan(b: Uint8Array, from: number, to: number, out: SpanBytes): number {
  // A span without references or tags must not see the last span's.
  ref.found = false;
  ref.from = FAIL;
  tagAt.fill(FAIL);
  const end = jaegerSpan.read(b, from, to);
  return end >= 0 && jaegerFields(b, out) ? end : FAIL;
}

function jaegerFields(b: Uint8Array, out: SpanBytes): boolean {
  const f = jaegerSpan;
  const st = f.from[J.startTime] ?? FAIL;
  const du = f.from[J.duration] ?? FAIL;
  if (st < 0 || du < 0 || !isNumberAt(b, st) || !isNumberAt(b, du)) return false;
  out.startUs = numberAt(b, st, f.to[J.startTime] ?? 0);
  out.durationUs = numberAt(b, du, f.to[J.duration] ?? 0);
  if (!readTraceId(b, f, J.traceID, out)) return false;
  if (!readHexId(b, f.from[J.spanID] ?? FAIL, f.to[J.spanID] ?? 0, f.plain[J.spanID] ?? 0)) return false;
  out.idHi = words[0] ?? 0;
  out.idLo = words[1] ?? 0;
  if (!readName(b, f, J.operationName, out)) return false;
  const pf = f.from[J.processID] ?? FAIL;
  if (pf >= 0 && f.plain[J.processID] === 0) return false; // not a string, or one to decode
  out.processFrom = pf < 0 ? FAIL : pf + 1;
  out.processTo = (f.to[J.processID] ?? 0) - 1;
  jaegerTags(b, out);
  return jaegerParent(
    b,
    f.from[J.parentSpanID] ?? FAIL,
    f.to[J.parentSpanID] ?? 0,
    f.plain[J.parentSpanID] ?? 0,
    out,
  );
}

// What the span's references say (readReferences), for jaegerParent.
const ref = { found: false, childOf: false, from: FAIL, to: 0, plain: 0 };

/** One element of `references`: jaegerParent's rule, the first CHILD_OF, else the first reference. */
function referenceElement(b: Uint8Array, at: number, end: number): number {
  if (b[at] !== 0x7b) return skipValue(b, at, end, 2); // not an object: skipped, as the filter does
  const after = jaegerRef.read(b, at, end);
  if (after < 0 || ref.childOf) return after;
  const r = jaegerRef;
  const rt = r.from[0] ?? FAIL;
  if (rt >= 0 && b[rt] === 0x22 && r.plain[0] === 0) return FAIL; // an escaped refType
  const isChildOf = rt >= 0 && isText(b, rt, r.to[0] ?? 0, 'CHILD_OF');
  if (!ref.found || isChildOf) {
    ref.found = true;
    ref.childOf = isChildOf;
    ref.from = r.from[1] ?? FAIL;
    ref.to = r.to[1] ?? 0;
    ref.plain = r.plain[1] ?? 0;
  }
  return after;
}

/** A span's `references`, read as the span is (not skipped, then walked again). */
function readReferences(b: Uint8Array, i: number, end: number): number {
  ref.found = false;
  ref.childOf = false;
  ref.from = FAIL;
  return b[i] === 0x5b ? readArray(b, i, end, referenceElement) : skipValue(b, i, end, 1);
}

/** The parent: the chosen reference's span id, else parentSpanID. */
function jaegerParent(
  b: Uint8Array,
  parentFrom: number,
  parentTo: number,
  parentPlain: number,
  out: SpanBytes,
): boolean {
  const found = ref.found;
  let chosenFrom = ref.from;
  let chosenTo = ref.to;
  let chosenPlain = ref.plain;
  if (found) {
    if (chosenFrom < 0) {
      out.parentHi = 0; // a reference without a span id: text(undefined) is '', a root
      out.parentLo = 0;
      return true;
    }
  } else if (parentFrom >= 0 && b[parentFrom] === 0x22) {
    chosenFrom = parentFrom;
    chosenTo = parentTo;
    chosenPlain = parentPlain;
  } else {
    out.parentHi = 0;
    out.parentLo = 0;
    return true;
  }
  if (chosenTo - chosenFrom === 2 && b[chosenFrom] === 0x22) {
    out.parentHi = 0; // ""
    out.parentLo = 0;
    return true;
  }
  if (!readHexId(b, chosenFrom, chosenTo, chosenPlain)) return false;
  out.parentHi = words[0] ?? 0;
  out.parentLo = words[1] ?? 0;
  return true;
}

// Per tag of TAG_KEYS: where its value is (FAIL: no such tag yet; -2: its value is not text), where it ends.
const tagAt = new Int32Array(TAG_KEYS.length);
const tagEnd = new Int32Array(TAG_KEYS.length);

/** Whether the first tag `k` has the text `text` (`true` written as a boolean counts as 'true'). */
function tagIs(b: Uint8Array, k: number, text: string): boolean {
  const f = tagAt[k] ?? FAIL;
  if (f < 0) return false;
  const e = tagEnd[k] ?? 0;
  return isText(b, f, e, text) || (text === 'true' && isTrueAt(b, f, e));
}

/** One element of `tags`: the first `error`, `span.kind` and `otel.status_code` tags' values. */
function tagElement(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== 0x7b) return skipValue(b, i, end, 2); // not an object: skipped, as jaegerAttrs does
  const after = jaegerTag.read(b, i, end);
  const t = jaegerTag;
  const kf = t.from[0] ?? FAIL;
  // text(key) of a non-string never names these tags.
  if (after < 0 || kf < 0 || b[kf] !== 0x22) return after;
  if (t.plain[0] === 0) return FAIL;
  for (let k = 0; k < TAG_KEYS.length; k++) {
    if (tagAt[k] !== FAIL || !isText(b, kf, t.to[0] ?? 0, TAG_KEYS[k] ?? '')) continue;
    const vf = t.from[1] ?? FAIL;
    const vt = t.to[1] ?? 0;
    if (vf >= 0 && b[vf] === 0x22 && t.plain[1] === 0) return FAIL; // escaped text
    tagAt[k] = vf >= 0 && (b[vf] === 0x22 || isTrueAt(b, vf, vt)) ? vf : -2;
    tagEnd[k] = vt;
  }
  return after;
}

/** A span's `tags`, read as the span is. */
function readTags(b: Uint8Array, i: number, end: number): number {
  tagAt.fill(FAIL);
  return b[i] === 0x5b ? readArray(b, i, end, tagElement) : skipValue(b, i, end, 1);
}

/** jaegerStatus and jaegerKind from the tags read. */
function jaegerTags(b: Uint8Array, out: SpanBytes): void {
  const failed = tagIs(b, TAG_ERROR, 'true') || tagIs(b, TAG_OTEL_STATUS, 'ERROR');
  out.status = failed ? 2 : tagIs(b, TAG_OTEL_STATUS, 'OK') ? 1 : 0;
  out.kind = 0;
  for (let k = 0; k < JAEGER_KINDS.length; k++)
    if (tagIs(b, TAG_KIND, JAEGER_KINDS[k] ?? '')) out.kind = k + 1;
}

const jaegerSpan = new ObjectFields(
  Object.keys(J),
  Object.keys(J).map((k) => (k === 'references' ? readReferences : k === 'tags' ? readTags : undefined)),
);

const O = {
  traceId: 0,
  spanId: 1,
  parentSpanId: 2,
  name: 3,
  kind: 4,
  startTimeUnixNano: 5,
  endTimeUnixNano: 6,
  status: 7,
} as const;
const otlpSpan = new ObjectFields(Object.keys(O));
const otlpStatus = new ObjectFields(['code']);
const OTLP_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];

// The seconds and nanoseconds of the last time read (readNanos): see `words`.
const time = new Float64Array(2);

/** A time in nanoseconds written as a plain string of digits (as OTLP JSON writes it), split in two. */
function readNanos(b: Uint8Array, from: number, to: number, plain: number): boolean {
  const digits = to - from - 2;
  if (plain === 0 || digits < 1 || digits > 24) return false;
  let sec = 0;
  let nano = 0;
  const split = to - 1 - 9;
  for (let k = from + 1; k < to - 1; k++) {
    const c = (b[k] ?? 0) - 0x30;
    if (c < 0 || c > 9) return false;
    if (k < split) sec = sec * 10 + c;
    else nano = nano * 10 + c;
  }
  time[0] = sec;
  time[1] = nano;
  return sec <= Number.MAX_SAFE_INTEGER;
}

/**
 * The OTLP JSON span object starting at `from` (and ending by `to`) into `out`: the index after it, or
 * FAIL to leave it to the slow path.
 */
export function readOtlpSpan(b: Uint8Array, from: number, to: number, out: SpanBytes): number {
  const end = otlpSpan.read(b, from, to);
  return end >= 0 && otlpFields(b, out) ? end : FAIL;
}

function otlpFields(b: Uint8Array, out: SpanBytes): boolean {
  const f = otlpSpan;
  if (
    !readNanos(
      b,
      f.from[O.startTimeUnixNano] ?? FAIL,
      f.to[O.startTimeUnixNano] ?? 0,
      f.plain[O.startTimeUnixNano] ?? 0,
    )
  )
    return false;
  out.startSec = time[0] ?? 0;
  out.startNano = time[1] ?? 0;
  if (
    !readNanos(
      b,
      f.from[O.endTimeUnixNano] ?? FAIL,
      f.to[O.endTimeUnixNano] ?? 0,
      f.plain[O.endTimeUnixNano] ?? 0,
    )
  )
    return false;
  out.endSec = time[0] ?? 0;
  out.endNano = time[1] ?? 0;
  if (!readTraceId(b, f, O.traceId, out)) return false;
  if (!readHexId(b, f.from[O.spanId] ?? FAIL, f.to[O.spanId] ?? 0, f.plain[O.spanId] ?? 0)) return false;
  out.idHi = words[0] ?? 0;
  out.idLo = words[1] ?? 0;
  const pf = f.from[O.parentSpanId] ?? FAIL;
  const pt = f.to[O.parentSpanId] ?? 0;
  if (pf < 0 || (pt - pf === 2 && b[pf] === 0x22)) {
    out.parentHi = 0;
    out.parentLo = 0;
  } else if (readHexId(b, pf, pt, f.plain[O.parentSpanId] ?? 0)) {
    out.parentHi = words[0] ?? 0;
    out.parentLo = words[1] ?? 0;
  } else return false;
  if (!readName(b, f, O.name, out)) return false;
  const kf = f.from[O.kind] ?? FAIL;
  const kt = f.to[O.kind] ?? 0;
  out.kind = 0;
  if (kf >= 0 && isNumberAt(b, kf)) out.kind = numberAt(b, kf, kt);
  else if (kf >= 0 && b[kf] === 0x22) {
    if (f.plain[O.kind] === 0) return false;
    for (let k = 0; k < OTLP_KINDS.length; k++) if (isText(b, kf, kt, OTLP_KINDS[k] ?? '')) out.kind = k;
  }
  out.status = 0;
  const sf = f.from[O.status] ?? FAIL;
  if (sf >= 0 && b[sf] === 0x7b) {
    const st = otlpStatus;
    st.read(b, sf, f.to[O.status] ?? 0);
    const cf = st.from[0] ?? FAIL;
    const ct = st.to[0] ?? 0;
    if (cf >= 0 && isNumberAt(b, cf)) out.status = numberAt(b, cf, ct);
    else if (cf >= 0 && b[cf] === 0x22) {
      if (st.plain[0] === 0) return false;
      out.status = isText(b, cf, ct, 'STATUS_CODE_ERROR') ? 2 : isText(b, cf, ct, 'STATUS_CODE_OK') ? 1 : 0;
    }
  }
  return true;
}
