/**
 * Generated telemetry for the storage tests: small, deterministic, and covering the awkward cases
 * (non-ASCII text, long strings, every attribute value type, empty ids, nanosecond timestamps past
 * 2^53, every metric type, optional histogram fields).
 */
import type {
  Attributes,
  LogRecord,
  LogsData,
  MetricsData,
  Resource,
  Span,
  TracesData,
} from '@apo/shared/model';

export function attrs(entries: Record<string, Attributes[string]>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

/**
 * An hour ago, to the second, plus 123456789 ns: recent, so the tables' TTLs keep the rows (a fixed
 * date would be dropped as soon as it is older than the retention), with digits past 2^53.
 */
export const BASE_NS = BigInt(Math.floor(Date.now() / 1000) - 3600) * 1_000_000_000n + 123_456_789n;

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
export const traceIdOf = (n: number): string => hex(n, 32);
export const spanIdOf = (n: number): string => hex(n, 16);

function resource(entries: Record<string, Attributes[string]>): Resource {
  return { attributes: attrs(entries), droppedAttributesCount: 0 };
}

const scope = (name: string, version = '1.0.0') => ({
  name,
  version,
  attributes: attrs({}),
  droppedAttributesCount: 0,
});

export const checkoutResource = resource({
  'service.name': 'checkout',
  'service.version': '2.4.1',
  'service.instance.id': 'checkout-7f9c',
  'host.name': 'node-a',
  'process.pid': 4242n,
  'deployment.environment': 'prod',
});

/** No service.name and no instance id: exercises the defaults and the host:pid instance. */
const anonymousResource = resource({
  'host.name': 'node-b',
  'process.pid': 17n,
  'telemetry.sdk.language': 'nodejs',
});

export function span(n: number, overrides: Partial<Span> = {}): Span {
  const start = BASE_NS + BigInt(n) * 1_000_000n;
  return {
    traceId: traceIdOf(1),
    spanId: spanIdOf(n),
    traceState: '',
    parentSpanId: n === 1 ? '' : spanIdOf(1),
    flags: 1,
    name: `op-${n}`,
    kind: 2,
    startTimeUnixNano: start,
    endTimeUnixNano: start + 1_500_000n + BigInt(n),
    attributes: attrs({}),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    ...overrides,
  };
}

export function tracesFixture(): TracesData {
  const root = span(1, {
    name: 'GET /orders/{id}',
    traceState: 'vendor=a',
    attributes: attrs({
      'http.route': '/orders/{id}',
      'http.response.status_code': 503n,
      'server.address': 'orders.internal',
      'server.port': 8080n,
      'user.tags': ['a', 'b'],
      ratio: 0.25,
      retry: true,
      payload: new Uint8Array([1, 2, 255]),
      empty: null,
      'note.unicode': 'café – 東京 🚀',
      'note.long': 'x'.repeat(300) + 'é',
    }),
    status: { code: 2, message: 'upstream unavailable' },
    droppedAttributesCount: 2,
    droppedEventsCount: 1,
    droppedLinksCount: 3,
    events: [
      {
        timeUnixNano: BASE_NS + 100n,
        name: 'exception',
        attributes: attrs({ 'exception.type': 'TimeoutError' }),
        droppedAttributesCount: 0,
      },
      { timeUnixNano: BASE_NS + 200n, name: 'retry', attributes: attrs({}), droppedAttributesCount: 0 },
    ],
    links: [
      {
        traceId: traceIdOf(9),
        spanId: spanIdOf(99),
        traceState: 'k=v',
        attributes: attrs({ 'link.kind': 'follows' }),
        droppedAttributesCount: 0,
        flags: 0,
      },
    ],
  });
  const db = span(2, {
    kind: 3,
    attributes: attrs({ 'db.system': 'postgresql', 'net.peer.name': 'pg-main', 'http.status_code': '200' }),
  });
  const newDb = span(3, {
    kind: 3,
    attributes: attrs({ 'db.system.name': 'mysql', 'db.system': 'ignored', 'peer.service': 'billing' }),
  });
  const orphan = span(4, {
    traceId: traceIdOf(2),
    parentSpanId: '',
    endTimeUnixNano: 0n, // a span without an end time: duration 0
    attributes: attrs({ 'http.status_code': 'not-a-number' }),
  });
  return {
    resourceSpans: [
      {
        resource: checkoutResource,
        schemaUrl: '',
        scopeSpans: [
          { scope: scope('@opentelemetry/instrumentation-http', '0.57.0'), spans: [root, db], schemaUrl: '' },
          { scope: scope('empty-scope'), spans: [], schemaUrl: '' },
          { scope: scope('pg'), spans: [newDb], schemaUrl: '' },
        ],
      },
      {
        resource: anonymousResource,
        schemaUrl: '',
        scopeSpans: [{ scope: scope('manual', ''), spans: [orphan], schemaUrl: '' }],
      },
    ],
  };
}

export function logRecord(n: number, overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: BASE_NS + BigInt(n) * 1_000n,
    observedTimeUnixNano: BASE_NS + BigInt(n) * 1_000n + 7n,
    severityNumber: 9,
    severityText: 'INFO',
    body: `log line ${n}`,
    attributes: attrs({}),
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    ...overrides,
  };
}

export function logsFixture(): LogsData {
  return {
    resourceLogs: [
      {
        resource: checkoutResource,
        schemaUrl: '',
        scopeLogs: [
          {
            scope: scope('app-logger'),
            schemaUrl: '',
            logRecords: [
              logRecord(1, {
                severityNumber: 17,
                severityText: 'ERROR',
                body: 'Connection refused: orders.internal:8080 — ünïcödé',
                traceId: traceIdOf(1),
                spanId: spanIdOf(1),
                flags: 1,
                attributes: attrs({ 'code.lineno': 42n, 'exception.escaped': false }),
                droppedAttributesCount: 1,
              }),
              logRecord(2, { body: attrs({ msg: 'structured', n: 1n }) }),
              // An event by OTLP's event_name field…
              logRecord(3, {
                eventName: 'deployment.finished',
                body: 'version 2.4.1 rolled out',
                attributes: attrs({ 'deployment.version': '2.4.1' }),
              }),
              logRecord(4, { timeUnixNano: 0n, body: null }),
            ],
          },
        ],
      },
      {
        resource: anonymousResource,
        schemaUrl: '',
        scopeLogs: [
          {
            scope: scope('k8s-events'),
            schemaUrl: '',
            // …and by the event.name attribute; a non-string event.name does not make an event.
            logRecords: [
              logRecord(5, {
                attributes: attrs({ 'event.name': 'k8s.pod.restarted', reason: 'OOMKilled' }),
                severityNumber: 13,
                severityText: 'WARN',
              }),
              logRecord(6, { attributes: attrs({ 'event.name': 12n }) }),
            ],
          },
        ],
      },
    ],
  };
}

export function metricsFixture(): MetricsData {
  const point = {
    attributes: attrs({ 'http.route': '/orders' }),
    startTimeUnixNano: BASE_NS - 60_000_000_000n,
    timeUnixNano: BASE_NS,
    flags: 0,
  };
  return {
    resourceMetrics: [
      {
        resource: checkoutResource,
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: scope('meter'),
            schemaUrl: '',
            metrics: [
              {
                name: 'process.memory.usage',
                description: 'RSS',
                unit: 'By',
                metadata: attrs({}),
                data: {
                  type: 'gauge',
                  points: [
                    { ...point, value: 123456789n, exemplars: [] },
                    { ...point, timeUnixNano: BASE_NS + 1n, value: 1.5, exemplars: [] },
                  ],
                },
              },
              {
                name: 'http.server.requests',
                description: '',
                unit: '{request}',
                metadata: attrs({}),
                data: {
                  type: 'sum',
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  points: [{ ...point, value: 42n, exemplars: [], flags: 1 }],
                },
              },
              {
                name: 'http.server.duration',
                description: 'latency',
                unit: 'ms',
                metadata: attrs({}),
                data: {
                  type: 'histogram',
                  aggregationTemporality: 1,
                  points: [
                    {
                      ...point,
                      count: 10n,
                      sum: 123.5,
                      bucketCounts: [1n, 2n, 7n],
                      explicitBounds: [10, 100],
                      exemplars: [],
                      min: 0.5,
                      max: 250,
                    },
                    {
                      ...point,
                      timeUnixNano: BASE_NS + 2n,
                      count: 0n,
                      sum: undefined,
                      bucketCounts: [],
                      explicitBounds: [],
                      exemplars: [],
                      min: undefined,
                      max: undefined,
                    },
                  ],
                },
              },
              {
                name: 'rpc.duration',
                description: '',
                unit: 's',
                metadata: attrs({}),
                data: {
                  type: 'exponentialHistogram',
                  aggregationTemporality: 2,
                  points: [
                    {
                      ...point,
                      count: 9n,
                      sum: 4.5,
                      scale: -2,
                      zeroCount: 1n,
                      positive: { offset: -3, bucketCounts: [3n, 4n] },
                      negative: { offset: 2, bucketCounts: [1n] },
                      exemplars: [],
                      min: 0,
                      max: 3.25,
                      zeroThreshold: 1e-9,
                    },
                  ],
                },
              },
              {
                name: 'gc.pause',
                description: '',
                unit: 's',
                metadata: attrs({}),
                data: {
                  type: 'summary',
                  points: [
                    {
                      ...point,
                      count: 5n,
                      sum: 0.75,
                      quantileValues: [
                        { quantile: 0.5, value: 0.1 },
                        { quantile: 0.99, value: 0.3 },
                      ],
                    },
                  ],
                },
              },
              { name: 'nothing', description: '', unit: '', metadata: attrs({}), data: { type: 'empty' } },
            ],
          },
        ],
      },
    ],
  };
}
