/**
 * Attribute keys that are also names of Object.prototype's members (`__proto__`, `constructor`,
 * `prototype`, `toString`, `hasOwnProperty`) are user data like any other: stored, and read back with their
 * exact values through every procedure that returns attributes, against a real server process. (Returned as
 * objects, they made superjson refuse the whole answer with a 500.)
 */
import type { Attributes, LogsData, MetricsData, Span, TracesData } from '@apo/shared/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { sendLogs, sendMetrics, sendSpans } from './support/cluster-telemetry.ts';
import { hex } from './support/fixtures.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const KEYS = ['constructor', 'prototype', '__proto__', 'toString', 'hasOwnProperty'] as const;

/** The pairs as the API returns them; `tag` tells the maps of one record apart. */
const pairs = (tag: string): [string, string][] => KEYS.map((k) => [k, `${tag}:${k}`]);

/** Null-prototype, so `__proto__` is an own key the encoder sends like any other. */
function attributesOf(list: [string, string][]): Attributes {
  const out = Object.create(null) as Attributes;
  for (const [k, v] of list) out[k] = v;
  return out;
}

const T0 = Date.now() - 5 * 60_000;
const range = { from: T0 - 60_000, to: T0 + 60_000 };
const NS = BigInt(T0) * 1_000_000n;
const service = 'proto-keys';
const resourceAttributes = attributesOf([['service.name', service], ...pairs('resource')]);
const scope = { name: 'proto-test', version: '1', attributes: attributesOf([]), droppedAttributesCount: 0 };
const traceId = hex(16);
const linkedTrace = hex(16);
const linkedSpan = hex(8);

const span: Span = {
  traceId,
  spanId: hex(8),
  traceState: '',
  parentSpanId: '',
  flags: 1,
  name: 'GET /proto',
  kind: 2,
  startTimeUnixNano: NS,
  endTimeUnixNano: NS + 1_000_000n,
  attributes: attributesOf(pairs('span')),
  droppedAttributesCount: 0,
  events: [
    {
      timeUnixNano: NS + 10n,
      name: 'e',
      attributes: attributesOf(pairs('event')),
      droppedAttributesCount: 0,
    },
  ],
  droppedEventsCount: 0,
  links: [
    {
      traceId: linkedTrace,
      spanId: linkedSpan,
      traceState: '',
      attributes: attributesOf(pairs('link')),
      droppedAttributesCount: 0,
      flags: 0,
    },
  ],
  droppedLinksCount: 0,
  status: { code: 0, message: '' },
};
const traces: TracesData = {
  resourceSpans: [
    {
      resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [{ scope, schemaUrl: '', spans: [span] }],
    },
  ],
};

function logOf(body: string, eventName: string, tag: string): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: [
              {
                timeUnixNano: NS,
                observedTimeUnixNano: NS,
                severityNumber: 9,
                severityText: 'INFO',
                body,
                attributes: attributesOf(pairs(tag)),
                droppedAttributesCount: 0,
                flags: 0,
                traceId: '',
                spanId: '',
                eventName,
              },
            ],
          },
        ],
      },
    ],
  };
}

const metrics: MetricsData = {
  resourceMetrics: [
    {
      resource: { attributes: resourceAttributes, droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeMetrics: [
        {
          scope,
          schemaUrl: '',
          metrics: [
            {
              name: 'proto_keys_gauge',
              description: '',
              unit: '',
              metadata: attributesOf([]),
              data: {
                type: 'gauge',
                points: [
                  {
                    attributes: attributesOf(pairs('label')),
                    startTimeUnixNano: 0n,
                    timeUnixNano: NS,
                    flags: 0,
                    value: 1.5,
                    exemplars: [],
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
};

/** The resource as stored: `service.name` first, as it was sent. */
const storedResource: [string, string][] = [['service.name', service], ...pairs('resource')];

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess();
  api = apiClient(server.httpUrl);
  await sendSpans(server.httpUrl, traces, {});
  await sendLogs(server.httpUrl, logOf('a log line', '', 'log'), {});
  await sendLogs(server.httpUrl, logOf('an event', 'proto.event', 'event-record'), {});
  await sendMetrics(server.httpUrl, metrics, {});
});
afterAll(async () => {
  await server.dispose();
});

describe('attribute keys named like Object.prototype members (real server process)', () => {
  it('traces.byId returns span, resource, event and link attributes exactly', async () => {
    const trace = await api.traces.byId.query({ traceId });
    expect(trace.spans).toHaveLength(1);
    const [got] = trace.spans;
    expect(got!.attributes).toEqual(pairs('span'));
    expect(got!.resource).toEqual(storedResource);
    expect(got!.events).toEqual([{ timeUnixNano: NS + 10n, name: 'e', attributes: pairs('event') }]);
    expect(got!.links).toEqual([
      { traceId: linkedTrace, spanId: linkedSpan, traceState: '', attributes: pairs('link') },
    ]);
  });

  it('traces.search returns them, and filters on them', async () => {
    const found = await api.traces.search.query({
      ...range,
      service,
      attributes: [{ key: '__proto__', value: 'span:__proto__' }],
    });
    expect(found.items.map((s) => [s.attributes, s.resource])).toEqual([[pairs('span'), storedResource]]);
    expect(found.items[0]!.events[0]!.attributes).toEqual(pairs('event'));
  });

  it('logs.search and events.search return them', async () => {
    const logs = await api.logs.search.query({ ...range, service });
    expect(logs.items.map((l) => [l.body, l.attributes, l.resource])).toEqual([
      ['a log line', pairs('log'), storedResource],
    ]);
    const events = await api.events.search.query({ ...range, service });
    expect(events.items.map((e) => [e.name, e.attributes, e.resource])).toEqual([
      ['proto.event', pairs('event-record'), storedResource],
    ]);
  });

  it('metrics.points returns labels and resource attributes', async () => {
    const points = await api.metrics.points.query({ ...range, name: 'proto_keys_gauge' });
    expect(points.map((p) => [p.value, p.labels, p.resource])).toEqual([
      [1.5, pairs('label'), storedResource],
    ]);
  });

  it('OTLP/JSON ingest keeps such keys too', async () => {
    const kv = KEYS.map((key) => ({ key, value: { stringValue: `json:${key}` } }));
    const res = await fetch(`${server.httpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceLogs: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'proto-json' } }, ...kv] },
            scopeLogs: [
              { logRecords: [{ timeUnixNano: String(NS), body: { stringValue: 'json' }, attributes: kv }] },
            ],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const logs = await api.logs.search.query({ ...range, service: 'proto-json' });
    expect(logs.items.map((l) => [l.attributes, l.resource])).toEqual([
      [pairs('json'), [['service.name', 'proto-json'], ...pairs('json')]],
    ]);
  });
});
