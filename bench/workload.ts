/**
 * The standard codec workload: deterministic (seeded) OTLP-shaped telemetry resembling what instrumented
 * web services send — HTTP server spans with HTTP client and database children, a few errors with
 * exception events, per-service resources — so codec figures are comparable across runs and machines.
 */
export { generateTraces, countSpans, type TraceWorkloadOptions } from './workload/traces.ts';
export { generateLogs, type LogWorkloadOptions } from './workload/logs.ts';
export { generateMetrics, type MetricWorkloadOptions } from './workload/metrics.ts';
