export { DiskQueue } from './disk-queue.ts';
export type {
  AppendResult,
  DiskQueueOptions,
  DiskQueueSignalStats,
  DiskQueueStats,
  FsyncPolicy,
  QueuedRecord,
  WhenFull,
} from './queue-types.ts';
export { DiskQueueWriteError, type QueueWriteState } from './write-condition.ts';
