import { open } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Segment } from './queue-recovery.ts';
import { removeIfPresent } from './segment-files.ts';

/**
 * Appends one entry to a segment's sidecar, after the entries before it (its `ackChain`). A failure is
 * reported to `failed`, not thrown: a lost ack costs a redelivery after restart, which the batch id makes
 * harmless.
 */
export function appendAck(
  segment: Segment,
  entry: Buffer,
  failed: (err: unknown, path: string) => void,
): Promise<void> {
  segment.ackChain = segment.ackChain.then(async () => {
    if (segment.deleted) return;
    try {
      segment.ackFile ??= await open(segment.ackPath, 'a');
      await segment.ackFile.write(entry);
    } catch (err) {
      failed(err, segment.ackPath);
    }
  });
  return segment.ackChain;
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
