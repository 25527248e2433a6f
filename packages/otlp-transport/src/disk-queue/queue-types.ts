import type { SignalType } from '@apo/shared/model';
import type { Logger } from 'pino';
import type { OutboundBatch } from '../batch.ts';
import type { Segment } from './queue-recovery.ts';
import { addTally, addTallies, emptyTallies, SIGNALS, type SignalTallies } from './signal-tally.ts';
import type { QueueWriteState } from './write-condition.ts';

/**
 * When appended bytes are forced to the device. Every policy survives kill -9 of the process (a completed
 * `write()` is in the kernel's page cache); they differ on power loss / kernel crash: 'always' loses
 * nothing acknowledged, 'interval' (default) at most the last interval, 'never' whatever the kernel had
 * not written back.
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';

/**
 * What an append that would pass `maxBytes` does. 'drop-oldest' (default): the oldest undelivered records go,
 * counted as droppedFull — right where the queue is the only copy of fresh data (an agent's collectors).
 * 'refuse': the append resolves `{ stored: false }` and nothing is dropped or counted — for a relay, whose
 * senders keep their own copy and retry when told to (the proxy answers 503).
 */
export type WhenFull = 'drop-oldest' | 'refuse';

export interface DiskQueueOptions {
  dir: string;
  /** Bound on the segment files' bytes; what happens when an append would pass it: see `whenFull`. */
  maxBytes: number;
  whenFull?: WhenFull;
  /** Segment size at which a new file starts. Default: maxBytes / 8, within 64 KiB … 16 MiB. */
  segmentBytes?: number;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  log: Logger;
}

/** A record handed to a consumer: `ack` it once the next hop answered, or `release` it for another try. */
export interface QueuedRecord {
  readonly batch: OutboundBatch;
  readonly segment: number;
  readonly offset: number;
  /** Frame bytes on disk. */
  readonly bytes: number;
}

export interface AppendResult {
  /**
   * False when the batch could not fit: under 'drop-oldest' even after dropping every undelivered record
   * (counted as droppedFull); under 'refuse' whenever the free space is short (not counted).
   */
  stored: boolean;
}

export interface DiskQueueSignalStats {
  enqueuedBatches: number;
  enqueuedItems: number;
  droppedFullBatches: number;
  droppedFullItems: number;
  /** Records on disk not settled yet (in flight included). */
  queuedBatches: number;
  queuedItems: number;
  queuedBytes: number;
  /** Records handed to consumers and not settled yet. */
  inFlight: number;
}

export interface DiskQueueStats {
  signals: Record<SignalType, DiskQueueSignalStats>;
  diskBytes: number;
  maxBytes: number;
  segments: number;
  /** Records skipped because their checksum or header was bad (since open). */
  corruptRecords: number;
  /** Bytes of a torn tail cut from the newest segment at open. */
  truncatedBytes: number;
  /** Whether appends can be written (false while the disk is full, say), and since when not. */
  write: QueueWriteState;
}

export interface QueueState {
  segments: readonly Segment[];
  held: readonly QueuedRecord[];
  enqueued: SignalTallies;
  droppedFull: SignalTallies;
  diskBytes: number;
  maxBytes: number;
  corruptRecords: number;
  truncatedBytes: number;
  write: QueueWriteState;
}

export function queueStats(state: QueueState): DiskQueueStats {
  const queued = emptyTallies();
  for (const segment of state.segments) addTallies(queued, segment.unread);
  const inFlight: Record<SignalType, number> = { traces: 0, logs: 0, metrics: 0 };
  for (const record of state.held) {
    addTally(queued, record.batch.signal, 1, record.batch.items, record.bytes);
    inFlight[record.batch.signal]++;
  }
  const signals = {} as Record<SignalType, DiskQueueSignalStats>;
  for (const s of SIGNALS) {
    signals[s] = {
      enqueuedBatches: state.enqueued[s].batches,
      enqueuedItems: state.enqueued[s].items,
      droppedFullBatches: state.droppedFull[s].batches,
      droppedFullItems: state.droppedFull[s].items,
      queuedBatches: queued[s].batches,
      queuedItems: queued[s].items,
      queuedBytes: queued[s].bytes,
      inFlight: inFlight[s],
    };
  }
  return {
    signals,
    diskBytes: state.diskBytes,
    maxBytes: state.maxBytes,
    segments: state.segments.length,
    corruptRecords: state.corruptRecords,
    truncatedBytes: state.truncatedBytes,
    write: state.write,
  };
}
