/**
 * Rebuilds the batch a crash left unconfirmed: the checkpoint file names its id and the exact byte ranges
 * it covered, so the same lines are read again and sent under the same id. If the first attempt reached
 * the queue, the server's batch-id ledger acknowledges the repeat without storing it; if it did not, this
 * is its delivery. Either way each line is stored once.
 *
 * A range can only be replayed from the same file (same device and inode, found at its path or, after a
 * rename rotation, in the same directory) with the same first bytes and at least `to` bytes; a range that
 * fails those checks is left out (the file is gone or was rewritten, so its lines are too).
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LogRecord } from '@apo/shared/model';
import type { CollectorLog } from './collector-log.ts';
import type { BatchSegment, PendingBatch } from './checkpoint-store.ts';
import { compareFingerprint, identityKey } from './file-identity.ts';
import { replayBatch, type SealedBatch } from './log-batcher.ts';
import type { LogSource } from './log-source-config.ts';
import { RecordReader } from './record-reader.ts';

export interface ReplayResult {
  batch: SealedBatch | undefined;
  /** Files whose range was replayed → where their tailing continues. */
  resumeAt: Map<string, number>;
  /** Lines read again (for stats). */
  lines: number;
}

export async function replayPending(
  pending: PendingBatch,
  sources: readonly LogSource[],
  limits: { maxLineBytes: number; readChunkBytes: number },
  nowMs: number,
  log: CollectorLog,
): Promise<ReplayResult> {
  const bySource = new Map<LogSource, LogRecord[]>();
  const resumeAt = new Map<string, number>();
  const replayed: BatchSegment[] = [];
  const counters = { lines: 0, truncatedLines: 0 };
  let bytes = 0;
  for (const segment of pending.segments) {
    const source = sources.find((s) => s.key === segment.sourceKey);
    const fh = source === undefined ? undefined : await openIdentity(segment);
    if (source === undefined || fh === undefined) {
      log.warn(
        { path: segment.path, batchId: pending.batchId },
        'cannot replay a log range: file or source gone',
      );
      continue;
    }
    try {
      const { same } = await compareFingerprint(fh, {
        hash: segment.fingerprint,
        bytes: segment.fingerprintBytes,
      });
      if (!same || (await fh.stat()).size < segment.to) {
        log.warn(
          { path: segment.path, batchId: pending.batchId },
          'cannot replay a log range: file rewritten',
        );
        continue;
      }
      const list = bySource.get(source) ?? [];
      bySource.set(source, list);
      const reader = new RecordReader(
        source,
        segment.path,
        limits.maxLineBytes,
        (record, _endOffset, textLength) => {
          list.push(record);
          bytes += textLength;
          return true;
        },
        counters,
      );
      reader.observedNanos = BigInt(nowMs) * 1_000_000n;
      await readRange(fh, segment.from, segment.to, limits.readChunkBytes, reader);
      // The range ended where the batch's last record ended, so whatever is held back belongs to it.
      reader.flushPartialLine();
      reader.flushPendingRecord();
      replayed.push(segment);
      resumeAt.set(segment.key, segment.to);
    } finally {
      await fh.close();
    }
  }
  const batch =
    replayed.length === 0
      ? undefined
      : replayBatch({ batchId: pending.batchId, segments: replayed }, bySource, bytes);
  return { batch, resumeAt, lines: counters.lines };
}

async function readRange(
  fh: FileHandle,
  from: number,
  to: number,
  chunkBytes: number,
  reader: RecordReader,
): Promise<void> {
  const buffer = Buffer.allocUnsafe(chunkBytes);
  let offset = from;
  while (offset < to) {
    const { bytesRead } = await fh.read(buffer, 0, Math.min(chunkBytes, to - offset), offset);
    if (bytesRead === 0) break;
    reader.push(buffer, 0, bytesRead, offset);
    offset += bytesRead;
  }
}

/** Opens the file with the segment's identity: at its recorded path, or renamed within the same directory. */
async function openIdentity(segment: BatchSegment): Promise<FileHandle | undefined> {
  const atPath = await openIfIdentity(segment.path, segment.key);
  if (atPath !== undefined) return atPath;
  let names: string[];
  try {
    names = await readdir(dirname(segment.path));
  } catch {
    return undefined;
  }
  for (const name of names) {
    const fh = await openIfIdentity(join(dirname(segment.path), name), segment.key);
    if (fh !== undefined) return fh;
  }
  return undefined;
}

async function openIfIdentity(path: string, key: string): Promise<FileHandle | undefined> {
  try {
    const st = await stat(path, { bigint: true });
    if (!st.isFile() || identityKey(st.dev, st.ino) !== key) return undefined;
    const fh = await open(path, 'r');
    // The path may have been replaced between the stat and the open: trust the descriptor.
    const fst = await fh.stat({ bigint: true });
    if (identityKey(fst.dev, fst.ino) === key) return fh;
    await fh.close();
  } catch {
    // Vanished while looking.
  }
  return undefined;
}
