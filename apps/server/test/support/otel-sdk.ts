import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes as SdkAttributes,
  type Link,
} from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import {
  AggregationTemporality,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { KnownRequest } from './red-telemetry.ts';

/** Real OpenTelemetry JS SDK objects, produced the way an instrumented app produces them. */
function sdkResource(service: string): Resource {
  return resourceFromAttributes({
    'service.name': service,
    'service.version': '1.2.3',
    'service.instance.id': `${service}-1`,
    'host.name': 'test-host',
    'deployment.environment.name': 'test',
  });
}

/** A trace of three spans (server → client → internal) with attributes, events, a link and an error. */
export function makeSpans(service: string): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: sdkResource(service),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('apo-test', '0.0.1');
  const linkTarget = tracer.startSpan('link-target');
  linkTarget.end();
  const link: Link = { context: linkTarget.spanContext(), attributes: { 'link.reason': 'retry-of' } };

  const root = tracer.startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 500,
      'url.path': '/orders/42',
      'user.premium': true,
      'cart.total': 12.5,
      'cart.items': ['a', 'b'],
    },
    links: [link],
  });
  const rootCtx = trace.setSpan(context.active(), root);
  const client = tracer.startSpan(
    'SELECT orders',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'server.address': 'db', 'server.port': 5432 },
    },
    rootCtx,
  );
  client.addEvent('query.retry', { attempt: 2 });
  client.setStatus({ code: SpanStatusCode.ERROR, message: 'connection reset' });
  client.end();
  const internal = tracer.startSpan('render', { kind: SpanKind.INTERNAL }, rootCtx);
  internal.recordException(new Error('template missing'));
  internal.end();
  root.setStatus({ code: SpanStatusCode.ERROR });
  root.end();
  return exporter.getFinishedSpans().filter((s) => s.name !== 'link-target');
}

export function makeLogs(service: string, traceSpan: ReadableSpan): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: sdkResource(service),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('apo-test-logger', '0.0.2');
  const ctx = trace.setSpanContext(context.active(), traceSpan.spanContext());
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: `payment declined for order 42 (${service})`,
    attributes: { 'order.id': 42, 'payment.provider': 'acme' },
    context: ctx,
  });
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: `order shipped (${service})`,
  });
  return exporter.getFinishedLogRecords();
}

class CollectingReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export async function makeMetrics(service: string): Promise<ResourceMetrics> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource: sdkResource(service), readers: [reader] });
  const meter = provider.getMeter('apo-test-meter');
  meter
    .createCounter('orders_total', { unit: '{order}', description: 'orders placed' })
    .add(7, { region: 'eu' });
  meter.createHistogram('request_duration', { unit: 'ms' }).record(120, { route: '/orders' });
  meter.createHistogram('request_duration', { unit: 'ms' }).record(30, { route: '/orders' });
  meter.createGauge('queue_depth').record(3.5, { queue: 'email' });
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new Error(`metric collection failed: ${String(errors[0])}`);
  return resourceMetrics;
}

interface Exporter<T> {
  export(items: T, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

/** Runs one real exporter's export and fails loudly when it reports an error. */
export async function exportWith<T>(exporter: Exporter<T>, items: T): Promise<void> {
  const result = await new Promise<ExportResult>((resolve) => {
    exporter.export(items, resolve);
  });
  await exporter.shutdown();
  if (result.code !== ExportResultCode.SUCCESS) {
    throw new Error(`export failed: ${result.error?.message ?? 'unknown error'}`);
  }
}

/**
 * SERVER spans of `method route` made by the OpenTelemetry SDK, each ending at `endMs`, plus the extra
 * resource attributes given (e.g. the agent's mark).
 */
export function sdkServerSpans(
  service: string,
  route: { method: string; route: string },
  requests: readonly KnownRequest[],
  endMs: number,
  resource: SdkAttributes = {},
): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'service.instance.id': `${service}-1`,
      ...resource,
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('red-test', '1.0.0');
  for (const r of requests) {
    const attributes: SdkAttributes = { 'http.request.method': route.method, 'http.route': route.route };
    if (r.httpStatus !== undefined) attributes['http.response.status_code'] = r.httpStatus;
    const span = tracer.startSpan(`${route.method} ${route.route}`, {
      kind: SpanKind.SERVER,
      attributes,
      startTime: endMs - r.durationMs,
    });
    if (r.error === true) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(endMs);
  }
  return exporter.getFinishedSpans();
}

/** A database CLIENT span (SELECT on `orders` at db:5432) made by the SDK. */
export function sdkDbSpan(service: string, durationMs: number, endMs: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}-1` }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  provider
    .getTracer('red-test')
    .startSpan('SELECT orders', {
      kind: SpanKind.CLIENT,
      startTime: endMs - durationMs,
      attributes: {
        'db.system.name': 'postgresql',
        'db.namespace': 'shop',
        'db.query.text': 'SELECT * FROM orders WHERE id = $1',
        'server.address': 'db',
        'server.port': 5432,
      },
    })
    .end(endMs);
  return exporter.getFinishedSpans();
}
