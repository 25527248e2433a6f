import { open, type FileHandle } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Segment } from './queue-recovery.ts';
import { removeIfPresent } from './segment-files.ts';

/**
 * Appends one entry to a segment's sidecar, after the entries before it (its `ackChain`), and resolves once
 * it is written. Entries that arrive while a write is under way go out together in the next one (group
 * commit, as appends do): every worker waits for its ack before taking the next batch, so one write() per
 * ack, one after another, held them all in line behind the thread pool on a busy machine. A failure is
 * reported to `failed`, not thrown: a lost ack costs a redelivery after restart, which the batch id makes
 * harmless.
 */
export function appendAck(
  segment: Segment,
  entry: Buffer,
  failed: (err: unknown, path: string) => void,
): Promise<void> {
  const waiting = segment.ackGroup;
  if (waiting !== undefined) {
    waiting.entries.push(entry);
    return waiting.written;
  }
  const entries = [entry];
  const written = segment.ackChain.then(async () => {
    // From here on, new entries wait for the next write.
    segment.ackGroup = undefined;
    if (segment.deleted) return;
    try {
      segment.ackFile ??= await open(segment.ackPath, 'a');
      await writeAll(segment.ackFile, Buffer.concat(entries));
    } catch (err) {
      failed(err, segment.ackPath);
    }
  });
  segment.ackGroup = { entries, written };
  segment.ackChain = written;
  return written;
}

/** An append-mode write that goes on after a short one, so no entry is left torn in front of the next. */
async function writeAll(file: FileHandle, buf: Buffer): Promise<void> {
  for (let done = 0; done < buf.length;) {
    const { bytesWritten } = await file.write(buf, done, buf.length - done);
    if (bytesWritten === 0) throw new Error('disk queue: sidecar write made no progress');
    done += bytesWritten;
  }
}

/**
 * Removes a settled segment's files once its pending sidecar writes are done. The segment goes first: a
 * sidecar left without its segment is removed at open, while the reverse order would bring the segment's
 * records back as undelivered after a crash in between.
 */
export function removeSegment(segment: Segment, log: Logger): Promise<void> {
  const removal = segment.ackChain.then(async () => {
    await segment.ackFile?.close();
    segment.ackFile = undefined;
    await removeIfPresent(segment.path);
    await removeIfPresent(segment.ackPath);
  });
  segment.ackChain = removal.catch((err: unknown) => {
    log.warn({ err, path: segment.path }, 'disk queue segment removal failed');
  });
  return segment.ackChain;
}
