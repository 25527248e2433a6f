import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyValue, LogsData, MetricsData, TracesData } from '../model/telemetry.ts';
import {
  decodeLogsProto,
  decodeMetricsProto,
  decodeTracesProto,
  encodeLogsProto,
  encodeMetricsProto,
  encodeTracesProto,
} from './index.ts';
import type { DecodeResult } from './decode-result.ts';
import { logsData, metricsData, toAttributes, tracesData } from './testing/arbitraries.ts';
import { assertModelEqual } from './testing/model-equality.ts';

function value<T>(result: DecodeResult<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const RUNS = { numRuns: 300 };

describe('protobuf round trip (encode → decode is the identity)', () => {
  it('traces', () => {
    fc.assert(
      fc.property(tracesData, (data) => {
        assertModelEqual(value(decodeTracesProto(encodeTracesProto(data))), data);
      }),
      RUNS,
    );
  });

  it('logs, with bodies of every AnyValue kind', () => {
    fc.assert(
      fc.property(logsData, (data) => {
        assertModelEqual(value(decodeLogsProto(encodeLogsProto(data))), data);
      }),
      RUNS,
    );
  });

  it('metrics of every kind, with exemplars', () => {
    fc.assert(
      fc.property(metricsData, (data) => {
        assertModelEqual(value(decodeMetricsProto(encodeMetricsProto(data))), data);
      }),
      RUNS,
    );
  });

  it('keeps int and double apart, -0 and NaN, extremes and awkward keys', () => {
    const body: AnyValue = toAttributes([
      ['__proto__', 1n],
      ['constructor', 1],
      ['', -0],
      ['nan', NaN],
      ['min', -(2n ** 63n)],
      ['max', 2n ** 63n - 1n],
      ['nested', [[[]], toAttributes([['k', [null, false, '', new Uint8Array([0, 255])]]])]],
      ['bom', '\uFEFFstarts with a BOM'],
      ['astral', '𝄞 😀'],
    ]);
    const data: LogsData = {
      resourceLogs: [
        {
          resource: { attributes: toAttributes([]), droppedAttributesCount: 0 },
          scopeLogs: [
            {
              scope: { name: '', version: '', attributes: toAttributes([]), droppedAttributesCount: 0 },
              logRecords: [
                {
                  timeUnixNano: 2n ** 64n - 1n,
                  observedTimeUnixNano: 0n,
                  severityNumber: 24,
                  severityText: 'FATAL4',
                  body,
                  attributes: toAttributes([]),
                  droppedAttributesCount: 0xffffffff,
                  flags: 0xffffffff,
                  traceId: '',
                  spanId: '',
                  eventName: 'e',
                },
              ],
              schemaUrl: '',
            },
          ],
          schemaUrl: '',
        },
      ],
    };
    const decoded = value(decodeLogsProto(encodeLogsProto(data)));
    assertModelEqual(decoded, data);
    const decodedBody = decoded.resourceLogs[0]!.scopeLogs[0]!.logRecords[0]!.body as Record<
      string,
      AnyValue
    >;
    expect(Object.getPrototypeOf(decodedBody)).toBeNull();
    expect(Object.keys(decodedBody)).toContain('__proto__');
    expect(Object.is(decodedBody[''], -0)).toBe(true);
    expect(typeof decodedBody.__proto__).toBe('bigint');
  });

  it('encodes empty data as empty messages', () => {
    const empty: [TracesData, LogsData, MetricsData] = [
      { resourceSpans: [] },
      { resourceLogs: [] },
      { resourceMetrics: [] },
    ];
    expect(encodeTracesProto(empty[0])).toHaveLength(0);
    expect(encodeLogsProto(empty[1])).toHaveLength(0);
    expect(encodeMetricsProto(empty[2])).toHaveLength(0);
    assertModelEqual(value(decodeTracesProto(new Uint8Array(0))), empty[0]);
  });

  it('rejects a malformed id in the model instead of encoding garbage', () => {
    const data = fc.sample(
      tracesData.filter((d) => d.resourceSpans[0]?.scopeSpans[0]?.spans[0] !== undefined),
      { numRuns: 1, seed: 1 },
    )[0]!;
    data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId = 'not hex at all, but 32 chars....';
    expect(() => encodeTracesProto(data)).toThrow(/traceId is not hex/);
  });
});
