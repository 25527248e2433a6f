import { describe, expect, it } from 'vitest';
import { readInstrumentEnv } from './env.ts';

describe('readInstrumentEnv', () => {
  it('defaults to the local agent over OTLP/HTTP with the specification defaults', () => {
    const config = readInstrumentEnv({});
    expect(config).toMatchObject({
      disabled: false,
      endpoints: {
        traces: 'http://127.0.0.1:4318/v1/traces',
        metrics: 'http://127.0.0.1:4318/v1/metrics',
        logs: 'http://127.0.0.1:4318/v1/logs',
      },
      metricExportIntervalMs: 10_000,
      spanScheduleDelayMs: 5_000,
      logScheduleDelayMs: 1_000,
      exitFlushTimeoutMs: 1_000,
      serviceName: undefined,
      diagLevel: 'none',
      esmLoader: 'auto',
      warnings: [],
    });
    expect(Object.keys(config.resourceAttributes)).toEqual([]);
  });

  it('appends the signal path to the general endpoint and uses a signal endpoint as given', () => {
    const config = readInstrumentEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://agent.local:4318/',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example/custom',
    });
    expect(config.endpoints).toEqual({
      traces: 'http://agent.local:4318/v1/traces',
      metrics: 'http://agent.local:4318/v1/metrics',
      logs: 'https://logs.example/custom',
    });
  });

  it('turns a signal off with OTEL_<SIGNAL>_EXPORTER=none and everything off with OTEL_SDK_DISABLED', () => {
    expect(readInstrumentEnv({ OTEL_METRICS_EXPORTER: 'none' }).endpoints.metrics).toBeNull();
    expect(readInstrumentEnv({ OTEL_SDK_DISABLED: 'true' }).disabled).toBe(true);
    expect(readInstrumentEnv({ OTEL_SDK_DISABLED: 'false' }).disabled).toBe(false);
  });

  it('honours the interval and delay variables', () => {
    const config = readInstrumentEnv({
      OTEL_METRIC_EXPORT_INTERVAL: '2500',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BLRP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: ' checkout ',
      OTEL_LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      metricExportIntervalMs: 2500,
      spanScheduleDelayMs: 100,
      logScheduleDelayMs: 50,
      serviceName: 'checkout',
      diagLevel: 'debug',
    });
  });

  it('warns about bad values and keeps the defaults instead of stopping the app', () => {
    const config = readInstrumentEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://agent:4317',
      OTEL_METRIC_EXPORT_INTERVAL: '10s',
      OTEL_TRACES_EXPORTER: 'zipkin',
      OTEL_LOG_LEVEL: 'loud',
      APO_INSTRUMENT_ESM_LOADER: 'fast',
    });
    expect(config.endpoints.traces).toBe('http://127.0.0.1:4318/v1/traces');
    expect(config.metricExportIntervalMs).toBe(10_000);
    expect(config.diagLevel).toBe('none');
    expect(config.esmLoader).toBe('auto');
    expect(config.warnings).toHaveLength(5);
    expect(config.warnings.join('\n')).toContain('OTEL_METRIC_EXPORT_INTERVAL="10s"');
  });

  it('percent-decodes OTEL_RESOURCE_ATTRIBUTES and discards the whole value when an entry is malformed', () => {
    expect({
      ...readInstrumentEnv({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod, team=a%2Cb%3Dc' })
        .resourceAttributes,
    }).toEqual({ 'deployment.environment.name': 'prod', team: 'a,b=c' });
    const bad = readInstrumentEnv({ OTEL_RESOURCE_ATTRIBUTES: 'a=1,b,c=3' });
    expect(Object.keys(bad.resourceAttributes)).toEqual([]);
    expect(bad.warnings).toHaveLength(1);
  });
});
