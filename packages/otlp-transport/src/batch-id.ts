import { randomUUID } from 'node:crypto';

/**
 * A new batch id: 128 bits (122 random) as 32 lowercase hex characters. It travels as `X-APO-Batch-Id`
 * and is stored with the batch on disk, so every retry — after a timeout, a crash, a restart — carries the
 * same id and the server stores the batch once.
 */
export function newBatchId(): string {
  return randomUUID().replaceAll('-', '');
}
