export { createLogCollector } from './log-collector.ts';
export {
  DEFAULT_TUNING,
  type LogCollector,
  type LogCollectorOptions,
  type LogCollectorStats,
  type LogCollectorTuning,
} from './log-collector-api.ts';
export type { CollectorLog } from './collector-log.ts';
export type { LogBatchInfo, LogSink } from './log-batcher.ts';
export { logSourceSchema, logSourcesSchema, type LogSourceConfig } from './log-source-config.ts';
export { LOG_ERRORS_METRIC, LOG_RECORDS_METRIC } from './log-count-metrics.ts';
export { CHECKPOINT_FILE } from './checkpoint-store.ts';
