/**
 * RED (rate, errors, duration) from 100 % of spans: the platform-free aggregator the agent and the server
 * both run, the rollup rows the server stores, and quantiles from the fixed buckets. The metric names,
 * attribute keys and bucket bounds are documented in docs/red-metrics.md.
 */
export * from './red-schema.ts';
export { spanNeedsRed, markRedComputed } from './red-marker.ts';
export { createRedAggregator } from './red-aggregator.ts';
export type { RedAggregator, RedAggregatorOptions, RedAggregatorStats } from './red-aggregator.ts';
export { redBucketIndex } from './red-histogram.ts';
export { redRollupRows } from './red-rollup.ts';
export type { RedClientRollupRow, RedRollupRows, RedServerRollupRow } from './red-rollup.ts';
export { interpolateQuantile, sumRedFigures, summarizeRed } from './red-quantiles.ts';
export type { RedFigures, RedSummary } from './red-quantiles.ts';
export { parseSqlHead } from './sql-head.ts';
export type { SqlHead } from './sql-head.ts';
export { entryEndpoint, entryKindIndex, spanFailed } from './span-classification.ts';
