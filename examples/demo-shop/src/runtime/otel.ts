import {
  context,
  metrics,
  SpanStatusCode,
  propagation,
  trace,
  type Attributes,
  type Context,
  type Meter,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';

/**
 * The OpenTelemetry API, for the few things a real app does by hand: business spans, the queue's
 * producer/consumer spans and context propagation through messages, and connection-pool metrics. The preload
 * registers its providers with this same API (one copy in the workspace; the API's global registry would join
 * two copies of the same major version anyway). Without the preload every call is a no-op, as the API promises.
 */
export type { Attributes, Context, Span, SpanOptions };

export { SpanKind } from '@opentelemetry/api';

const INSTRUMENTATION_SCOPE = '@apo/demo-shop';

const tracer = (): Tracer => trace.getTracer(INSTRUMENTATION_SCOPE);
export const meter = (): Meter => metrics.getMeter(INSTRUMENTATION_SCOPE);
export const spanOf = (context: Context): Span | undefined => trace.getSpan(context);

export function injectContext(carrier: Record<string, string>): Record<string, string> {
  propagation.inject(context.active(), carrier);
  return carrier;
}

export function extractContext(carrier: Record<string, string>): Context {
  return propagation.extract(context.active(), carrier);
}

/**
 * Runs `fn` in a business span: ended when the promise settles, with ERROR status and the exception when it
 * rejects.
 */
export async function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  return tracer().startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}
