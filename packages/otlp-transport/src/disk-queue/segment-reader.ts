import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { OutboundBatch } from '../batch.ts';
import { isSettled, readAcks, type SegmentAcks } from './ack-log.ts';
import type { Segment } from './queue-recovery.ts';
import { batchOf, checkFrame, FRAME_PREFIX_BYTES } from './record-frame.ts';
import { scanSegmentBuffer } from './segment-scan.ts';
import { readExactly } from './file-io.ts';
import { addTallies, copyTallies, talliedBatches } from './signal-tally.ts';

const READ_AHEAD_BYTES = 256 * 1024;

export interface ReaderContext {
  /** The queue's live segments, ascending ids (the reader never changes the list). */
  segments: readonly Segment[];
  /** The segment appends go to: the reader waits at its end instead of moving on. */
  writeSegment(): Segment | undefined;
  /** Records found corrupt while reading (already counted out of their segment's `unread`). */
  onCorrupt(records: number): void;
  log: Logger;
}

export interface ReadRecord {
  batch: OutboundBatch;
  segment: Segment;
  offset: number;
  bytes: number;
}

/**
 * The queue's read cursor: the segment id it is in (or will enter next — segments before it may be deleted
 * under it) and the offset of the next frame. It reads one frame at a time from disk, steps over corrupt
 * ranges and over records settled before the last restart (the sidecar of the segment it is in is the only
 * one it keeps in memory). Callers serialize `next` and `skipRestOf` (the queue's cursor lock).
 */
export class SegmentReader {
  readonly #ctx: ReaderContext;
  #id: number;
  #offset = 0;
  #acks: SegmentAcks | undefined;
  #acksId = -1;
  #file: FileHandle | undefined;
  #fileId = -1;
  #window: { segmentId: number; start: number; buf: Buffer } | undefined;

  constructor(ctx: ReaderContext, startId: number) {
    this.#ctx = ctx;
    this.#id = startId;
  }

  get segmentId(): number {
    return this.#id;
  }

  get offset(): number {
    return this.#offset;
  }

  /** Sidecar offsets held in memory: part of the queue's index size. */
  loadedAcks(): number {
    return this.#acks?.records.size ?? 0;
  }

  /** Leaves `segment` for the next one if the cursor is in it (its rest was dropped). */
  skipRestOf(segment: Segment): void {
    if (this.#id === segment.id) this.#moveTo(segment.id + 1);
  }

  /** The next unsettled record in file order, or undefined when the reader has caught up with the writer. */
  async next(): Promise<ReadRecord | undefined> {
    for (;;) {
      const segment = this.#current();
      if (segment === undefined) return undefined;
      if (this.#offset >= segment.readEnd) {
        if (segment === this.#ctx.writeSegment()) return undefined;
        this.#moveTo(segment.id + 1);
        continue;
      }
      const hole = segment.holes?.get(this.#offset);
      if (hole !== undefined) {
        this.#offset = hole;
        continue;
      }
      if (!segment.recoveredAcks) {
        this.#acks = undefined;
        this.#acksId = -1;
      } else if (this.#acksId !== segment.id) {
        this.#acks = await readAcks(segment.ackPath);
        this.#acksId = segment.id;
      }
      const offset = this.#offset;
      const frame = await this.#readFrame(segment, offset);
      if (segment.deleted || this.#offset !== offset || this.#id !== segment.id) continue;
      if (frame === 'settled') continue;
      const check = frame === undefined ? undefined : checkFrame(frame, 0);
      if (frame === undefined || check === undefined || !check.ok) {
        await this.#repairFrom(segment, offset);
        continue;
      }
      this.#offset = offset + check.frameBytes;
      return { batch: batchOf(frame, check, 0), segment, offset, bytes: check.frameBytes };
    }
  }

  /**
   * Lets go of a deleted segment: its file handle would keep the file's blocks allocated (a deleted file's
   * space returns only when its last descriptor closes), and after a drain nothing else would close it.
   */
  async forget(segment: Segment): Promise<void> {
    if (this.#window?.segmentId === segment.id) this.#window = undefined;
    if (this.#fileId === segment.id) await this.close();
  }

  async close(): Promise<void> {
    await this.#file?.close();
    this.#file = undefined;
    this.#fileId = -1;
    this.#window = undefined;
  }

  #moveTo(id: number): void {
    this.#id = id;
    this.#offset = 0;
  }

  /** The first live segment at or after the cursor's id. */
  #current(): Segment | undefined {
    const segment = this.#ctx.segments.find((s) => s.id >= this.#id);
    if (segment !== undefined && segment.id !== this.#id) this.#moveTo(segment.id);
    return segment;
  }

  /**
   * The frame at `offset` (undefined when it cannot be read whole), or 'settled' after stepping over a
   * record settled before the last restart (only its length is read).
   */
  async #readFrame(segment: Segment, offset: number): Promise<Buffer | 'settled' | undefined> {
    if (this.#fileId !== segment.id) {
      await this.close();
      try {
        this.#file = await open(segment.path, 'r');
      } catch (err) {
        if (segment.deleted) return undefined;
        throw err;
      }
      this.#fileId = segment.id;
    }
    const file = this.#file!;
    const prefix = await this.#bytesAt(segment, file, offset, FRAME_PREFIX_BYTES);
    if (prefix === undefined) return undefined;
    const frameBytes = FRAME_PREFIX_BYTES + prefix.readUInt32LE(0);
    if (offset + frameBytes > segment.readEnd) return undefined;
    if (this.#acks !== undefined && this.#acksId === segment.id && isSettled(this.#acks, offset)) {
      this.#offset = offset + frameBytes;
      return 'settled';
    }
    return this.#bytesAt(segment, file, offset, frameBytes);
  }

  /**
   * `length` bytes at `offset`, served from a read-ahead window when they lie inside it: one read per
   * READ_AHEAD_BYTES instead of two per record. A frame handed out is a view into its window, so at most
   * the windows of the records consumers hold stay in memory.
   */
  async #bytesAt(
    segment: Segment,
    file: FileHandle,
    offset: number,
    length: number,
  ): Promise<Buffer | undefined> {
    const w = this.#window;
    if (
      w !== undefined &&
      w.segmentId === segment.id &&
      offset >= w.start &&
      offset + length <= w.start + w.buf.length
    ) {
      return w.buf.subarray(offset - w.start, offset - w.start + length);
    }
    const size = Math.min(Math.max(READ_AHEAD_BYTES, length), segment.readEnd - offset);
    if (size < length) return undefined;
    const buf = Buffer.allocUnsafe(size);
    if (!(await readExactly(file, buf, offset))) return undefined;
    this.#window = { segmentId: segment.id, start: offset, buf };
    return buf.subarray(0, length);
  }

  /**
   * A record that was whole when written (or at open) no longer reads back: the file changed under us.
   * Re-scan the rest of the segment as recovery would, count what is lost, and jump over it.
   */
  async #repairFrom(segment: Segment, offset: number): Promise<void> {
    const end = segment.readEnd;
    // Everything unread lies in [offset, end) now: the reader hands records out in file order.
    const before = copyTallies(segment.unread);
    const buf = (await readFile(segment.path)).subarray(0, end);
    const acks = this.#acksId === segment.id ? this.#acks : undefined;
    const scan = scanSegmentBuffer(buf, acks ?? { records: new Set(), from: Infinity }, offset);
    if (segment.deleted) return;
    const holes = (segment.holes ??= new Map());
    for (const [from, to] of scan.holes) holes.set(from, to);
    if (scan.validEnd < end) holes.set(scan.validEnd, end);
    if (!holes.has(offset))
      throw new Error(`disk queue: cannot read the record at ${segment.path}:${offset}`);
    // Records appended while the file was being read stay unread on top of what the scan found.
    addTallies(segment.unread, before, -1);
    addTallies(segment.unread, scan.unread);
    const lost = Math.max(0, talliedBatches(before) - talliedBatches(scan.unread));
    segment.settled += lost;
    this.#ctx.onCorrupt(lost);
    this.#ctx.log.warn({ segment: segment.path, offset, lost }, 'disk queue record corrupt on read; skipped');
  }
}
