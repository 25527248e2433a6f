/**
 * Traces made and exported by the real OpenTelemetry JS SDK (TracerProvider + OTLP/HTTP protobuf
 * exporter), shaped for the agent's tests: a SERVER entry span per trace with a chosen duration and
 * outcome, and a CLIENT child span, so RED and the sampler see what an instrumented service sends.
 */
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

interface TraceShape {
  route: string;
  durationMs: number;
  error?: boolean;
  /** Set to continue a trace started elsewhere (another "host"). */
  parent?: { traceId: string; spanId: string };
}

export interface SdkTraffic {
  /** Ends the spans of one trace; returns its trace id. */
  trace(shape: TraceShape): string;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function sdkTraffic(otlpHttpUrl: string, service: string, instance = `${service}-1`): SdkTraffic {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': service,
      'service.instance.id': instance,
      'process.pid': process.pid,
    }),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${otlpHttpUrl}/v1/traces` }),
        maxExportBatchSize: 512,
        scheduledDelayMillis: 200,
        maxQueueSize: 100_000,
      }),
    ],
  });
  const tracer = provider.getTracer('apo-agent-test');
  return {
    trace(shape) {
      const end = Date.now();
      const start = end - shape.durationMs;
      const parentContext = shape.parent
        ? trace.setSpanContext(context.active(), { ...shape.parent, traceFlags: 1, isRemote: true })
        : context.active();
      const root = tracer.startSpan(
        `GET ${shape.route}`,
        {
          kind: SpanKind.SERVER,
          startTime: start,
          attributes: {
            'http.request.method': 'GET',
            'http.route': shape.route,
            'http.response.status_code': shape.error ? 500 : 200,
          },
        },
        parentContext,
      );
      const child = tracer.startSpan(
        'SELECT shop.items',
        {
          kind: SpanKind.CLIENT,
          startTime: start + 1,
          attributes: {
            'db.system.name': 'postgresql',
            'db.query.text': 'SELECT * FROM items WHERE id = $1',
          },
        },
        trace.setSpan(parentContext, root),
      );
      child.end(Math.max(start + 1, end - 1));
      if (shape.error) root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      root.end(end);
      return root.spanContext().traceId;
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
