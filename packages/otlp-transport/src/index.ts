export type { OutboundBatch } from './batch.ts';
export {
  IngestError,
  grpcCodeOf,
  httpStatusOf,
  type IngestErrorKind,
  decompressBody,
  payloadEncodingOf,
  supportedEncodings,
  type PayloadEncoding,
  encodeRpcStatus,
  refusalWhenUnwritable,
  UNWRITABLE_RETRY_AFTER_SECONDS,
  createOtlpGrpcServer,
  type ExportOutcome,
  type OtlpGrpcOptions,
  type OtlpGrpcRequest,
  readBody,
  startOtlpHttpReceiver,
  type OtlpHttpReceiver,
  type OtlpHttpReceiverOptions,
  type OtlpHttpRequest,
  defaultConnectionLimits,
  discardUnreadBody,
  grpcServerOptions,
  httpServerOptions,
  limitHttpConnections,
  listenGrpc,
  type ConnectionLimits,
  type GrpcListener,
  InFlightBytes,
  InFlightLease,
} from './receivers/index.ts';
export { ConfigError, list, parseConfig, readConfigFile, setIn } from './config/config-file.ts';
export {
  healthBody,
  metricsText,
  startStatusServer,
  type HealthBody,
  type HealthFields,
  type HealthStatus,
  type StatusServer,
  type StatusServerOptions,
} from './status/status-server.ts';
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
