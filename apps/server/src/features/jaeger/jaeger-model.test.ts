import { describe, expect, it } from 'vitest';
import type { SpanView } from '../traces/span-view.ts';
import { spansPerTrace, toJaegerTrace } from './jaeger-model.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const T0 = 1_765_000_000_123_456_789n;

function span(over: Partial<SpanView>): SpanView {
  return {
    traceId: TRACE,
    spanId: '00f067aa0ba902b7',
    parentSpanId: '',
    traceState: '',
    flags: 0x101,
    name: 'GET /orders/:id',
    kind: 2,
    service: 'checkout',
    serviceVersion: '1.2.3',
    instance: 'checkout-1',
    cluster: 'default',
    startTimeUnixNano: T0,
    endTimeUnixNano: T0 + 12_345_678n,
    durationNs: 12_345_678n,
    status: { code: 0, message: '' },
    attributes: [['http.route', '/orders/:id']],
    resource: [
      ['service.name', 'checkout'],
      ['host.name', 'web-1'],
    ],
    scope: { name: '', version: '' },
    events: [],
    links: [],
    dropped: { attributes: 0, events: 0, links: 0 },
    ...over,
  };
}

describe('toJaegerTrace', () => {
  it('maps ids, times in µs (truncated), kind, scope and the resource as the process', () => {
    const got = toJaegerTrace(
      {
        traceId: TRACE,
        spans: [span({ scope: { name: 'apo-test', version: '0.0.1' } })],
        totalSpans: 1,
        truncated: false,
      },
      'cut',
    );
    expect(got).toEqual({
      traceID: TRACE,
      spans: [
        {
          traceID: TRACE,
          spanID: '00f067aa0ba902b7',
          flags: 1,
          operationName: 'GET /orders/:id',
          references: [],
          startTime: 1_765_000_000_123_456,
          duration: 12_345,
          tags: [
            { key: 'http.route', type: 'string', value: '/orders/:id' },
            { key: 'otel.scope.name', type: 'string', value: 'apo-test' },
            { key: 'otel.scope.version', type: 'string', value: '0.0.1' },
            { key: 'span.kind', type: 'string', value: 'server' },
          ],
          logs: [],
          processID: 'p1',
          warnings: null,
        },
      ],
      processes: {
        p1: { serviceName: 'checkout', tags: [{ key: 'host.name', type: 'string', value: 'web-1' }] },
      },
      warnings: null,
    });
  });

  it('marks a failed span with error=true (over an attribute of that name) and the status tags', () => {
    const [got] = toJaegerTrace(
      {
        traceId: TRACE,
        spans: [
          span({
            kind: 3,
            status: { code: 2, message: 'connection reset' },
            attributes: [
              ['error', 'yes'],
              ['db.system.name', 'postgresql'],
            ],
            traceState: 'vendor=1',
          }),
        ],
        totalSpans: 1,
        truncated: false,
      },
      'cut',
    ).spans;
    expect(got?.tags).toEqual([
      { key: 'db.system.name', type: 'string', value: 'postgresql' },
      { key: 'span.kind', type: 'string', value: 'client' },
      { key: 'otel.status_code', type: 'string', value: 'ERROR' },
      { key: 'otel.status_description', type: 'string', value: 'connection reset' },
      { key: 'error', type: 'bool', value: true },
      { key: 'w3c.tracestate', type: 'string', value: 'vendor=1' },
    ]);
  });

  it('makes the parent the first CHILD_OF reference, links FOLLOWS_FROM, events logs with their name', () => {
    const [got] = toJaegerTrace(
      {
        traceId: TRACE,
        spans: [
          span({
            kind: 1,
            status: { code: 1, message: '' },
            parentSpanId: '1111111111111111',
            links: [
              { traceId: 'aa'.repeat(16), spanId: '2222222222222222', traceState: '', attributes: [] },
              { traceId: 'bb'.repeat(16), spanId: '', traceState: '', attributes: [] },
            ],
            events: [
              { timeUnixNano: T0 + 5_999n, name: 'query.retry', attributes: [['attempt', '2']] },
              { timeUnixNano: T0 + 7_000n, name: 'log', attributes: [['event', 'cache miss']] },
            ],
            dropped: { attributes: 0, events: 3, links: 0 },
          }),
        ],
        totalSpans: 1,
        truncated: false,
      },
      'cut',
    ).spans;
    expect(got?.references).toEqual([
      { refType: 'CHILD_OF', traceID: TRACE, spanID: '1111111111111111' },
      { refType: 'FOLLOWS_FROM', traceID: 'aa'.repeat(16), spanID: '2222222222222222' },
    ]);
    expect(got?.logs).toEqual([
      {
        timestamp: 1_765_000_000_123_462,
        fields: [
          { key: 'event', type: 'string', value: 'query.retry' },
          { key: 'attempt', type: 'string', value: '2' },
        ],
      },
      { timestamp: 1_765_000_000_123_463, fields: [{ key: 'event', type: 'string', value: 'cache miss' }] },
    ]);
    expect(got?.tags).toEqual([
      { key: 'http.route', type: 'string', value: '/orders/:id' },
      { key: 'span.kind', type: 'string', value: 'internal' },
      { key: 'otel.status_code', type: 'string', value: 'OK' },
    ]);
    expect(got?.warnings).toEqual([
      '3 events dropped (APO_MAX_SPAN_EVENTS at ingest, APO_READ_MAX_SPAN_EVENTS here)',
    ]);
  });

  it('shares one process among spans of the same resource and says when the trace was cut', () => {
    const other: SpanView['resource'] = [
      ['service.name', 'payments'],
      ['host.name', 'pay-1'],
    ];
    const got = toJaegerTrace(
      {
        traceId: TRACE,
        spans: [
          span({ spanId: '0000000000000001' }),
          span({ spanId: '0000000000000002', service: 'payments', resource: other }),
          span({ spanId: '0000000000000003' }),
        ],
        totalSpans: 40,
        truncated: true,
      },
      'the bound',
    );
    expect(got.spans.map((s) => s.processID)).toEqual(['p1', 'p2', 'p1']);
    expect(got.processes).toEqual({
      p1: { serviceName: 'checkout', tags: [{ key: 'host.name', type: 'string', value: 'web-1' }] },
      p2: { serviceName: 'payments', tags: [{ key: 'host.name', type: 'string', value: 'pay-1' }] },
    });
    expect(got.warnings).toEqual(['showing the first 3 of 40 spans (by start time): the bound']);
  });

  it('keeps an attribute named like an object property as data', () => {
    const got = toJaegerTrace(
      {
        traceId: TRACE,
        spans: [span({ kind: 0, attributes: [['__proto__', 'x']], resource: [['constructor', 'y']] })],
        totalSpans: 1,
        truncated: false,
      },
      'cut',
    );
    expect(got.spans[0]?.tags).toEqual([{ key: '__proto__', type: 'string', value: 'x' }]);
    expect(got.processes.p1?.tags).toEqual([{ key: 'constructor', type: 'string', value: 'y' }]);
  });
});

describe('spansPerTrace', () => {
  it('gives every trace all its spans when they fit', () => {
    expect(spansPerTrace([3, 10, 7], 100)).toBe(100);
  });
  it('cuts only the largest traces, to the cap that fills the budget', () => {
    // 10 + 20 whole, the two large ones get (100 - 30) / 2 = 35 each.
    expect(spansPerTrace([500, 10, 20, 5_000], 100)).toBe(35);
    expect(spansPerTrace([5_000], 10_000)).toBe(10_000);
    expect(spansPerTrace([20_000], 10_000)).toBe(10_000);
  });
  it('still gives every trace a span when there are more traces than the budget', () => {
    expect(spansPerTrace([5, 5, 5, 5], 2)).toBe(1);
  });
});
