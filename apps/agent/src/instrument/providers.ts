import type * as Api from '@opentelemetry/api';
import type * as ApiLogs from '@opentelemetry/api-logs';
import type * as ContextAsyncHooks from '@opentelemetry/context-async-hooks';
import type * as Core from '@opentelemetry/core';
import type * as LogExporter from '@opentelemetry/exporter-logs-otlp-proto';
import type * as MetricExporter from '@opentelemetry/exporter-metrics-otlp-proto';
import type * as TraceExporter from '@opentelemetry/exporter-trace-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import type * as SdkLogs from '@opentelemetry/sdk-logs';
import type { LoggerProvider } from '@opentelemetry/sdk-logs';
import type * as SdkMetrics from '@opentelemetry/sdk-metrics';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import type * as SdkTrace from '@opentelemetry/sdk-trace';
import type { TracerProvider } from '@opentelemetry/sdk-trace';
import { requireCjs } from './cjs.ts';
import type { InstrumentConfig } from './env.ts';

const { context, logs, metrics, propagation, trace } = requireCjs('@opentelemetry/api') as typeof Api;
const { logs: legacyLogs } = requireCjs('@opentelemetry/api-logs') as typeof ApiLogs;
const { AsyncLocalStorageContextManager } = requireCjs(
  '@opentelemetry/context-async-hooks',
) as typeof ContextAsyncHooks;
const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } = requireCjs(
  '@opentelemetry/core',
) as typeof Core;
const { OTLPLogExporter } = requireCjs('@opentelemetry/exporter-logs-otlp-proto') as typeof LogExporter;
const { OTLPMetricExporter } = requireCjs(
  '@opentelemetry/exporter-metrics-otlp-proto',
) as typeof MetricExporter;
const { OTLPTraceExporter } = requireCjs('@opentelemetry/exporter-trace-otlp-proto') as typeof TraceExporter;
const { BatchLogRecordProcessor, LoggerProvider: LoggerProviderClass } = requireCjs(
  '@opentelemetry/sdk-logs',
) as typeof SdkLogs;
const { MeterProvider: MeterProviderClass, PeriodicExportingMetricReader } = requireCjs(
  '@opentelemetry/sdk-metrics',
) as typeof SdkMetrics;
const { BatchSpanProcessor, TracerProvider: TracerProviderClass } = requireCjs(
  '@opentelemetry/sdk-trace',
) as typeof SdkTrace;

/**
 * The three SDK providers, each exporting OTLP/HTTP protobuf to the agent, registered as the process's
 * global providers. Exporters never block the app: batches are exported in the background, and when the
 * agent is unreachable they retry within their timeout and then drop.
 */
export interface TelemetryProviders {
  tracerProvider: TracerProvider;
  meterProvider: MeterProvider;
  loggerProvider: LoggerProvider;
  /** Exports what is buffered; resolves (never rejects) when every provider is done or has given up. */
  forceFlush(): Promise<void>;
  /** Final flush, then stop: later telemetry is dropped. Resolves, never rejects. */
  shutdown(): Promise<void>;
}

/** The SDK default export timeout, capped so it never exceeds a short metric interval (the SDK insists). */
const METRIC_EXPORT_TIMEOUT_MS = 30_000;

export function startProviders(config: InstrumentConfig, resource: Resource): TelemetryProviders {
  const { traces, metrics: metricsUrl, logs: logsUrl } = config.endpoints;

  const tracerProvider = new TracerProviderClass({
    resource,
    spanProcessors:
      traces === null
        ? []
        : [
            new BatchSpanProcessor({
              exporter: new OTLPTraceExporter({ url: traces }),
              scheduledDelayMillis: config.spanScheduleDelayMs,
            }),
          ],
  });
  const meterProvider = new MeterProviderClass({
    resource,
    readers:
      metricsUrl === null
        ? []
        : [
            new PeriodicExportingMetricReader({
              exporter: new OTLPMetricExporter({ url: metricsUrl }),
              exportIntervalMillis: config.metricExportIntervalMs,
              exportTimeoutMillis: Math.min(METRIC_EXPORT_TIMEOUT_MS, config.metricExportIntervalMs),
            }),
          ],
  });
  const loggerProvider = new LoggerProviderClass({
    resource,
    processors:
      logsUrl === null
        ? []
        : [
            new BatchLogRecordProcessor({
              exporter: new OTLPLogExporter({ url: logsUrl }),
              scheduledDelayMillis: config.logScheduleDelayMs,
            }),
          ],
  });

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  logs.setGlobalLoggerProvider(loggerProvider);
  // The winston transport still reads the logs API from the separate @opentelemetry/api-logs package,
  // which keeps its own global.
  legacyLogs.setGlobalLoggerProvider(loggerProvider);

  const settle = (work: Promise<unknown>[]) => Promise.allSettled(work).then(() => undefined);
  return {
    tracerProvider,
    meterProvider,
    loggerProvider,
    forceFlush: () =>
      settle([tracerProvider.forceFlush(), meterProvider.forceFlush(), loggerProvider.forceFlush()]),
    shutdown: () => settle([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]),
  };
}
