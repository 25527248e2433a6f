/**
 * Where to start reading a file the collector has just found: after the replayed crash batch, at its
 * checkpoint, or — with no usable checkpoint — at its beginning or at the end of its last complete line.
 */
import type { FileHandle } from 'node:fs/promises';
import type { FileCheckpoint } from './checkpoint-store.ts';
import { compareFingerprint } from './file-identity.ts';

export interface StartPosition {
  offset: number;
  /**
   * `replayed`/`checkpoint`: resumed; `truncated`: shorter than its checkpoint (truncated while not tailed);
   * `new-content`: same inode, different first bytes (a new file on a reused inode, or rewritten);
   * `beginning`/`end`: no checkpoint, per `startAt`.
   */
  reason: 'replayed' | 'checkpoint' | 'truncated' | 'new-content' | 'beginning' | 'end';
}

/** Bytes read backwards to find where the last complete line ends, for `startAt: end`. */
const END_SCAN_BYTES = 64 * 1024;

export async function startPosition(input: {
  fh: FileHandle;
  size: number;
  checkpoint: FileCheckpoint | undefined;
  /** Where the crash replay left this file (it checked identity and first bytes already). */
  replayedTo: number | undefined;
  startAt: 'beginning' | 'end';
}): Promise<StartPosition> {
  const { fh, size, checkpoint } = input;
  if (input.replayedTo !== undefined) return { offset: input.replayedTo, reason: 'replayed' };
  if (checkpoint !== undefined) {
    const known = { hash: checkpoint.fingerprint, bytes: checkpoint.fingerprintBytes };
    const { same } = await compareFingerprint(fh, known);
    if (!same) return { offset: 0, reason: 'new-content' };
    if (size < checkpoint.offset) return { offset: 0, reason: 'truncated' };
    return { offset: checkpoint.offset, reason: 'checkpoint' };
  }
  if (input.startAt === 'beginning') return { offset: 0, reason: 'beginning' };
  return { offset: await endOfLastLine(fh, size), reason: 'end' };
}

/** Where the last complete line ends, so a line being written when we start is read whole. */
async function endOfLastLine(fh: FileHandle, size: number): Promise<number> {
  if (size === 0) return 0;
  const length = Math.min(size, END_SCAN_BYTES);
  const buf = Buffer.allocUnsafe(length);
  const { bytesRead } = await fh.read(buf, 0, length, size - length);
  const newline = buf.subarray(0, bytesRead).lastIndexOf(10);
  return newline === -1 ? size : size - length + newline + 1;
}
