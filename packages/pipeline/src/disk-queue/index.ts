export { DiskQueue } from './disk-queue.ts';
export type {
  AppendResult,
  DiskQueueOptions,
  DiskQueueSignalStats,
  DiskQueueStats,
  FsyncPolicy,
  QueuedRecord,
} from './queue-types.ts';
