export type { OutboundBatch } from './batch.ts';
export * from './receivers/index.ts';
export * from './config/config-file.ts';
export * from './status/status-server.ts';
export { queueHealth } from './status/queue-health.ts';
export { newBatchId } from './batch-id.ts';
export { processAlive } from './process-alive.ts';
export { DEFAULT_GZIP_LEVEL, gzipBody, packBody, unpackBody } from './gzip-body.ts';
export {
  DiskQueue,
  type AppendResult,
  type DiskQueueOptions,
  type DiskQueueSignalStats,
  type DiskQueueStats,
  type FsyncPolicy,
  type QueuedRecord,
  type WhenFull,
  DiskQueueWriteError,
  type QueueWriteState,
} from './disk-queue/index.ts';
export { defaultBackoff, retryDelayMs, type BackoffOptions } from './exporter/retry-policy.ts';
export {
  BatchExporter,
  type BatchExporterOptions,
  type CloseOptions as BatchExporterCloseOptions,
  type SettledOutcome,
} from './exporter/batch-exporter.ts';
export {
  combineExportStats,
  renderExportMetrics,
  type ExporterSignalStats,
  type ExportStats,
  type SignalExportStats,
} from './export-stats.ts';
export { MetricText } from './status/metric-text.ts';
export { DecisionBoard, type DecisionBoardOptions, type DecisionPage } from './sampling/decision-board.ts';
export {
  connectionLimitsOf,
  connectionsConfigSchema,
  type ConnectionsConfig,
} from './config/connections-config.ts';
