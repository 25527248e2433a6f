import type { FileHandle } from 'node:fs/promises';

/** Fills `buf` from `position`; false when the file ends first. */
export async function readExactly(file: FileHandle, buf: Buffer, position: number): Promise<boolean> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await file.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) return false;
    done += bytesRead;
  }
  return true;
}

/** Most iovecs one writev takes (Linux IOV_MAX); a larger group is written in several calls. */
const MAX_IOVECS = 1024;

/**
 * Writes every buffer at `position` (a positional write: a failed, partly written group is overwritten by
 * the next attempt instead of being followed by it), going on after short writes.
 */
export async function writeFully(file: FileHandle, buffers: Buffer[], position: number): Promise<number> {
  let pending = buffers.filter((b) => b.length > 0);
  let at = position;
  while (pending.length > 0) {
    const chunk = pending.slice(0, MAX_IOVECS);
    let { bytesWritten } = await file.writev(chunk, at);
    if (bytesWritten === 0) throw new Error('disk queue: write made no progress');
    at += bytesWritten;
    let consumed = 0;
    while (consumed < chunk.length && bytesWritten >= chunk[consumed]!.length) {
      bytesWritten -= chunk[consumed]!.length;
      consumed++;
    }
    const rest = pending.slice(consumed);
    if (bytesWritten > 0) rest[0] = rest[0]!.subarray(bytesWritten);
    pending = rest;
  }
  return at - position;
}

/**
 * Cuts a failed write's bytes off the end of the file, so the next append starts right after the last good
 * frame instead of after a torn one. False when even that fails (the caller seals the file instead).
 */
export async function truncateTo(file: FileHandle, length: number): Promise<boolean> {
  try {
    await file.truncate(length);
    return true;
  } catch {
    return false;
  }
}
