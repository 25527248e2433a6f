import { mkdir, open, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { OutboundBatch } from '../batch.ts';
import { AckKind, encodeAck } from './ack-log.ts';
import { truncateTo, writeFully } from './file-io.ts';
import { newSegment, recoverSegments, type Segment } from './queue-recovery.ts';
import { encodeFrame, type EncodedFrame } from './record-frame.ts';
import { ackPath, lockDirectory, removeIfPresent, segmentPath, syncDirectory } from './segment-files.ts';
import { ChangeSignal } from './change-signal.ts';
import { appendAck, removeSegment } from './segment-lifecycle.ts';
import { SegmentReader } from './segment-reader.ts';
import { SerialLock } from './serial-lock.ts';
import { addTally, addTallies, emptyTallies, SIGNALS, talliedBatches } from './signal-tally.ts';
import {
  queueStats,
  type AppendResult,
  type DiskQueueOptions,
  type DiskQueueStats,
  type FsyncPolicy,
  type QueuedRecord,
  type WhenFull,
} from './queue-types.ts';
import { WriteCondition } from './write-condition.ts';
import { LogThrottle } from '../exporter/log-throttle.ts';

interface PendingAppend {
  batch: OutboundBatch;
  frame: EncodedFrame;
  resolve: (result: AppendResult) => void;
  reject: (err: unknown) => void;
}

interface Held {
  record: QueuedRecord;
  segment: Segment;
  redelivery: boolean;
}

const keyOf = (segment: number, offset: number): string => `${segment}:${offset}`;
const DROP_LOG_INTERVAL_MS = 10_000;

/**
 * A bounded, crash-safe FIFO of outbound batches in append-only segment files (see record-frame.ts for the
 * framing and ack-log.ts for how out-of-order acks are persisted). Memory holds a few numbers per segment,
 * the sidecar of the segment being read, and the records consumers hold — never the queued bodies.
 *
 * Appends are group-committed: appends that arrive while a write is under way go out together in one
 * `writev`. Delivery is at least once: a record is removed only when acked, and a restart hands out again
 * every record whose ack had not been written; the batch id lets the next hop store it once.
 */
export class DiskQueue {
  readonly dir: string;
  readonly maxBytes: number;
  readonly segmentBytes: number;
  readonly #fsync: FsyncPolicy;
  readonly #whenFull: WhenFull;
  readonly #log: Logger;
  readonly #unlock: () => Promise<void>;
  readonly #segments: Segment[];
  #nextId: number;
  #diskBytes: number;
  #write: { segment: Segment; file: FileHandle; dirty: boolean } | undefined;
  readonly #reader: SegmentReader;
  readonly #cursorLock = new SerialLock();
  /** Appends, rolls, syncs: every change to the write side runs on this chain, in order. */
  #io: Promise<void> = Promise.resolve();
  #pending: PendingAppend[] = [];
  readonly #held = new Map<string, Held>();
  readonly #redeliver: QueuedRecord[] = [];
  readonly #changes = new ChangeSignal();
  readonly #background = new Set<Promise<void>>();
  #closed = false;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #enqueued = emptyTallies();
  readonly #droppedFull = emptyTallies();
  #corruptRecords: number;
  readonly #truncatedBytes: number;
  #lastDropLogAt = -Infinity;
  readonly #writeCondition: WriteCondition;
  readonly #ackLogThrottle = new LogThrottle(DROP_LOG_INTERVAL_MS);

  private constructor(
    options: DiskQueueOptions,
    unlock: () => Promise<void>,
    recovery: Awaited<ReturnType<typeof recoverSegments>>,
  ) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    this.segmentBytes =
      options.segmentBytes ?? Math.min(16 << 20, Math.max(64 << 10, Math.floor(options.maxBytes / 8)));
    this.#fsync = options.fsync ?? 'interval';
    this.#whenFull = options.whenFull ?? 'drop-oldest';
    this.#log = options.log;
    this.#unlock = unlock;
    this.#segments = recovery.segments;
    this.#nextId = recovery.nextId;
    this.#diskBytes = recovery.segments.reduce((sum, s) => sum + s.bytes, 0);
    this.#corruptRecords = recovery.corruptRecords;
    this.#truncatedBytes = recovery.truncatedBytes;
    this.#writeCondition = new WriteCondition({ dir: options.dir, log: options.log });
    this.#reader = new SegmentReader(
      {
        segments: this.#segments,
        writeSegment: () => this.#write?.segment,
        onCorrupt: (records) => (this.#corruptRecords += records),
        log: options.log,
      },
      recovery.segments[0]?.id ?? recovery.nextId,
    );
    if (this.#fsync === 'interval') {
      this.#timer = setInterval(() => {
        if (this.#write?.dirty) this.#enqueueIo(() => this.#sync());
      }, options.fsyncIntervalMs ?? 1000);
      this.#timer.unref();
    }
  }

  /** Opens (creating it if needed) and recovers the queue in `options.dir`. */
  static async open(options: DiskQueueOptions): Promise<DiskQueue> {
    if (!(options.maxBytes > 0))
      throw new Error(`disk queue maxBytes must be positive, got ${options.maxBytes}`);
    await mkdir(options.dir, { recursive: true });
    const unlock = await lockDirectory(options.dir);
    try {
      const recovery = await recoverSegments(options.dir);
      const queue = new DiskQueue(options, unlock, recovery);
      const stats = queue.stats();
      options.log.info(
        {
          dir: options.dir,
          segments: stats.segments,
          queuedBatches: SIGNALS.reduce((n, s) => n + stats.signals[s].queuedBatches, 0),
          diskBytes: stats.diskBytes,
          corruptRecords: stats.corruptRecords,
          truncatedBytes: stats.truncatedBytes,
        },
        'disk queue opened',
      );
      return queue;
    } catch (err) {
      await unlock();
      throw err;
    }
  }

  /** Resolves once the record is written to its segment file (and synced, under fsync 'always'). */
  append(batch: OutboundBatch): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(new Error('disk queue is closed'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.#pending.push({ batch, frame: encodeFrame(batch), resolve, reject });
      if (this.#pending.length === 1) this.#enqueueIo(() => this.#flushPending());
    });
  }

  /**
   * The next record in order (records released by a consumer first); waits while the queue is empty.
   * Resolves null once the queue closes or `signal` aborts.
   */
  async take(signal?: AbortSignal): Promise<QueuedRecord | null> {
    for (;;) {
      if (this.#closed || signal?.aborted === true) return null;
      const version = this.#changes.version;
      const record = await this.#cursorLock.run(() => this.#readNext());
      if (record !== undefined) return record;
      if (version === this.#changes.version) await this.#changes.wait(signal);
    }
  }

  /** Settles a record for good (delivered, or rejected permanently): it is never handed out again. */
  async ack(record: QueuedRecord): Promise<void> {
    const key = keyOf(record.segment, record.offset);
    const held = this.#held.get(key);
    if (held === undefined || this.#closed) return;
    this.#held.delete(key);
    if (held.redelivery) this.#redeliver.splice(this.#redeliver.indexOf(record), 1);
    const segment = held.segment;
    segment.inFlight--;
    segment.settled++;
    await appendAck(segment, encodeAck(AckKind.record, record.offset), this.#ackFailed);
    this.#maybeDelete(segment);
    // While the disk is full, a drained write segment is what holds the space: retire it now rather than
    // at the next append (which a readiness probe that took this process out of rotation may never send).
    if (!this.#writeCondition.writable && segment === this.#write?.segment) {
      this.#enqueueIo(() => this.#retireSettledWriteSegment());
    }
  }

  /** Gives a record back unsettled: the next `take` hands it out again (e.g. its consumer is shutting down). */
  release(record: QueuedRecord): void {
    const held = this.#held.get(keyOf(record.segment, record.offset));
    if (held === undefined || held.redelivery) return;
    held.redelivery = true;
    this.#redeliver.push(held.record);
    this.#changes.notify();
  }

  stats(): DiskQueueStats {
    return queueStats({
      segments: this.#segments,
      held: [...this.#held.values()].map((h) => h.record),
      enqueued: this.#enqueued,
      droppedFull: this.#droppedFull,
      diskBytes: this.#diskBytes,
      maxBytes: this.maxBytes,
      corruptRecords: this.#corruptRecords,
      truncatedBytes: this.#truncatedBytes,
      write: this.#writeCondition.state(),
    });
  }

  /**
   * Entries of the in-memory index (segments, corrupt ranges, the loaded sidecar's offsets, held records):
   * what grows with the queue instead of the records themselves. For tests and diagnostics.
   */
  indexEntries(): number {
    let holes = 0;
    for (const s of this.#segments) holes += s.holes?.size ?? 0;
    return this.#segments.length + holes + this.#reader.loadedAcks() + this.#held.size;
  }

  /** Writes what was appended, syncs, closes the files. Unacked records stay on disk for the next open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#writeCondition.close();
    this.#changes.notify();
    await this.#io;
    await this.#cursorLock.run(async () => {
      const write = this.#write;
      this.#write = undefined;
      if (write !== undefined) {
        if (this.#fsync !== 'never') await write.file.datasync();
        await write.file.close();
      }
      await this.#reader.close();
    });
    for (const segment of this.#segments) {
      await segment.ackChain;
      await segment.ackFile?.close();
      segment.ackFile = undefined;
    }
    await Promise.all(this.#background);
    await this.#unlock();
  }

  // --- write side ---

  #enqueueIo(step: () => Promise<void>): void {
    this.#io = this.#io.then(step).catch((err: unknown) => {
      this.#log.error({ err, dir: this.dir }, 'disk queue write step failed');
    });
  }

  async #sync(): Promise<void> {
    const write = this.#write;
    if (write === undefined || !write.dirty) return;
    write.dirty = false;
    await write.file.datasync();
  }

  async #flushPending(): Promise<void> {
    const appends = this.#pending;
    this.#pending = [];
    try {
      await this.#store(appends);
    } catch (err) {
      // Writing, opening or syncing a segment failed (a full disk, most often): every append not answered
      // yet is told so (the caller answers its sender with a retryable error); those already written stay
      // written. The next append tries again: the first write that succeeds ends the failure.
      const need = appends.reduce((sum, a) => sum + a.frame.bytes, 0);
      const error = this.#writeCondition.failed(err, need);
      for (const append of appends) append.reject(error);
    }
  }

  /** Writes `appends` in order, in groups (one writev each) that end at a segment roll or a drop. */
  async #store(appends: PendingAppend[]): Promise<void> {
    await this.#retireSettledWriteSegment();
    let group: PendingAppend[] = [];
    let groupBytes = 0;
    for (const append of appends) {
      const need = append.frame.bytes;
      if (this.#diskBytes + groupBytes + need > this.maxBytes) {
        await this.#writeGroup(group);
        group = [];
        groupBytes = 0;
        if (this.#whenFull === 'refuse') {
          // Appends are stored in order, so a later, smaller one may still fit: each is judged on its own.
          append.resolve({ stored: false });
          continue;
        }
        if (!(await this.#makeRoom(need))) {
          addTally(this.#droppedFull, append.batch.signal, 1, append.batch.items, need);
          this.#logDrop('a batch larger than the free space even after dropping every undelivered record');
          append.resolve({ stored: false });
          continue;
        }
      }
      const write = this.#write;
      if (
        write === undefined ||
        (write.segment.bytes + groupBytes > 0 && write.segment.bytes + groupBytes + need > this.segmentBytes)
      ) {
        await this.#writeGroup(group);
        group = [];
        groupBytes = 0;
        await this.#closeWriteSegment();
        await this.#openWriteSegment();
      }
      group.push(append);
      groupBytes += need;
    }
    await this.#writeGroup(group);
  }

  /** A write segment whose records are all settled is dropped now rather than when it fills up. */
  async #retireSettledWriteSegment(): Promise<void> {
    const current = this.#write?.segment;
    if (current !== undefined && current.records > 0 && current.settled === current.records) {
      await this.#closeWriteSegment();
    }
  }

  readonly #ackFailed = (err: unknown, path: string): void => {
    const { log, suppressed } = this.#ackLogThrottle.check('ack', Date.now());
    if (log)
      this.#log.warn({ err, path, suppressed }, 'disk queue ack write failed (logged at most every 10 s)');
  };

  async #writeGroup(group: PendingAppend[]): Promise<void> {
    const write = this.#write;
    if (group.length === 0 || write === undefined) return;
    const segment = write.segment;
    try {
      await writeFully(
        write.file,
        group.flatMap((a) => a.frame.buffers),
        segment.bytes,
      );
      if (this.#fsync === 'always') await write.file.datasync();
      else write.dirty = true;
    } catch (err) {
      await this.#rollBack(write);
      throw err;
    }
    this.#writeCondition.succeeded();
    for (const append of group) {
      const { batch, frame } = append;
      addTally(segment.unread, batch.signal, 1, batch.items, frame.bytes);
      addTally(this.#enqueued, batch.signal, 1, batch.items, frame.bytes);
      segment.records++;
      segment.bytes += frame.bytes;
      this.#diskBytes += frame.bytes;
    }
    segment.readEnd = segment.bytes;
    this.#changes.notify();
    for (const append of group) append.resolve({ stored: true });
  }

  /**
   * Bytes past `segment.bytes` may be half-written, or whole frames of appends that were just refused:
   * cut them off so the writer stays usable once space returns. Should that fail too, the segment is
   * sealed (readers stop at `readEnd`) and its sidecar marks the tail settled, so a restart does not bring
   * refused records back as queued — their senders were told to retry, a second copy would be stored.
   */
  async #rollBack(write: { segment: Segment; file: FileHandle }): Promise<void> {
    if (await truncateTo(write.file, write.segment.bytes)) return;
    void appendAck(write.segment, encodeAck(AckKind.from, write.segment.bytes), this.#ackFailed);
    await this.#closeWriteSegment().catch(() => undefined);
  }

  async #openWriteSegment(): Promise<void> {
    const id = this.#nextId++;
    const paths = { path: segmentPath(this.dir, id), ackPath: ackPath(this.dir, id) };
    const file = await open(paths.path, 'wx');
    if (this.#fsync === 'always') {
      try {
        await syncDirectory(this.dir);
      } catch (err) {
        await file.close().catch(() => undefined);
        await removeIfPresent(paths.path).catch(() => undefined);
        throw err;
      }
    }
    const segment = newSegment(id, paths, emptyTallies());
    this.#segments.push(segment);
    this.#write = { segment, file, dirty: false };
  }

  /** Seals the write segment: no record is appended to it any more. */
  async #closeWriteSegment(): Promise<void> {
    const write = this.#write;
    if (write === undefined) return;
    this.#write = undefined;
    try {
      if (this.#fsync !== 'never' && write.dirty) await write.file.datasync();
    } finally {
      await write.file.close();
      this.#maybeDelete(write.segment);
    }
  }

  /** Drops the oldest undelivered records until `need` more bytes fit; false when nothing is left to drop. */
  async #makeRoom(need: number): Promise<boolean> {
    while (this.#diskBytes + need > this.maxBytes) {
      const victim = this.#segments.find((s) => !s.deleted && talliedBatches(s.unread) > 0);
      if (victim === undefined) return false;
      await this.#cursorLock.run(() => this.#dropUnread(victim));
    }
    return true;
  }

  async #dropUnread(victim: Segment): Promise<void> {
    const lost = talliedBatches(victim.unread);
    if (victim.deleted || lost === 0) return;
    if (victim === this.#write?.segment) await this.#closeWriteSegment();
    addTallies(this.#droppedFull, victim.unread);
    this.#logDrop('the oldest undelivered records', lost);
    victim.unread = emptyTallies();
    victim.settled += lost;
    if (victim.inFlight === 0) {
      this.#deleteSegment(victim);
      return;
    }
    // Records of this segment are still with consumers: drop the rest of it now, delete the file when
    // those come back. The reader is inside this segment (it handed some out and not all).
    const from = this.#reader.segmentId === victim.id ? this.#reader.offset : 0;
    void appendAck(victim, encodeAck(AckKind.from, from), this.#ackFailed);
    this.#reader.skipRestOf(victim);
  }

  #logDrop(what: string, batches = 1): void {
    const now = Date.now();
    if (now - this.#lastDropLogAt < DROP_LOG_INTERVAL_MS) return;
    this.#lastDropLogAt = now;
    this.#log.warn(
      { dir: this.dir, maxBytes: this.maxBytes, batches },
      `disk queue full: dropped ${what} (counted in droppedFull; logged at most every 10 s)`,
    );
  }

  // --- settle side ---

  #maybeDelete(segment: Segment): void {
    if (
      !segment.deleted &&
      segment.settled >= segment.records &&
      segment.inFlight === 0 &&
      segment !== this.#write?.segment
    ) {
      this.#deleteSegment(segment);
    }
  }

  #deleteSegment(segment: Segment): void {
    segment.deleted = true;
    this.#segments.splice(this.#segments.indexOf(segment), 1);
    this.#diskBytes -= segment.bytes;
    // The reader may still hold the file open (it was the last one read): close it after its current read.
    const forget = this.#cursorLock
      .run(() => this.#reader.forget(segment))
      .catch((err: unknown) => {
        this.#log.warn({ err, path: segment.path }, 'disk queue could not close a deleted segment');
      });
    for (const step of [removeSegment(segment, this.#log), forget]) {
      this.#background.add(step);
      void step.then(() => this.#background.delete(step));
    }
  }

  // --- read side ---

  /** Inside the cursor lock: a released record first, else the next one from disk. */
  async #readNext(): Promise<QueuedRecord | undefined> {
    const again = this.#redeliver.shift();
    if (again !== undefined) {
      const held = this.#held.get(keyOf(again.segment, again.offset));
      if (held !== undefined) held.redelivery = false;
      return again;
    }
    const read = await this.#reader.next();
    if (read === undefined) return undefined;
    const { segment, batch, offset, bytes } = read;
    const record: QueuedRecord = { batch, segment: segment.id, offset, bytes };
    addTally(segment.unread, batch.signal, -1, -batch.items, -bytes);
    segment.inFlight++;
    this.#held.set(keyOf(segment.id, offset), { record, segment, redelivery: false });
    return record;
  }
}
