/**
 * The log collector's public surface: options, tuning knobs with their defaults, statistics and the
 * collector itself (implemented in log-collector.ts).
 */
import type { ResourceMetrics } from '@apo/shared/model';
import type { CollectorLog } from './collector-log.ts';
import type { LogSink } from './log-batcher.ts';
import type { LogSourceConfig } from './log-source-config.ts';

export interface LogCollectorTuning {
  readChunkBytes: number;
  /** Longer lines keep their first bytes and are flagged `log.truncated`. */
  maxLineBytes: number;
  batchMaxRecords: number;
  batchMaxBytes: number;
  batchMaxDelayMs: number;
  partialLineFlushMs: number;
  multilineFlushMs: number;
  /** How long a rotated-away or deleted file is kept open after its last growth. */
  rotateWaitMs: number;
  /** Checkpoints of files no longer tailed are forgotten after this long. */
  checkpointRetentionMs: number;
  /** Use fs.watch as a hint to read sooner than the next poll. */
  watch: boolean;
}

export const DEFAULT_TUNING: LogCollectorTuning = {
  readChunkBytes: 256 * 1024,
  maxLineBytes: 1024 * 1024,
  batchMaxRecords: 1000,
  batchMaxBytes: 1024 * 1024,
  batchMaxDelayMs: 1000,
  partialLineFlushMs: 5000,
  multilineFlushMs: 2000,
  rotateWaitMs: 5000,
  checkpointRetentionMs: 24 * 3600 * 1000,
  watch: true,
};

export interface LogCollectorOptions {
  sources: readonly LogSourceConfig[];
  /** The agent's data directory; the checkpoint file lives in it. */
  dataDir: string;
  sink: LogSink;
  log: CollectorLog;
  /** `host.name` and the default `service.instance.id` (default: os.hostname()). */
  hostName?: string;
  /** How often the globs are expanded again and quiet files checked (default 1000 ms). */
  pollIntervalMs?: number;
  tuning?: Partial<LogCollectorTuning>;
}

export interface LogCollectorStats {
  /** Files open, including rotated ones still being read to their end. */
  files: number;
  drainingFiles: number;
  bytesRead: number;
  lines: number;
  records: number;
  truncatedLines: number;
  rotations: number;
  truncations: number;
  batchesDelivered: number;
  recordsDelivered: number;
  sinkFailures: number;
  /** Times reading stopped because the sink was behind (back-pressure). */
  sinkWaits: number;
  /** Records read again after a crash to rebuild the unconfirmed batch. */
  replayedLines: number;
  /** Batches read but not yet confirmed by the sink. */
  unconfirmedBatches: number;
}

export interface LogCollector {
  start(): Promise<void>;
  /** Stops reading, offers what was read to the sink once, writes the checkpoints, closes the files. */
  close(): Promise<void>;
  /** `apo.log.records` and `apo.log.error.count` per (service, instance), cumulative since start. */
  metrics(): ResourceMetrics[];
  stats(): LogCollectorStats;
}
