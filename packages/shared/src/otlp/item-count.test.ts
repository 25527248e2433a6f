/**
 * The counting walk against the real decoders: on valid messages, damaged ones and random bytes it must
 * accept exactly what the decoder accepts and count exactly what the decoder decodes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SignalType } from '../model/telemetry.ts';
import { OtlpDecodeError } from './decode-result.ts';
import {
  countOtlpItems,
  decodeLogsProto,
  decodeMetricsProto,
  decodeTracesProto,
  encodeLogsProto,
  encodeMetricsProto,
  encodeTracesProto,
} from './index.ts';
import { walkOtlpItems } from './item-count.ts';
import { logsData, metricsData, tracesData } from './testing/arbitraries.ts';

const SIGNALS: SignalType[] = ['traces', 'logs', 'metrics'];

/** The decoder's verdict: the item count, or its error message. */
function decoderVerdict(signal: SignalType, bytes: Uint8Array): number | string {
  if (signal === 'traces') {
    const r = decodeTracesProto(bytes);
    if (!r.ok) return r.error.message;
    return r.value.resourceSpans.reduce(
      (n, rs) => n + rs.scopeSpans.reduce((m, ss) => m + ss.spans.length, 0),
      0,
    );
  }
  if (signal === 'logs') {
    const r = decodeLogsProto(bytes);
    if (!r.ok) return r.error.message;
    return r.value.resourceLogs.reduce(
      (n, rl) => n + rl.scopeLogs.reduce((m, sl) => m + sl.logRecords.length, 0),
      0,
    );
  }
  const r = decodeMetricsProto(bytes);
  if (!r.ok) return r.error.message;
  let n = 0;
  for (const rm of r.value.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) n += m.data.type === 'empty' ? 0 : m.data.points.length;
  return n;
}

function walkVerdict(signal: SignalType, bytes: Uint8Array): number | 'refused' {
  try {
    return walkOtlpItems(signal, bytes);
  } catch {
    return 'refused';
  }
}

/** Walk and decoder agree, and countOtlpItems answers with the decoder's count or its exact error. */
function agrees(signal: SignalType, bytes: Uint8Array): void {
  const decoded = decoderVerdict(signal, bytes);
  const walked = walkVerdict(signal, bytes);
  if (typeof decoded === 'number') {
    expect(walked, `walk refused what the decoder took (${signal})`).toBe(decoded);
    expect(countOtlpItems(signal, bytes)).toBe(decoded);
  } else {
    expect(walked, `walk took what the decoder refused: ${decoded}`).toBe('refused');
    let thrown: unknown;
    try {
      countOtlpItems(signal, bytes);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(OtlpDecodeError);
    expect((thrown as OtlpDecodeError).message).toBe(decoded);
  }
}

const validMessage = fc.oneof(
  tracesData.map((d) => ['traces', encodeTracesProto(d)] as const),
  logsData.map((d) => ['logs', encodeLogsProto(d)] as const),
  metricsData.map((d) => ['metrics', encodeMetricsProto(d)] as const),
);
const anySignal = fc.constantFrom(...SIGNALS);

describe('countOtlpItems', () => {
  it('counts spans, log records and metric points of valid messages as the decoders do', () => {
    fc.assert(
      fc.property(validMessage, ([signal, bytes]) => {
        agrees(signal, bytes);
        // Read as another signal, the same bytes are judged the same way by both.
        for (const other of SIGNALS) agrees(other, bytes);
      }),
      { numRuns: 600 },
    );
  });

  it('agrees with the decoders on truncated messages', () => {
    fc.assert(
      fc.property(validMessage, fc.nat(), ([signal, bytes], cut) => {
        agrees(signal, bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length));
      }),
      { numRuns: 600 },
    );
  });

  it('agrees with the decoders on bit flips', () => {
    fc.assert(
      fc.property(
        validMessage,
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        ([signal, bytes], flips) => {
          const damaged = bytes.slice();
          if (damaged.length > 0)
            for (const flip of flips) damaged[flip % damaged.length]! ^= 1 << (flip % 8);
          agrees(signal, damaged);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('agrees with the decoders on byte substitutions and splices', () => {
    fc.assert(
      fc.property(
        validMessage,
        validMessage,
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        ([signal, a], [, b], at, edits) => {
          const cut = a.length === 0 ? 0 : at % a.length;
          const spliced = new Uint8Array(cut + b.length);
          spliced.set(a.subarray(0, cut));
          spliced.set(b, cut);
          for (const [where, value] of edits) if (spliced.length > 0) spliced[where % spliced.length] = value;
          agrees(signal, spliced);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('agrees with the decoders on random bytes and protobuf-looking junk', () => {
    const field = fc.tuple(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 0, max: 7 }),
      fc.uint8Array({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(anySignal, fc.uint8Array({ maxLength: 256 }), (signal, bytes) => agrees(signal, bytes)),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(anySignal, fc.array(field, { maxLength: 20 }), (signal, fields) => {
        agrees(signal, new Uint8Array(fields.flatMap(([n, wire, junk]) => [(n << 3) | wire, ...junk])));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses a trace id of the wrong size with the decoder message', () => {
    // resourceSpans { scopeSpans { spans { traceId: 3 bytes } } }
    const spanBytes = [0x0a, 3, 1, 2, 3];
    const scopeSpans = [0x12, spanBytes.length, ...spanBytes];
    const resourceSpans = [0x12, scopeSpans.length, ...scopeSpans];
    const body = new Uint8Array([0x0a, resourceSpans.length, ...resourceSpans]);
    expect(() => countOtlpItems('traces', body)).toThrow(
      'resourceSpans[0].scopeSpans[0].spans[0].traceId: trace id must be 16 bytes, got 3',
    );
  });

  it('refuses values nested deeper than the decoders allow, and takes the deepest allowed', () => {
    // A log body of `depth` arrays, each holding the next value.
    const nested = (depth: number): number[] => {
      let value: number[] = [0x10, 1]; // bool_value: true
      for (let i = 0; i < depth; i++) {
        value = lengthPrefixed(0x2a, lengthPrefixed(0x0a, value));
      }
      return value;
    };
    const logBody = (depth: number) => {
      const record = lengthPrefixed(0x2a, nested(depth));
      const scopeLogs = lengthPrefixed(0x12, record);
      return new Uint8Array(lengthPrefixed(0x0a, lengthPrefixed(0x12, scopeLogs)));
    };
    agrees('logs', logBody(64));
    expect(countOtlpItems('logs', logBody(64))).toBe(1);
    agrees('logs', logBody(65));
    expect(() => countOtlpItems('logs', logBody(65))).toThrow(/nested deeper than 64/);
  });

  it('agrees with the decoders on random packed fields of histogram points', () => {
    // metrics { resourceMetrics { scopeMetrics { metrics { histogram|exponentialHistogram { point } } } } }
    const metricsWith = (dataTag: number, point: number[]) =>
      new Uint8Array(
        lengthPrefixed(
          0x0a,
          lengthPrefixed(0x12, lengthPrefixed(0x12, lengthPrefixed(dataTag, lengthPrefixed(0x0a, point)))),
        ),
      );
    const bytes = fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 20 });
    fc.assert(
      fc.property(bytes, fc.constantFrom(0x32, 0x3a), fc.boolean(), (content, tag, trailer) => {
        // HistogramDataPoint 6 bucket_counts / 7 explicit_bounds, packed; sometimes a count field after it.
        agrees(
          'metrics',
          metricsWith(0x4a, [...lengthPrefixed(tag, content), ...(trailer ? [0x50, 1] : [])]),
        );
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(bytes, fc.constantFrom(0x42, 0x4a), fc.boolean(), (content, tag, trailer) => {
        // ExponentialHistogramDataPoint positive / negative { 2 bucket_counts packed varints }
        const bucketsMessage = [...lengthPrefixed(0x12, content), ...(trailer ? [0x08, 2] : [])];
        agrees('metrics', metricsWith(0x52, lengthPrefixed(tag, bucketsMessage)));
      }),
      { numRuns: 500 },
    );
  });

  it('counts an empty request as zero items', () => {
    for (const signal of SIGNALS) expect(countOtlpItems(signal, new Uint8Array(0))).toBe(0);
  });
});

function lengthPrefixed(tag: number, content: number[]): number[] {
  const length: number[] = [];
  for (let n = content.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return [tag, ...length, ...content];
}
