/**
 * The queue on a really full disk (a 1 MiB tmpfs, far below maxBytes): appends fail with ENOSPC, and once
 * the records are delivered the space must come back without reopening the queue — no descriptor of a
 * deleted segment left open, no torn tail left in the write segment, no refused record brought back.
 */
import { mkdir, readdir, rm, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundBatch } from '../batch.ts';
import { deletedFilesOpen, mountSmallDisk } from '../testing/small-disk.ts';
import { DiskQueue } from './disk-queue.ts';
import type { QueuedRecord } from './queue-types.ts';
import { DiskQueueWriteError } from './write-condition.ts';

const DISK_BYTES = 1 << 20;
const disk = await mountSmallDisk(DISK_BYTES);
afterAll(async () => disk?.dispose());

const log = pino({ level: 'silent' });
let dir: string;
const opened: DiskQueue[] = [];
afterEach(async () => {
  for (const q of opened.splice(0)) await q.close();
  if (disk !== undefined) await rm(dir, { recursive: true, force: true });
});

let nextDir = 0;
beforeEach(() => {
  if (disk !== undefined) dir = join(disk.dir, `q${nextDir++}`);
});

async function openQueue(): Promise<DiskQueue> {
  await mkdir(dir, { recursive: true });
  // maxBytes far above the disk: the file system, not the queue's bound, is what fills up.
  const queue = await DiskQueue.open({
    dir,
    maxBytes: 64 << 20,
    segmentBytes: 128 << 10,
    fsync: 'never',
    log,
  });
  opened.push(queue);
  return queue;
}

let batches = 0;
function batch(n = batches++): OutboundBatch {
  // Random bytes: the file system cannot share or compress them, every append costs its size.
  const body = new Uint8Array(9_000);
  crypto.getRandomValues(body);
  return {
    signal: 'traces',
    batchId: `batch-${n}`,
    contentType: 'application/x-protobuf',
    contentEncoding: 'identity',
    body,
    items: 1,
  };
}

/** Appends until the disk refuses: the ids stored, and the error of the first refused append. */
async function fill(queue: DiskQueue): Promise<{ stored: string[]; error: unknown }> {
  const stored: string[] = [];
  for (let n = 0; n < 2_000; n++) {
    // Several appends at once, so some fail inside a group write (a torn tail of whole frames).
    const group = Array.from({ length: 8 }, () => batch());
    const results = await Promise.allSettled(group.map((b) => queue.append(b)));
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled' && r.value.stored) stored.push(group[i]!.batchId);
    }
    const refused = results.find((r) => r.status === 'rejected');
    if (refused !== undefined) return { stored, error: refused.reason };
  }
  throw new Error('the disk never filled up');
}

async function takeAll(queue: DiskQueue): Promise<QueuedRecord[]> {
  const out: QueuedRecord[] = [];
  for (;;) {
    const controller = new AbortController();
    const next = queue.take(controller.signal);
    setImmediate(() => controller.abort());
    const record = await next;
    if (record === null) return out;
    out.push(record);
  }
}

async function segmentBytesOnDisk(): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(dir)) {
    if (name.endsWith('.seg')) bytes += (await stat(join(dir, name))).size;
  }
  return bytes;
}

async function freeBytes(): Promise<number> {
  const fs = await statfs(disk!.dir);
  return fs.bavail * fs.bsize;
}

async function until<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(disk === undefined)(
  'disk queue on a full 1 MiB tmpfs (mounting one needs root: skipped without)',
  () => {
    it('refuses appends with ENOSPC, then gives the space back once delivered, without reopening', async () => {
      const queue = await openQueue();
      const { stored, error } = await fill(queue);
      expect(stored.length).toBeGreaterThan(50);
      expect(error).toBeInstanceOf(DiskQueueWriteError);
      expect((error as DiskQueueWriteError).code).toBe('ENOSPC');
      expect((error as Error).message).toMatch(/cannot write: disk full \(ENOSPC\)/);
      const full = queue.stats();
      expect(full.write.writable).toBe(false);
      expect(full.write.reason).toMatch(/^disk full \(ENOSPC\) since \d{4}-\d\d-\d\dT/);
      // The failed group's bytes were cut off: the files hold exactly the records stored, no torn tail.
      expect(await segmentBytesOnDisk()).toBe(full.diskBytes);
      // Full but for what the cut-off group of 8 appends had taken.
      expect(await freeBytes()).toBeLessThan(8 * 9_100 + (8 << 10));

      const taken = await takeAll(queue);
      expect(taken.map((r) => r.batch.batchId)).toEqual(stored);
      for (const record of taken) await queue.ack(record);
      // Nobody appends: the free space alone ends the spell (what /healthz and a readiness probe read).
      await until(() => (queue.stats().write.writable ? true : undefined), 'writable again');
      await until(
        async () => ((await deletedFilesOpen('self', dir)).length === 0 ? true : undefined),
        'no deleted segment held open',
      );
      expect(await deletedFilesOpen('self', dir)).toEqual([]);
      // Everything delivered is deleted, the drained write segment too, and the space is back.
      expect(await freeBytes()).toBeGreaterThan(DISK_BYTES * 0.9);

      const again = await queue.append(batch(1_000_000));
      expect(again.stored).toBe(true);
      expect(queue.stats().write).toEqual({ writable: true });
      // That append retired the settled write segment the reader had last read from: its descriptor goes
      // too, although the reader has had nothing to read since.
      await until(
        async () => ((await deletedFilesOpen('self', dir)).length === 0 ? true : undefined),
        'the retired write segment closed',
      );
      const after = await takeAll(queue);
      expect(after.map((r) => r.batch.batchId)).toEqual(['batch-1000000']);
      await queue.ack(after[0]!);
    });

    it('brings back no refused append after a reopen (the torn group was cut off)', async () => {
      const queue = await openQueue();
      const { stored } = await fill(queue);
      // More refused groups, as senders retrying into a full disk would cause (a few of them may fit).
      for (let n = 0; n < 3; n++) {
        const more = await fill(queue);
        expect((more.error as Error).message).toMatch(/ENOSPC/);
        stored.push(...more.stored);
      }
      await queue.close();
      opened.splice(0);

      const reopened = await openQueue();
      expect(reopened.stats().corruptRecords).toBe(0);
      const taken = await takeAll(reopened);
      expect(taken.map((r) => r.batch.batchId)).toEqual(stored);
      for (const record of taken) await reopened.ack(record);
      expect(await reopened.append(batch(3_000_000))).toEqual({ stored: true });
    });
  },
);
