/** Fuzzing: whatever arrives, the decoders return ok or an OtlpDecodeError; nothing is ever thrown. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from './decode-result.ts';
import type { DecodeLimits, DecodeResult } from './decode-result.ts';
import {
  decodeLogsJson,
  decodeLogsProto,
  decodeMetricsJson,
  decodeMetricsProto,
  decodeTracesJson,
  decodeTracesProto,
  encodeLogsProto,
  encodeMetricsProto,
  encodeTracesProto,
} from './index.ts';
import { logsData, metricsData, tracesData } from './testing/arbitraries.ts';

const PROTO_DECODERS: ((bytes: Uint8Array, limits?: DecodeLimits) => DecodeResult<unknown>)[] = [
  decodeTracesProto,
  decodeLogsProto,
  decodeMetricsProto,
];
const JSON_DECODERS: ((body: Uint8Array | string, limits?: DecodeLimits) => DecodeResult<unknown>)[] = [
  decodeTracesJson,
  decodeLogsJson,
  decodeMetricsJson,
];
const LIMITS = fc.option(fc.record({ maxAttributes: fc.nat(4), maxValueLength: fc.nat(8) }), {
  nil: undefined,
});

function wellBehaved(result: DecodeResult<unknown>): boolean {
  if (result.ok) return true;
  expect(result.error).toBeInstanceOf(OtlpDecodeError);
  expect(result.error.message.length).toBeGreaterThan(0);
  // A failure the decoders did not anticipate (a TypeError, a stack overflow) is only caught by the
  // safety net in runDecoder; for fuzzed input it would mean a decoder bug.
  expect(result.error.message).not.toContain('internal error');
  return true;
}

function runsAll<T extends Uint8Array | string>(
  decoders: ((input: T, limits?: DecodeLimits) => DecodeResult<unknown>)[],
  input: T,
  limits?: DecodeLimits,
): void {
  for (const decode of decoders) {
    let result: DecodeResult<unknown> | undefined;
    expect(() => (result = decode(input, limits))).not.toThrow();
    wellBehaved(result!);
  }
}

/** Valid encodings of every signal, to be damaged. */
const validMessage = fc.oneof(
  tracesData.map(encodeTracesProto),
  logsData.map(encodeLogsProto),
  metricsData.map(encodeMetricsProto),
);

describe('protobuf fuzzing', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), LIMITS, (bytes, limits) =>
        runsAll(PROTO_DECODERS, bytes, limits),
      ),
      { numRuns: 2000 },
    );
  });

  it('random bytes that look like protobuf (plausible tags followed by junk)', () => {
    const field = fc.tuple(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 0, max: 7 }),
      fc.uint8Array({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(field, { maxLength: 20 }), (fields) => {
        const parts = fields.flatMap(([n, wire, junk]) => [(n << 3) | wire, ...junk]);
        runsAll(PROTO_DECODERS, new Uint8Array(parts));
      }),
      { numRuns: 2000 },
    );
  });

  it('truncations of valid messages', () => {
    fc.assert(
      fc.property(validMessage, fc.nat(), LIMITS, (bytes, cut, limits) => {
        runsAll(PROTO_DECODERS, bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length), limits);
      }),
      { numRuns: 500 },
    );
  });

  it('bit flips in valid messages', () => {
    fc.assert(
      fc.property(
        validMessage,
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        LIMITS,
        (bytes, flips, limits) => {
          const damaged = bytes.slice();
          if (damaged.length > 0)
            for (const flip of flips) damaged[flip % damaged.length]! ^= 1 << (flip % 8);
          runsAll(PROTO_DECODERS, damaged, limits);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('spliced valid messages (lengths that no longer match)', () => {
    fc.assert(
      fc.property(validMessage, validMessage, fc.nat(), (a, b, at) => {
        const cut = a.length === 0 ? 0 : at % a.length;
        const spliced = new Uint8Array(cut + b.length);
        spliced.set(a.subarray(0, cut));
        spliced.set(b, cut);
        runsAll(PROTO_DECODERS, spliced);
      }),
      { numRuns: 500 },
    );
  });
});

/** OTLP-shaped JSON with random values in random places. */
const otlpishJson = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue(),
    fc.dictionary(
      fc.constantFrom(
        'resourceSpans',
        'resource_logs',
        'resourceMetrics',
        'scopeSpans',
        'scopeLogs',
        'scopeMetrics',
        'spans',
        'logRecords',
        'metrics',
        'resource',
        'scope',
        'attributes',
        'key',
        'value',
        'stringValue',
        'intValue',
        'doubleValue',
        'boolValue',
        'bytesValue',
        'arrayValue',
        'kvlistValue',
        'values',
        'traceId',
        'spanId',
        'kind',
        'status',
        'code',
        'startTimeUnixNano',
        'body',
        'gauge',
        'sum',
        'histogram',
        'exponentialHistogram',
        'summary',
        'dataPoints',
        'asInt',
        'asDouble',
        'bucketCounts',
        'explicitBounds',
        'positive',
        'quantileValues',
        'exemplars',
        'severityNumber',
        '__proto__',
      ),
      tie('node'),
      { maxKeys: 5 },
    ),
    fc.array(tie('node'), { maxLength: 4 }),
  ),
})).node;

describe('JSON fuzzing', () => {
  it('random text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => runsAll(JSON_DECODERS, text)),
      { numRuns: 1000 },
    );
  });

  it('random bytes as a JSON body', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => runsAll(JSON_DECODERS, bytes)),
      { numRuns: 500 },
    );
  });

  it('random JSON values', () => {
    fc.assert(
      fc.property(fc.json(), LIMITS, (text, limits) => runsAll(JSON_DECODERS, text, limits)),
      { numRuns: 1000 },
    );
  });

  it('OTLP-shaped JSON with values of the wrong kinds', () => {
    fc.assert(
      fc.property(otlpishJson, LIMITS, (json, limits) =>
        runsAll(JSON_DECODERS, JSON.stringify(json), limits),
      ),
      { numRuns: 2000 },
    );
  });
});
