import { DiskQueueWriteError } from '../disk-queue/write-condition.ts';
import { IngestError } from './ingest-error.ts';

/** Retry-After of a refusal for a full disk: space returns as the queue drains, in seconds, not at once. */
export const UNWRITABLE_RETRY_AFTER_SECONDS = 5;

/**
 * What a sender is told while `who`'s disk queue cannot write (a full disk): 503 with Retry-After and the
 * cause, so it keeps its data and tries again. Any other error is returned unchanged.
 */
export function refusalWhenUnwritable(err: unknown, who: string): unknown {
  if (!(err instanceof DiskQueueWriteError)) return err;
  return new IngestError(
    'unavailable',
    `${who} cannot write to its disk queue (${err.description}): retry later`,
    UNWRITABLE_RETRY_AFTER_SECONDS,
  );
}
