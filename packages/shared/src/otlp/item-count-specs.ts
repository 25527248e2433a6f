/**
 * The OTLP protobuf schema as the item-count walk (item-count.ts) sees it: for each message, the expected wire
 * type of each known field and what to do with each tag, down to the counted items (spans, log records, data
 * points). Mirrors the decoders (trace-, logs-, metrics-proto-decoder.ts); the property tests in
 * item-count.test.ts hold the two together.
 */
import type { SignalType } from '../model/telemetry.ts';
import { WireType, wireTable } from './wire-reader.ts';

const { Varint, Fixed64, Delimited, Fixed32 } = WireType;

/** What the walk does with a known tag. */
export const Step = {
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
export type StepCode = (typeof Step)[keyof typeof Step];

export interface MessageSpec {
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
export const MAX_VALUE_DEPTH = 64;

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
export const anyValue: MessageSpec = spec({
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
export const keyValue = spec({
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

export const messageSpecs: Record<SignalType, MessageSpec> = {
  traces: tracesData,
  logs: logsData,
  metrics: metricsData,
};
