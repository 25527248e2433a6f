/**
 * One open log file being followed. It reads through its own file descriptor, so after a rename-and-create
 * rotation it keeps reading the old file to its end while the collector opens the new one; a truncation
 * (copy-truncate rotation, or the content replaced in place) is noticed by the size dropping below the read
 * position or by the first bytes changing, and reading starts again from 0.
 */
import type { FileHandle } from 'node:fs/promises';
import type { BatchedFile, LogBatcher } from './log-batcher.ts';
import { compareFingerprint, fingerprintOf, type Fingerprint } from './file-identity.ts';
import type { LogSource } from './log-source-config.ts';
import { RecordReader, type ReaderCounters } from './record-reader.ts';

export interface TailerCounters extends ReaderCounters {
  bytesRead: number;
  records: number;
  truncations: number;
}

export interface TailerTiming {
  maxLineBytes: number;
  /** An unfinished last line is emitted as it is after the file has been quiet this long. */
  partialLineFlushMs: number;
  /** A multiline record is emitted after its file has been quiet this long. */
  multilineFlushMs: number;
}

export interface FileTailerOptions {
  key: string;
  path: string;
  source: LogSource;
  fh: FileHandle;
  offset: number;
  size: number;
  fingerprint: Fingerprint;
  batcher: LogBatcher;
  timing: TailerTiming;
  counters: TailerCounters;
  nowMs: number;
}

export class FileTailer implements BatchedFile {
  readonly key: string;
  readonly path: string;
  readonly source: LogSource;
  generation = 0;
  fingerprint: Fingerprint;
  batchedOffset: number;
  /** The next byte to read. */
  readOffset: number;
  /** The file's size at the last inspection. */
  size: number;
  /** The path no longer leads to this file (renamed away or deleted): read to the end, then close. */
  draining = false;
  drainingSinceMs = 0;
  lastDataAtMs: number;
  /** A read failed (logged once); reading is retried every round. */
  readFailed = false;
  private readonly fh: FileHandle;
  private readonly reader: RecordReader;
  private readonly timing: TailerTiming;
  private readonly counters: TailerCounters;
  private sizeAtLastCheck = -1;
  /** The last read found nothing new. */
  private idleAtEnd = false;

  constructor(o: FileTailerOptions) {
    this.key = o.key;
    this.path = o.path;
    this.source = o.source;
    this.fh = o.fh;
    this.readOffset = o.offset;
    this.batchedOffset = o.offset;
    this.size = o.size;
    this.fingerprint = o.fingerprint;
    this.timing = o.timing;
    this.counters = o.counters;
    this.lastDataAtMs = o.nowMs;
    const batcher = o.batcher;
    const counters = o.counters;
    this.reader = new RecordReader(
      o.source,
      o.path,
      o.timing.maxLineBytes,
      (record, endOffset, textLength) => {
        batcher.add(this, record, endOffset, textLength);
        counters.records++;
        return !batcher.blocked;
      },
      counters,
    );
  }

  /** Reads and processes one chunk; false when there was nothing new. */
  async read(buffer: Buffer, nowMs: number): Promise<boolean> {
    const { bytesRead } = await this.fh.read(buffer, 0, buffer.length, this.readOffset);
    if (bytesRead === 0) {
      this.idleAtEnd = true;
      return false;
    }
    if (this.idleAtEnd) {
      this.idleAtEnd = false;
      // The file grew after a pause: it may have been truncated and refilled past our position since the
      // last look (copy-truncate). Checking here, once per pause rather than once per chunk, keeps such
      // bytes from being read as if they continued the old content.
      if ((await this.inspect(nowMs)) === 'truncated') return true;
    }
    this.reader.observedNanos = BigInt(nowMs) * 1_000_000n;
    const consumed = this.reader.push(buffer, 0, bytesRead, this.readOffset);
    this.readOffset += consumed;
    if (this.readOffset > this.size) this.size = this.readOffset;
    this.lastDataAtMs = nowMs;
    this.counters.bytesRead += consumed;
    return true;
  }

  get atEnd(): boolean {
    return this.readOffset >= this.size;
  }

  /** Refreshes the size and fingerprint; starts over from 0 when the file was truncated or rewritten. */
  async inspect(nowMs: number): Promise<'same' | 'truncated'> {
    const stat = await this.fh.stat();
    const previous = this.sizeAtLastCheck;
    this.size = stat.size;
    this.sizeAtLastCheck = stat.size;
    let truncated = stat.size < this.readOffset;
    // An append-only file keeps its first bytes; checking them catches a truncation the file has
    // already outgrown. Only when the size moved, to keep an idle file free of reads.
    if (!truncated && stat.size !== previous) {
      const { same, current } = await compareFingerprint(this.fh, this.fingerprint);
      if (!same) truncated = true;
      else if (current.bytes > this.fingerprint.bytes) this.fingerprint = current;
    }
    if (!truncated) return 'same';
    // What was read of the old content is emitted as it is; then offsets restart in a new generation.
    this.flushAll(nowMs);
    this.generation++;
    this.readOffset = 0;
    this.batchedOffset = 0;
    this.reader.reset(0);
    this.fingerprint = await fingerprintOf(this.fh);
    this.counters.truncations++;
    return 'truncated';
  }

  /** Emits an unfinished line or multiline record whose file has been quiet long enough. */
  flushIdle(nowMs: number): void {
    const quietMs = nowMs - this.lastDataAtMs;
    this.reader.observedNanos = BigInt(nowMs) * 1_000_000n;
    if (this.reader.hasPartialLine && this.atEnd && quietMs >= this.timing.partialLineFlushMs) {
      this.reader.flushPartialLine();
    }
    if (this.reader.hasPendingRecord && quietMs >= this.timing.multilineFlushMs) {
      this.reader.flushPendingRecord();
    }
  }

  /** Emits everything held back (the file is being left, or was truncated). */
  flushAll(nowMs: number): void {
    this.reader.observedNanos = BigInt(nowMs) * 1_000_000n;
    this.reader.flushPartialLine();
    this.reader.flushPendingRecord();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
