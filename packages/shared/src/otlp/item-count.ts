/**
 * Validation and item counting of an OTLP protobuf export request without building any object: what a
 * relay (the proxy) needs before it forwards a body untouched. The walk follows the same schema and makes
 * the same checks as the decoders (trace-proto-decoder.ts, logs-proto-decoder.ts, metrics-proto-decoder.ts
 * and the point decoders) — wire types of known fields, lengths inside their enclosing message, trace and
 * span id sizes, packed-field sizes, value nesting depth — so a body it accepts is one the server's decoder
 * accepts, and the other way round (property-tested in item-count.test.ts). Strings are skipped, not
 * decoded: the decoders never reject a string (invalid UTF-8 becomes U+FFFD).
 *
 * On the rare failure the real decoder runs once more to produce its exact error (the same message and
 * path the server would answer with); the happy path pays only for the walk.
 */
import type { LogsData, MetricsData, SignalType, TracesData } from '../model/telemetry.ts';
import { fail, runDecoder, type DecodeContext } from './decode-failure.ts';
import { readLogsData } from './logs-proto-decoder.ts';
import { readMetricsData } from './metrics-proto-decoder.ts';
import { readTracesData } from './trace-proto-decoder.ts';
import {
  anyValue,
  keyValue,
  MAX_VALUE_DEPTH,
  messageSpecs,
  Step,
  type MessageSpec,
} from './item-count-specs.ts';
import { WireReader } from './wire-reader.ts';

/** Walks the fields of one message ending at `end`; returns the items counted inside it. */
function walk(r: WireReader, end: number, message: MessageSpec, depth: number): number {
  if (message.depthLimited && depth > MAX_VALUE_DEPTH) fail(`values nested deeper than ${MAX_VALUE_DEPTH}`);
  const steps = message.steps;
  let items = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    const step = tag < steps.length ? steps[tag]! : Step.unknown;
    switch (step) {
      case Step.varint:
        r.uint32();
        break;
      case Step.fixed64:
        r.double();
        break;
      case Step.fixed32:
        r.fixed32();
        break;
      case Step.delimited:
        r.pos = r.delimited(end);
        break;
      case Step.traceId:
      case Step.spanId: {
        const idEnd = r.delimited(end);
        const size = idEnd - r.pos;
        const want = step === Step.traceId ? 16 : 8;
        if (size !== 0 && size !== want)
          fail(`${step === Step.traceId ? 'trace' : 'span'} id must be ${want} bytes, got ${size}`);
        r.pos = idEnd;
        break;
      }
      case Step.message:
      case Step.item:
      case Step.deeper: {
        const childEnd = r.delimited(end);
        items += walk(r, childEnd, message.children[tag]!, step === Step.deeper ? depth + 1 : depth);
        r.checkEnd(childEnd);
        if (step === Step.item) items++;
        break;
      }
      case Step.attribute: {
        const attributeEnd = r.delimited(end);
        walkKeyValue(r, attributeEnd, depth);
        r.checkEnd(attributeEnd);
        break;
      }
      case Step.packed8: {
        const packedEnd = r.delimited(end);
        if ((packedEnd - r.pos) % 8 !== 0)
          fail(`packed field of ${packedEnd - r.pos} bytes is not a multiple of 8`);
        r.pos = packedEnd;
        break;
      }
      case Step.packedVarint: {
        const packedEnd = r.delimited(end);
        while (r.pos < packedEnd) r.uint32();
        r.checkEnd(packedEnd);
        break;
      }
      default:
        r.skipUnknown(tag, message.wire, end);
    }
  }
  return items;
}

/** The generic walk of `keyValue`, unrolled: most fields of a request are attributes. */
function walkKeyValue(r: WireReader, end: number, depth: number): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 10) r.pos = r.delimited(end);
    else if (tag === 18) {
      const valueEnd = r.delimited(end);
      walkAnyValue(r, valueEnd, depth);
      r.checkEnd(valueEnd);
    } else r.skipUnknown(tag, keyValue.wire, end);
  }
}

/** The generic walk of `anyValue`, unrolled for the scalar cases. */
function walkAnyValue(r: WireReader, end: number, depth: number): void {
  if (depth > MAX_VALUE_DEPTH) fail(`values nested deeper than ${MAX_VALUE_DEPTH}`);
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case 10:
      case 58:
        r.pos = r.delimited(end);
        break;
      case 16:
      case 24:
        r.uint32();
        break;
      case 33:
        r.double();
        break;
      case 42:
      case 50: {
        const nestedEnd = r.delimited(end);
        walk(r, nestedEnd, anyValue.children[tag]!, depth + 1);
        r.checkEnd(nestedEnd);
        break;
      }
      default:
        r.skipUnknown(tag, anyValue.wire, end);
    }
  }
}

const decoders: Record<SignalType, (r: WireReader, ctx: DecodeContext) => unknown> = {
  traces: readTracesData,
  logs: readLogsData,
  metrics: readMetricsData,
};

/** The walk alone: the item count, or a DecodeFailure. For tests; use countOtlpItems. */
export function walkOtlpItems(signal: SignalType, bytes: Uint8Array): number {
  const r = new WireReader(bytes);
  return walk(r, r.length, messageSpecs[signal], 0);
}

/**
 * Spans, log records or metric data points in an OTLP protobuf export request (`Export*ServiceRequest`,
 * the same bytes as `*Data`). Throws an OtlpDecodeError — the decoder's own — when the body is not one.
 */
export function countOtlpItems(signal: SignalType, bytes: Uint8Array): number {
  try {
    return walkOtlpItems(signal, bytes);
  } catch {
    const decoded = runDecoder(undefined, (ctx) => decoders[signal](new WireReader(bytes), ctx));
    if (!decoded.ok) throw decoded.error;
    // The decoder took what the walk refused: a walk bug (the property tests look for these). The decoder
    // has the last word, so the body is counted from what it decoded.
    return countDecoded(signal, decoded.value);
  }
}

function countDecoded(signal: SignalType, data: unknown): number {
  let n = 0;
  if (signal === 'traces') {
    for (const rs of (data as TracesData).resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  } else if (signal === 'logs') {
    for (const rl of (data as LogsData).resourceLogs)
      for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  } else {
    for (const rm of (data as MetricsData).resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics) n += m.data.type === 'empty' ? 0 : m.data.points.length;
  }
  return n;
}
