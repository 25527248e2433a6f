/**
 * The standard codec workload: deterministic (seeded) OTLP-shaped telemetry resembling what instrumented
 * web services send — HTTP server spans with HTTP client and database children, a few errors with
 * exception events, per-service resources — so codec figures are comparable across runs and machines.
 */
export { generateTraces, countSpans } from './workload/traces.ts';
export { generateLogs } from './workload/logs.ts';
