import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter as TraceProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as TraceJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TraceGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as MetricsJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { exportWith, makeLogs, makeMetrics, makeSpans } from './support/otel-sdk.ts';

const ns = (t: HrTime) => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);

/** How the server stores attribute values as text: primitives as themselves, arrays as JSON. */
function text(value: unknown): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}
/** As the API returns them: `[key, value]` pairs in the order they were sent. */
function textAttributes(attrs: Record<string, unknown>): [string, string][] {
  return Object.entries(attrs).map(([k, v]) => [k, text(v)]);
}

let server: ServerProcess;
let api: ApiClient;
const window = { from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 };

beforeAll(async () => {
  server = await startServerProcess();
  api = apiClient(server.httpUrl);
});
afterAll(async () => {
  await server.dispose();
});

const transports = [
  {
    name: 'OTLP/HTTP protobuf',
    traces: () => new TraceProto({ url: `${server.httpUrl}/v1/traces` }),
    logs: () => new LogsProto({ url: `${server.httpUrl}/v1/logs` }),
    metrics: () => new MetricsProto({ url: `${server.httpUrl}/v1/metrics` }),
  },
  {
    name: 'OTLP/HTTP JSON',
    traces: () => new TraceJson({ url: `${server.httpUrl}/v1/traces` }),
    logs: () => new LogsJson({ url: `${server.httpUrl}/v1/logs` }),
    metrics: () => new MetricsJson({ url: `${server.httpUrl}/v1/metrics` }),
  },
  {
    name: 'OTLP/gRPC',
    traces: () => new TraceGrpc({ url: server.grpcUrl }),
    logs: () => new LogsGrpc({ url: server.grpcUrl }),
    metrics: () => new MetricsGrpc({ url: server.grpcUrl }),
  },
];

describe.each(transports)('the OpenTelemetry JS SDK exporting over $name', (transport) => {
  const service = `svc-${transport.name.replace(/[^a-z]/gi, '').toLowerCase()}`;
  let spans: ReadableSpan[];

  it('stores every span, and traces.byId returns each field as sent', async () => {
    spans = makeSpans(service);
    await exportWith(transport.traces(), spans);
    const traceId = spans[0]!.spanContext().traceId;
    const stored = await api.traces.byId.query({ traceId });
    expect(stored.spans).toHaveLength(spans.length);
    for (const sent of spans) {
      const got = stored.spans.find((s) => s.spanId === sent.spanContext().spanId);
      expect(got, `span ${sent.name}`).toBeDefined();
      expect(got).toMatchObject({
        traceId,
        parentSpanId: sent.parentSpanContext?.spanId ?? '',
        name: sent.name,
        kind: sent.kind + 1, // the API's SpanKind starts at INTERNAL = 0, OTLP's at UNSPECIFIED = 0
        service,
        serviceVersion: '1.2.3',
        instance: `${service}-1`,
        cluster: 'default',
        startTimeUnixNano: ns(sent.startTime),
        endTimeUnixNano: ns(sent.endTime),
        status: { code: sent.status.code, message: sent.status.message ?? '' },
        scope: { name: 'apo-test', version: '0.0.1' },
      });
      expect(got!.attributes).toEqual(textAttributes(sent.attributes));
      expect(got!.resource).toEqual(textAttributes(sent.resource.attributes));
      expect(got!.events).toEqual(
        sent.events.map((e) => ({
          name: e.name,
          timeUnixNano: ns(e.time),
          attributes: textAttributes(e.attributes ?? {}),
        })),
      );
      expect(got!.links).toEqual(
        sent.links.map((l) => ({
          traceId: l.context.traceId,
          spanId: l.context.spanId,
          traceState: '',
          attributes: textAttributes(l.attributes ?? {}),
        })),
      );
    }
  });

  it('finds the spans with traces.search filters', async () => {
    const errors = await api.traces.search.query({ ...window, service, status: 'error' });
    expect(errors.items.map((s) => s.name).sort()).toEqual(['GET /orders/:id', 'SELECT orders']);
    const byAttr = await api.traces.search.query({
      ...window,
      attributes: [{ key: 'db.system.name', value: 'postgresql' }],
      service,
    });
    expect(byAttr.items.map((s) => s.name)).toEqual(['SELECT orders']);
  });

  it('stores every log record with its trace context, severity and body', async () => {
    const records: ReadableLogRecord[] = makeLogs(service, spans[0]!);
    await exportWith(transport.logs(), records);
    const found = await api.logs.search.query({ ...window, service });
    expect(found.items).toHaveLength(records.length);
    for (const sent of records) {
      const got = found.items.find((l) => l.body === sent.body);
      expect(got, String(sent.body)).toBeDefined();
      expect(got).toMatchObject({
        timeUnixNano: ns(sent.hrTime),
        observedTimeUnixNano: ns(sent.hrTimeObserved),
        severityNumber: sent.severityNumber,
        severityText: sent.severityText,
        traceId: sent.spanContext?.traceId ?? '',
        spanId: sent.spanContext?.spanId ?? '',
        scopeName: 'apo-test-logger',
      });
      expect(got!.attributes).toEqual(textAttributes(sent.attributes));
    }
    const byTrace = await api.logs.search.query({ ...window, traceId: spans[0]!.spanContext().traceId });
    expect(byTrace.items.map((l) => l.severityText)).toEqual(['ERROR']);
    const byText = await api.logs.search.query({ ...window, service, text: 'Payment DECLINED' });
    expect(byText.items).toHaveLength(1);
  });

  it('stores every metric point with its value, labels and histogram buckets', async () => {
    const sent: ResourceMetrics = await makeMetrics(service);
    await exportWith(transport.metrics(), sent);
    for (const metric of sent.scopeMetrics.flatMap((s) => s.metrics)) {
      const points = await api.metrics.points.query({ ...window, name: metric.descriptor.name, service });
      expect(points, metric.descriptor.name).toHaveLength(metric.dataPoints.length);
      metric.dataPoints.forEach((dp, i) => {
        const got = points[i]!;
        expect(got.labels).toEqual(textAttributes(dp.attributes));
        expect(got.timeUnixNano).toBe(ns(dp.endTime));
        expect(got.startTimeUnixNano).toBe(ns(dp.startTime));
        expect(got.unit).toBe(metric.descriptor.unit);
        if (metric.dataPointType === DataPointType.HISTOGRAM) {
          const h = dp.value as {
            buckets: { boundaries: number[]; counts: number[] };
            sum: number;
            count: number;
            min: number;
            max: number;
          };
          expect(got).toMatchObject({
            type: 'histogram',
            count: BigInt(h.count),
            sum: h.sum,
            min: h.min,
            max: h.max,
            bucketBounds: h.buckets.boundaries,
            bucketCounts: h.buckets.counts.map(BigInt),
          });
        } else {
          expect(got.value).toBe(dp.value);
          expect(got.type).toBe(metric.dataPointType === DataPointType.GAUGE ? 'gauge' : 'sum');
        }
      });
    }
  });
});

describe('services.list', () => {
  it('lists each service that sent spans, with its span and error counts', async () => {
    const services = await api.services.list.query(window);
    expect(services.map((s) => s.name)).toEqual(['svc-otlpgrpc', 'svc-otlphttpjson', 'svc-otlphttpprotobuf']);
    for (const s of services) expect(s).toMatchObject({ spanCount: 3, errorCount: 2, logCount: 2 });
  });
});
