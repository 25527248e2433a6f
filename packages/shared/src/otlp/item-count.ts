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
import { WireReader, WireType, wireTable } from './wire-reader.ts';

const { Varint, Fixed64, Delimited, Fixed32 } = WireType;

/** What the walk does with a known tag. */
const Step = {
  unknown: 0,
  varint: 1,
  fixed64: 2,
  fixed32: 3,
  /** Strings and bytes: skipped after their length is checked. */
  delimited: 4,
  traceId: 5,
  spanId: 6,
  /** A nested message at the same value depth. */
  message: 7,
  /** A nested message that is one of the counted items (span, log record, data point). */
  item: 8,
  /** An array or kvlist value: one level deeper. */
  deeper: 9,
  /** Packed fixed64 / double: a multiple of 8 bytes. */
  packed8: 10,
  /** Packed varints (exponential histogram buckets). */
  packedVarint: 11,
  /** A record's KeyValue attribute (walked by hand: attributes are most of the bytes). */
  attribute: 12,
} as const;
type StepCode = (typeof Step)[keyof typeof Step];

interface MessageSpec {
  /** Expected wire type per field number, for telling a wrong wire type from an unknown field. */
  readonly wire: Int8Array;
  /** Step per tag (field number << 3 | wire type). */
  readonly steps: Uint8Array;
  /** Child message per tag, for the message steps. */
  readonly children: (MessageSpec | undefined)[];
  /** AnyValue: fails beyond the decoders' nesting limit. */
  readonly depthLimited: boolean;
}

/** Arrays and kvlists may nest; the decoders fail beyond this depth (common-proto-decoder.ts). */
const MAX_VALUE_DEPTH = 64;

interface SpecInit {
  wire: Record<number, number>;
  /** tag → step, or [step, child] for message steps (a thunk: specs refer to each other). */
  tags: Record<number, StepCode | readonly [StepCode, () => MessageSpec]>;
  depthLimited?: boolean;
}

const pendingChildren: (() => void)[] = [];

function spec(init: SpecInit): MessageSpec {
  const maxTag = Math.max(0, ...Object.keys(init.tags).map(Number));
  const steps = new Uint8Array(maxTag + 1);
  const children: (MessageSpec | undefined)[] = new Array<MessageSpec | undefined>(maxTag + 1).fill(
    undefined,
  );
  const made: MessageSpec = {
    wire: wireTable(init.wire),
    steps,
    children,
    depthLimited: init.depthLimited ?? false,
  };
  for (const [tag, what] of Object.entries(init.tags)) {
    if (typeof what === 'number') steps[Number(tag)] = what;
    else {
      steps[Number(tag)] = what[0];
      pendingChildren.push(() => (children[Number(tag)] = what[1]()));
    }
  }
  return made;
}

const child = (step: StepCode, of: () => MessageSpec) => [step, of] as const;

// --- common.proto / resource.proto ---
const anyValue: MessageSpec = spec({
  wire: { 1: Delimited, 2: Varint, 3: Varint, 4: Fixed64, 5: Delimited, 6: Delimited, 7: Delimited },
  tags: {
    10: Step.delimited,
    16: Step.varint,
    24: Step.varint,
    33: Step.fixed64,
    42: child(Step.deeper, () => arrayValue),
    50: child(Step.deeper, () => keyValueList),
    58: Step.delimited,
  },
  depthLimited: true,
});
const arrayValue = spec({ wire: { 1: Delimited }, tags: { 10: child(Step.message, () => anyValue) } });
const keyValue = spec({
  wire: { 1: Delimited, 2: Delimited },
  tags: { 10: Step.delimited, 18: child(Step.message, () => anyValue) },
});
const keyValueList = spec({ wire: { 1: Delimited }, tags: { 10: child(Step.message, () => keyValue) } });
const attribute = Step.attribute;
const resource = spec({ wire: { 1: Delimited, 2: Varint }, tags: { 10: attribute, 16: Step.varint } });
const scope = spec({
  wire: { 1: Delimited, 2: Delimited, 3: Delimited, 4: Varint },
  tags: { 10: Step.delimited, 18: Step.delimited, 26: attribute, 32: Step.varint },
});

/** ResourceX / ScopeX: 1 resource or scope, 2 repeated children, 3 schema_url. */
function container(first: MessageSpec, second: () => MessageSpec, counted: boolean): MessageSpec {
  return spec({
    wire: { 1: Delimited, 2: Delimited, 3: Delimited },
    tags: {
      10: child(Step.message, () => first),
      18: child(counted ? Step.item : Step.message, second),
      26: Step.delimited,
    },
  });
}

function top(resourceX: MessageSpec): MessageSpec {
  return spec({ wire: { 1: Delimited }, tags: { 10: child(Step.message, () => resourceX) } });
}

// --- trace.proto ---
const spanEvent = spec({
  wire: { 1: Fixed64, 2: Delimited, 3: Delimited, 4: Varint },
  tags: { 9: Step.fixed64, 18: Step.delimited, 26: attribute, 32: Step.varint },
});
const spanLink = spec({
  wire: { 1: Delimited, 2: Delimited, 3: Delimited, 4: Delimited, 5: Varint, 6: Fixed32 },
  tags: {
    10: Step.traceId,
    18: Step.spanId,
    26: Step.delimited,
    34: attribute,
    40: Step.varint,
    53: Step.fixed32,
  },
});
const spanStatus = spec({ wire: { 2: Delimited, 3: Varint }, tags: { 18: Step.delimited, 24: Step.varint } });
const span = spec({
  wire: {
    1: Delimited,
    2: Delimited,
    3: Delimited,
    4: Delimited,
    5: Delimited,
    6: Varint,
    7: Fixed64,
    8: Fixed64,
    9: Delimited,
    10: Varint,
    11: Delimited,
    12: Varint,
    13: Delimited,
    14: Varint,
    15: Delimited,
    16: Fixed32,
  },
  tags: {
    10: Step.traceId,
    18: Step.spanId,
    26: Step.delimited,
    34: Step.spanId,
    42: Step.delimited,
    48: Step.varint,
    57: Step.fixed64,
    65: Step.fixed64,
    74: attribute,
    80: Step.varint,
    90: child(Step.message, () => spanEvent),
    96: Step.varint,
    106: child(Step.message, () => spanLink),
    112: Step.varint,
    122: child(Step.message, () => spanStatus),
    133: Step.fixed32,
  },
});
const tracesData = top(container(resource, () => container(scope, () => span, true), false));

// --- logs.proto ---
const logRecord = spec({
  wire: {
    1: Fixed64,
    2: Varint,
    3: Delimited,
    5: Delimited,
    6: Delimited,
    7: Varint,
    8: Fixed32,
    9: Delimited,
    10: Delimited,
    11: Fixed64,
    12: Delimited,
  },
  tags: {
    9: Step.fixed64,
    89: Step.fixed64,
    16: Step.varint,
    26: Step.delimited,
    42: child(Step.message, () => anyValue),
    50: attribute,
    56: Step.varint,
    69: Step.fixed32,
    74: Step.traceId,
    82: Step.spanId,
    98: Step.delimited,
  },
});
const logsData = top(container(resource, () => container(scope, () => logRecord, true), false));

// --- metrics.proto ---
const exemplar = spec({
  wire: { 2: Fixed64, 3: Fixed64, 4: Delimited, 5: Delimited, 6: Fixed64, 7: Delimited },
  tags: {
    58: attribute,
    17: Step.fixed64,
    25: Step.fixed64,
    49: Step.fixed64,
    34: Step.spanId,
    42: Step.traceId,
  },
});
const numberPoint = spec({
  wire: { 2: Fixed64, 3: Fixed64, 4: Fixed64, 5: Delimited, 6: Fixed64, 7: Delimited, 8: Varint },
  tags: {
    58: attribute,
    17: Step.fixed64,
    25: Step.fixed64,
    33: Step.fixed64,
    49: Step.fixed64,
    42: child(Step.message, () => exemplar),
    64: Step.varint,
  },
});
const quantile = spec({ wire: { 1: Fixed64, 2: Fixed64 }, tags: { 9: Step.fixed64, 17: Step.fixed64 } });
const summaryPoint = spec({
  wire: { 2: Fixed64, 3: Fixed64, 4: Fixed64, 5: Fixed64, 6: Delimited, 7: Delimited, 8: Varint },
  tags: {
    58: attribute,
    17: Step.fixed64,
    25: Step.fixed64,
    33: Step.fixed64,
    41: Step.fixed64,
    50: child(Step.message, () => quantile),
    64: Step.varint,
  },
});
const histogramPoint = spec({
  wire: {
    2: Fixed64,
    3: Fixed64,
    4: Fixed64,
    5: Fixed64,
    6: Fixed64,
    7: Fixed64,
    8: Delimited,
    9: Delimited,
    10: Varint,
    11: Fixed64,
    12: Fixed64,
  },
  tags: {
    74: attribute,
    17: Step.fixed64,
    25: Step.fixed64,
    33: Step.fixed64,
    41: Step.fixed64,
    50: Step.packed8,
    49: Step.fixed64,
    58: Step.packed8,
    57: Step.fixed64,
    66: child(Step.message, () => exemplar),
    80: Step.varint,
    89: Step.fixed64,
    97: Step.fixed64,
  },
});
const buckets = spec({
  wire: { 1: Varint, 2: Varint },
  tags: { 18: Step.packedVarint, 8: Step.varint, 16: Step.varint },
});
const exponentialPoint = spec({
  wire: {
    1: Delimited,
    2: Fixed64,
    3: Fixed64,
    4: Fixed64,
    5: Fixed64,
    6: Varint,
    7: Fixed64,
    8: Delimited,
    9: Delimited,
    10: Varint,
    11: Delimited,
    12: Fixed64,
    13: Fixed64,
    14: Fixed64,
  },
  tags: {
    10: attribute,
    17: Step.fixed64,
    25: Step.fixed64,
    33: Step.fixed64,
    41: Step.fixed64,
    48: Step.varint,
    57: Step.fixed64,
    66: child(Step.message, () => buckets),
    74: child(Step.message, () => buckets),
    80: Step.varint,
    90: child(Step.message, () => exemplar),
    97: Step.fixed64,
    105: Step.fixed64,
    113: Step.fixed64,
  },
});
/** Gauge, Sum, Histogram, ExponentialHistogram, Summary: 1 repeated points (+ varint scalars for some). */
function points(of: () => MessageSpec, scalarFields: number[]): MessageSpec {
  const tags: SpecInit['tags'] = { 10: child(Step.item, of) };
  const wire: Record<number, number> = { 1: Delimited };
  for (const field of scalarFields) {
    tags[(field << 3) | Varint] = Step.varint;
    wire[field] = Varint;
  }
  return spec({ wire, tags });
}
const gauge = points(() => numberPoint, []);
const sum = points(() => numberPoint, [2, 3]);
const histogram = points(() => histogramPoint, [2]);
const exponentialHistogram = points(() => exponentialPoint, [2]);
const summary = points(() => summaryPoint, []);
const metric = spec({
  wire: {
    1: Delimited,
    2: Delimited,
    3: Delimited,
    5: Delimited,
    7: Delimited,
    9: Delimited,
    10: Delimited,
    11: Delimited,
    12: Delimited,
  },
  tags: {
    10: Step.delimited,
    18: Step.delimited,
    26: Step.delimited,
    42: child(Step.message, () => gauge),
    58: child(Step.message, () => sum),
    74: child(Step.message, () => histogram),
    82: child(Step.message, () => exponentialHistogram),
    90: child(Step.message, () => summary),
    98: attribute,
  },
});
const metricsData = top(container(resource, () => container(scope, () => metric, false), false));

// Every spec exists now: fill in the children the thunks name.
for (const resolve of pendingChildren) resolve();
pendingChildren.length = 0;

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

const specs: Record<SignalType, MessageSpec> = {
  traces: tracesData,
  logs: logsData,
  metrics: metricsData,
};

const decoders: Record<SignalType, (r: WireReader, ctx: DecodeContext) => unknown> = {
  traces: readTracesData,
  logs: readLogsData,
  metrics: readMetricsData,
};

/** The walk alone: the item count, or a DecodeFailure. For tests; use countOtlpItems. */
export function walkOtlpItems(signal: SignalType, bytes: Uint8Array): number {
  const r = new WireReader(bytes);
  return walk(r, r.length, specs[signal], 0);
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
