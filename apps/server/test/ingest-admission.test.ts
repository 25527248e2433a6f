/**
 * Admission and the per-item limits against a real server process and its engine: what a client is told
 * (the OTLP partial success), what is stored, and that nothing lands outside the retention window.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributeValue, type Attributes, type LogsData, type SpanEvent } from '@apo/shared/model';
import { encodeLogsProto, encodeTracesProto } from '@apo/shared/otlp';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { hex, tracesRequest } from './support/fixtures.ts';

let server: ServerProcess;
let api: ApiClient;

const DAY_MS = 86_400_000;
const DAY_NS = 86_400_000_000_000n;
const nowNs = () => BigInt(Date.now()) * 1_000_000n;
/** Every time the storage can hold, from the epoch to the end of DateTime64(9) (2262-04-11). */
const everything = { from: 0, to: Date.UTC(2262, 0, 1) };

beforeAll(async () => {
  server = await startServerProcess();
  api = apiClient(server.httpUrl);
});
afterAll(async () => {
  await server.dispose();
});

const json = { 'content-type': 'application/json' };

async function post(path: string, body: Uint8Array | string, headers: Record<string, string>) {
  const res = await fetch(`${server.httpUrl}${path}`, { method: 'POST', body, headers });
  const type = res.headers.get('content-type') ?? '';
  const payload = type.includes('json') ? ((await res.json()) as Record<string, unknown>) : {};
  return { status: res.status, payload };
}

/** A protobuf request; the answer's bytes as text, which holds the partial success's message verbatim. */
async function postProto(path: string, body: Uint8Array) {
  const res = await fetch(`${server.httpUrl}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-protobuf' },
  });
  return { status: res.status, text: new TextDecoder().decode(await res.arrayBuffer()) };
}

async function spanCount(service: string): Promise<number> {
  const services = await api.services.list.query(everything);
  return services.find((s) => s.name === service)?.spanCount ?? 0;
}

/** A counter of the server's /metrics, summed over the series whose labels contain `labels`. */
async function serverMetric(name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || !line.includes(labels)) continue;
    const match = /^(\w+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) sum += Number(match[3]);
  }
  return sum;
}

function spanJson(service: string, spans: Record<string, unknown>[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans }],
      },
    ],
  });
}

function jsonSpan(startNs: bigint, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    traceId: hex(16),
    spanId: hex(8),
    name: 'op',
    kind: 2,
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: (startNs + 1_000_000n).toString(),
    ...over,
  };
}

describe('times outside [now − retention, now + 1 day] are rejected per item', () => {
  it("the issue's case: 101 spans, span i started i days ago → 94 rejected, 7 stored; 20 concurrent good requests all stored", async () => {
    const start = nowNs();
    const spans = Array.from({ length: 101 }, (_, i) => jsonSpan(start - BigInt(i) * DAY_NS));
    const storedBefore = await serverMetric('apo_storage_stored_rows_total', 'table="spans"');
    const good = Array.from({ length: 20 }, (_, i) =>
      post('/v1/traces', JSON.stringify(jsonBody(`admission-crowd-${i}`, 5)), json),
    );
    const [answer, ...others] = await Promise.all([
      post('/v1/traces', spanJson('admission-days', spans), json),
      ...good,
    ]);

    expect(answer.status).toBe(200);
    const partial = answer.payload.partialSuccess as { rejectedSpans: string; errorMessage: string };
    expect(partial.rejectedSpans).toBe('94');
    expect(partial.errorMessage).toMatch(
      /^94 of 101 spans rejected: 94 with a startTimeUnixNano outside \[\S+Z, \S+Z\] \(the spans' retention of 7 days, up to 1 day ahead\); first: \d+ \(\S+Z\)$/,
    );
    // The first offending value is span 7's start, 7 days before the request was built.
    expect(partial.errorMessage).toContain(`first: ${start - 7n * DAY_NS} (`);
    for (const other of others) expect(other).toEqual({ status: 200, payload: {} });

    expect(await spanCount('admission-days')).toBe(7);
    for (let i = 0; i < 20; i++) expect(await spanCount(`admission-crowd-${i}`)).toBe(5);
    expect(await serverMetric('apo_storage_stored_rows_total', 'table="spans"')).toBe(storedBefore + 7 + 100);
    const traces = await api.traces.search.query({
      from: Date.now() - 8 * DAY_MS,
      to: Date.now() + DAY_MS,
      service: 'admission-days',
      limit: 100,
    });
    expect(traces.items).toHaveLength(7);
  });

  it.each([
    ['year 2500', 16_725_225_600_000_000_000n],
    ['2^63 ns', 2n ** 63n],
    ['u64 max', 2n ** 64n - 1n],
    ['0', 0n],
    ['year 2261', 9_183_110_400_000_000_000n],
  ])(
    'a span starting at %s → rejected with the value in the message, the good span stored, nothing elsewhere',
    async (label, ns) => {
      const service = `admission-${label.replace(/\W/g, '')}`;
      const storedBefore = await serverMetric('apo_storage_stored_rows_total', 'table="spans"');
      const rejectedBefore = await serverMetric('apo_ingest_rejected_records_total', 'reason="time"');
      const res = await post(
        '/v1/traces',
        spanJson(service, [jsonSpan(ns, { endTimeUnixNano: ns.toString() }), jsonSpan(nowNs())]),
        json,
      );
      expect(res.status).toBe(200);
      const partial = res.payload.partialSuccess as { rejectedSpans: string; errorMessage: string };
      expect(partial.rejectedSpans).toBe('1');
      expect(partial.errorMessage).toContain(`1 with a startTimeUnixNano outside [`);
      expect(partial.errorMessage).toContain(`first: ${ns} (`);
      // One row stored, in the window: the API over all representable time sees only it.
      expect(await spanCount(service)).toBe(1);
      expect(await serverMetric('apo_storage_stored_rows_total', 'table="spans"')).toBe(storedBefore + 1);
      expect(await serverMetric('apo_ingest_rejected_records_total', 'reason="time"')).toBe(
        rejectedBefore + 1,
      );
    },
  );

  it('an out-of-window log record is rejected (rejectedLogRecords), the in-window one stored', async () => {
    const service = 'admission-logs';
    const now = nowNs();
    const res = await postProto(
      '/v1/logs',
      encodeLogsProto(
        logsRequest(service, [
          { time: now - 8n * DAY_NS, body: 'old' },
          { time: now, body: 'new' },
        ]),
      ),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('1 of 2 log records rejected: 1 with a timeUnixNano outside [');
    expect(res.text).toContain("(the logs' retention of 7 days, up to 1 day ahead)");
    const logs = await api.logs.search.query({ ...everything, service });
    expect(logs.items.map((l) => l.body)).toEqual(['new']);

    const jsonAnswer = await post('/v1/logs', logsJson(service, now - 9n * DAY_NS), json);
    expect(jsonAnswer.payload.partialSuccess).toMatchObject({ rejectedLogRecords: '1' });
  });

  it('an out-of-window data point is rejected (rejectedDataPoints), the in-window one stored', async () => {
    const service = 'admission-metrics';
    const now = nowNs();
    const res = await post(
      '/v1/metrics',
      JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'admission_gauge',
                    gauge: {
                      dataPoints: [
                        { timeUnixNano: (now - 31n * DAY_NS).toString(), asDouble: 1 },
                        { timeUnixNano: now.toString(), asDouble: 2 },
                        { timeUnixNano: (now + 2n * DAY_NS).toString(), asDouble: 3 },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
      json,
    );
    expect(res.status).toBe(200);
    const partial = res.payload.partialSuccess as { rejectedDataPoints: string; errorMessage: string };
    expect(partial.rejectedDataPoints).toBe('2');
    expect(partial.errorMessage).toContain("(the metrics' retention of 30 days, up to 1 day ahead)");
    const points = await api.metrics.points.query({ ...everything, name: 'admission_gauge' });
    expect(points.map((p) => p.value)).toEqual([2]);
  });
});

describe('invalid ids and kinds are rejected per item', () => {
  it('kind 99, an all-zero trace id, an empty span id → 3 rejected naming the fields, the 2 good spans stored', async () => {
    const service = 'admission-ids';
    const now = nowNs();
    const res = await post(
      '/v1/traces',
      spanJson(service, [
        jsonSpan(now, { kind: 99 }),
        jsonSpan(now),
        jsonSpan(now, { traceId: '0'.repeat(32) }),
        jsonSpan(now, { spanId: '' }),
        jsonSpan(now),
      ]),
      json,
    );
    expect(res.status).toBe(200);
    const partial = res.payload.partialSuccess as { rejectedSpans: string; errorMessage: string };
    expect(partial.rejectedSpans).toBe('3');
    expect(partial.errorMessage).toContain('3 of 5 spans rejected');
    expect(partial.errorMessage).toContain('1 with a kind outside 0..5; first: kind 99');
    expect(partial.errorMessage).toContain('1 with an empty or all-zero traceId');
    expect(partial.errorMessage).toContain('1 with an empty or all-zero spanId');
    expect(await spanCount(service)).toBe(2);
  });

  it("a log record's all-zero trace and span ids are stored as no trace context", async () => {
    const service = 'admission-zero-log-ids';
    const res = await postProto(
      '/v1/logs',
      encodeLogsProto(
        logsRequest(service, [
          { time: nowNs(), body: 'no context', traceId: '0'.repeat(32), spanId: '0'.repeat(16) },
        ]),
      ),
    );
    expect(res.status).toBe(200);
    const logs = await api.logs.search.query({ ...everything, service });
    expect(logs.items.map((l) => [l.body, l.traceId, l.spanId])).toEqual([['no context', '', '']]);
  });
});

describe('over OTLP/gRPC', () => {
  it('the partial success carries the rejected count and the message', async () => {
    const now = nowNs();
    const request = tracesRequest('admission-grpc', 3);
    const spans = request.resourceSpans[0]!.scopeSpans[0]!.spans;
    spans[0]!.startTimeUnixNano = now - 10n * DAY_NS;
    spans[1]!.startTimeUnixNano = now - 9n * DAY_NS;
    const client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    try {
      const answer = await new Promise<Buffer>((resolve, reject) => {
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.from(encodeTracesProto(request)),
          (err, res) => (err || !res ? reject(err ?? new Error('no answer')) : resolve(res)),
        );
      });
      // ExportTraceServiceResponse { 1: ExportTracePartialSuccess { 1: rejected_spans = 2, 2: error_message } }
      let at = 1;
      while (answer[at]! & 0x80) at++; // the partial success's length, a varint
      expect([answer[0], answer[at + 1], answer[at + 2], answer[at + 3]]).toEqual([0x0a, 0x08, 2, 0x12]);
      expect(answer.toString('utf8')).toContain(
        '2 of 3 spans rejected: 2 with a startTimeUnixNano outside [',
      );
    } finally {
      client.close();
    }
    expect(await spanCount('admission-grpc')).toBe(1);
  });
});

describe('bounds on one item', () => {
  it('1 span with 1,000,000 events (~14 MB) → stored with 128, droppedEventsCount the rest, a warning', async () => {
    const request = tracesRequest('admission-events', 1);
    const span = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const noAttributes = Object.create(null) as Attributes;
    const at = span.startTimeUnixNano;
    span.events = Array.from({ length: 1_000_000 }, (): SpanEvent => ({
      timeUnixNano: at,
      name: 'e',
      attributes: noAttributes,
      droppedAttributesCount: 0,
    }));
    const body = encodeTracesProto(request);
    expect(body.length).toBeGreaterThan(13_000_000);
    expect(body.length).toBeLessThan(16 * 1024 * 1024);
    const res = await postProto('/v1/traces', body);
    expect(res.status).toBe(200);
    expect(res.text).toContain('999872 span events dropped (limit 128 per span)');
    const trace = await api.traces.byId.query({ traceId: span.traceId });
    expect(trace.spans[0]!.events).toHaveLength(128);
    expect(trace.spans[0]!.dropped.events).toBe(999_872);
    expect(await serverMetric('apo_ingest_dropped_span_events_total')).toBeGreaterThanOrEqual(999_872);
  });

  it('a 100,000-entry array value is cut to 1,000 entries', async () => {
    const attributes = Object.create(null) as Attributes;
    attributes.ids = Array.from({ length: 100_000 }, (_, i) => BigInt(i));
    const request = tracesRequest('admission-array', 1, { attributes });
    const traceId = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId;
    const res = await postProto('/v1/traces', encodeTracesProto(request));
    expect(res.status).toBe(200);
    expect(res.text).toContain('99000 array / kvlist entries dropped (limit 1000 per value)');
    const trace = await api.traces.byId.query({ traceId });
    const ids = JSON.parse(attributeValue(trace.spans[0]!.attributes, 'ids')!) as number[];
    expect(ids).toHaveLength(1_000);
    expect(ids[999]).toBe(999);
  });

  it("a log record's attributes are cut at 64 KiB: 64 of 100 one-KiB attributes kept", async () => {
    const service = 'admission-log-bytes';
    const attributes = Object.create(null) as Attributes;
    for (let i = 0; i < 100; i++) attributes[`key.${String(i).padStart(6, '0')}`] = 'v'.repeat(1_000);
    const res = await postProto(
      '/v1/logs',
      encodeLogsProto(logsRequest(service, [{ time: nowNs(), body: 'wide', attributes }])),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain(
      '36 attributes dropped (limit 128 per record, 65536 attribute bytes per item (reached by 1 items))',
    );
    const logs = await api.logs.search.query({ ...everything, service });
    expect(logs.items[0]!.attributes.map(([key]) => key).sort()).toEqual(
      Object.keys(attributes).slice(0, 64),
    );
  });
});

function jsonBody(service: string, count: number) {
  const now = nowNs();
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans: Array.from({ length: count }, (_, i) => jsonSpan(now + BigInt(i))) }],
      },
    ],
  };
}

interface LogSpec {
  time: bigint;
  body: string;
  traceId?: string;
  spanId?: string;
  attributes?: Attributes;
}

function logsRequest(service: string, records: LogSpec[]): LogsData {
  const resource = Object.create(null) as Attributes;
  resource['service.name'] = service;
  return {
    resourceLogs: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        scopeLogs: [
          {
            scope: {
              name: '',
              version: '',
              attributes: Object.create(null) as Attributes,
              droppedAttributesCount: 0,
            },
            logRecords: records.map((r) => ({
              timeUnixNano: r.time,
              observedTimeUnixNano: 0n,
              severityNumber: 9,
              severityText: 'INFO',
              body: r.body,
              attributes: r.attributes ?? (Object.create(null) as Attributes),
              droppedAttributesCount: 0,
              flags: 0,
              traceId: r.traceId ?? '',
              spanId: r.spanId ?? '',
              eventName: '',
            })),
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  };
}

function logsJson(service: string, time: bigint): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeLogs: [{ logRecords: [{ timeUnixNano: time.toString(), body: { stringValue: 'older' } }] }],
      },
    ],
  });
}
