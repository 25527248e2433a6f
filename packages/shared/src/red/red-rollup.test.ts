import { describe, expect, it } from 'vitest';
import type { HistogramDataPoint, Metric, MetricsData } from '../model/telemetry.ts';
import { SpanKind, StatusCode } from '../model/telemetry.ts';
import { decodeMetricsProto, encodeMetricsProto } from '../otlp/index.ts';
import { createRedAggregator } from './red-aggregator.ts';
import { redRollupRows } from './red-rollup.ts';
import {
  RED_BUCKET_BOUNDS_MS,
  RED_BUCKET_BOUNDS_SECONDS,
  RED_CLIENT_METRIC,
  RED_SERVER_METRIC,
} from './red-schema.ts';
import { buckets } from './testing/red-points.ts';
import { MS, T0, attrs, resourceSpans, span } from './testing/red-spans.ts';

const T0_MS = Number(T0 / MS);
const MINUTE = 60_000n * MS;

function roundTrip(data: MetricsData | null): MetricsData {
  if (data === null) throw new Error('nothing flushed');
  const decoded = decodeMetricsProto(encodeMetricsProto(data));
  if (!decoded.ok) throw decoded.error;
  return decoded.value;
}

function point(overrides: Partial<HistogramDataPoint> = {}): HistogramDataPoint {
  return {
    attributes: attrs({ 'apo.endpoint': '/x', 'apo.span.kind': 'server', 'apo.error': false }),
    startTimeUnixNano: T0,
    timeUnixNano: T0 + 10_000n * MS,
    flags: 0,
    count: 2n,
    sum: 0.003,
    bucketCounts: buckets([0, 1], [1, 1]).map(BigInt),
    explicitBounds: [...RED_BUCKET_BOUNDS_SECONDS],
    exemplars: [],
    min: 0.001,
    max: 0.002,
    ...overrides,
  };
}

function metricsData(
  metrics: Metric[],
  resource: Record<string, string> = { 'service.name': 'svc' },
): MetricsData {
  return {
    resourceMetrics: [
      {
        resource: { attributes: attrs(resource), droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: 'x', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
            metrics,
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

function histogram(
  points: HistogramDataPoint[],
  name = RED_SERVER_METRIC,
  unit = 's',
  temporality: 1 | 2 = 1,
): Metric {
  return {
    name,
    description: '',
    unit,
    metadata: attrs({}),
    data: { type: 'histogram', aggregationTemporality: temporality, points },
  };
}

describe('redRollupRows', () => {
  it('rows from aggregator output after an OTLP protobuf round trip', () => {
    const aggregator = createRedAggregator({ startTimeUnixNano: T0 });
    aggregator.add([
      resourceSpans({ 'service.name': 'shop', 'service.instance.id': 'i-1' }, [
        span({
          kind: SpanKind.Server,
          durationNs: 3n * MS,
          attributes: { 'http.route': '/a', 'http.request.method': 'GET' },
        }),
        span({
          kind: SpanKind.Server,
          durationNs: 7n * MS + 1n,
          attributes: { 'http.route': '/a', 'http.request.method': 'GET' },
        }),
        span({ kind: SpanKind.Server, durationNs: 90_000n * MS, status: StatusCode.Error, name: 'slow' }),
        span({
          kind: SpanKind.Client,
          durationNs: 12n * MS,
          status: StatusCode.Error,
          attributes: {
            'db.system.name': 'mysql',
            'db.namespace': 'shop',
            'db.query.text': 'DELETE FROM carts',
            'server.address': 'db',
          },
        }),
      ]),
    ]);
    const rows = redRollupRows(roundTrip(aggregator.flush(T0 + MINUTE)), 'c1');
    const base = { cluster: 'c1', minuteMs: T0_MS, service: 'shop', instance: 'i-1' };
    expect(rows.skippedPoints).toBe(0);
    expect(rows.server).toEqual([
      {
        ...base,
        kind: 'server',
        error: false,
        endpoint: 'GET /a',
        count: 2,
        errorCount: 0,
        durationSumMs: 10.000001,
        bucketCounts: buckets([2, 1], [3, 1]),
      },
      {
        ...base,
        kind: 'server',
        error: true,
        endpoint: 'slow',
        count: 1,
        errorCount: 1,
        durationSumMs: 90_000,
        bucketCounts: buckets([15, 1]),
      },
    ]);
    expect(rows.client).toEqual([
      {
        ...base,
        kind: 'client',
        error: true,
        callType: 'db',
        peer: 'db',
        system: 'mysql',
        dbNamespace: 'shop',
        operation: 'DELETE',
        target: 'carts',
        role: '',
        count: 1,
        errorCount: 1,
        durationSumMs: 12,
        bucketCounts: buckets([4, 1]),
      },
    ]);
  });

  it('a point belongs to the minute holding the last instant of [start, time)', () => {
    const at = (start: bigint, time: bigint) =>
      redRollupRows(metricsData([histogram([point({ startTimeUnixNano: start, timeUnixNano: time })])]), 'c')
        .server[0]!.minuteMs;
    expect(at(T0, T0 + MINUTE)).toBe(T0_MS);
    expect(at(T0 + 59_000n * MS, T0 + MINUTE + MS)).toBe(T0_MS + 60_000);
    expect(at(T0 + MINUTE, T0 + MINUTE)).toBe(T0_MS + 60_000);
  });

  it('merges points of one series and minute (an agent flushing every 10 s); other minutes stay apart', () => {
    const points = [1n, 2n, 3n, 7n].map((k) =>
      point({ startTimeUnixNano: T0 + (k - 1n) * 10_000n * MS, timeUnixNano: T0 + k * 10_000n * MS }),
    );
    const rows = redRollupRows(metricsData([histogram(points)]), 'c').server;
    expect(rows.map((r) => [r.minuteMs, r.count, r.durationSumMs, r.bucketCounts])).toEqual([
      [T0_MS, 6, 9, buckets([0, 3], [1, 3])],
      [T0_MS + 60_000, 2, 3, buckets([0, 1], [1, 1])],
    ]);
  });

  it('accepts the same buckets in milliseconds (unit ms) and a string "true" error flag', () => {
    const p = point({
      sum: 3,
      explicitBounds: [...RED_BUCKET_BOUNDS_MS],
      attributes: attrs({ 'apo.endpoint': '/x', 'apo.span.kind': 'server', 'apo.error': 'true' }),
    });
    const [row] = redRollupRows(metricsData([histogram([p], RED_SERVER_METRIC, 'ms')]), 'c').server;
    expect(row).toMatchObject({ count: 2, errorCount: 2, error: true, durationSumMs: 3 });
  });

  it('skips malformed points and counts them; never throws', () => {
    const bad: [string, Metric][] = [
      ['other bounds', histogram([point({ explicitBounds: [1, 2, 3] })])],
      ['bounds in ms with unit s', histogram([point({ explicitBounds: [...RED_BUCKET_BOUNDS_MS] })])],
      ['unknown unit', histogram([point()], RED_SERVER_METRIC, 'us')],
      ['cumulative', histogram([point()], RED_SERVER_METRIC, 's', 2)],
      ['buckets do not add up', histogram([point({ count: 3n })])],
      ['negative bucket', histogram([point({ bucketCounts: buckets([0, 3]).map(BigInt).with(1, -1n) })])],
      ['15 buckets', histogram([point({ bucketCounts: buckets([0, 2]).slice(1).map(BigInt) })])],
      ['no sum', histogram([point({ sum: undefined })])],
      ['NaN sum', histogram([point({ sum: NaN })])],
      ['no time', histogram([point({ timeUnixNano: 0n })])],
      [
        'a gauge under the RED name',
        { ...histogram([]), data: { type: 'gauge', points: [{ ...point(), value: 1, exemplars: [] }] } },
      ],
    ];
    for (const [what, metric] of bad) {
      const rows = redRollupRows(metricsData([metric]), 'c');
      expect([rows.server.length, rows.client.length, rows.skippedPoints], what).toEqual([0, 0, 1]);
    }
  });

  it('ignores metrics with other names, and reads client rows only from the client metric', () => {
    const rows = redRollupRows(
      metricsData([
        histogram([point()], 'http.server.request.duration'),
        histogram([point()], RED_CLIENT_METRIC),
      ]),
      'c',
    );
    expect([rows.server.length, rows.client.length, rows.skippedPoints]).toEqual([0, 1, 0]);
    expect(rows.client[0]).toMatchObject({ callType: '', peer: '', service: 'svc', instance: '' });
  });
});
