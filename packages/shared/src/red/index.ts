/**
 * RED (rate, errors, duration) from 100 % of spans: the platform-free aggregator the agent and the server
 * both run, the rollup rows the server stores, and quantiles from the fixed buckets. The metric names,
 * attribute keys and bucket bounds are documented in docs/red-metrics.md. `@apo/shared/red`.
 */
export {
  RED_BUCKET_BOUNDS_MS,
  RED_BUCKET_BOUNDS_SECONDS,
  RED_BUCKET_COUNT,
  RED_CLIENT_METRIC,
  RED_COMPUTED_ATTRIBUTE,
  RED_DEFAULT_MAX_SERIES,
  RED_MAX_KEY_LENGTH,
  RED_METRIC_UNIT,
  RED_OTHER,
  RED_SCOPE_NAME,
  RED_SCOPE_VERSION,
  RED_SERVER_METRIC,
  RedAttribute,
  RedCallType,
} from './red-schema.ts';
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
export {
  CallClassifier,
  describeCall,
  entryEndpoint,
  entryKindIndex,
  newCallDescriptor,
  spanFailed,
} from './span-classification.ts';
export type { CallDescriptor } from './span-classification.ts';
