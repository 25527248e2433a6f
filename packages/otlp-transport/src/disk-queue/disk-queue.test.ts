import { mkdtemp, open, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SignalType } from '@apo/shared/model';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundBatch } from '../batch.ts';
import { DiskQueue } from './disk-queue.ts';
import type { DiskQueueOptions, QueuedRecord } from './queue-types.ts';
import { encodeFrame } from './record-frame.ts';

const log = pino({ level: 'silent' });
const signals: SignalType[] = ['traces', 'logs', 'metrics'];

let dir: string;
const open_: DiskQueue[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-disk-queue-'));
});
afterEach(async () => {
  for (const q of open_.splice(0)) await q.close();
  await rm(dir, { recursive: true, force: true });
});

async function openQueue(options: Partial<DiskQueueOptions> = {}): Promise<DiskQueue> {
  const queue = await DiskQueue.open({ dir, maxBytes: 64 << 20, fsync: 'never', log, ...options });
  open_.push(queue);
  return queue;
}

async function closeQueue(queue: DiskQueue): Promise<void> {
  await queue.close();
  open_.splice(open_.indexOf(queue), 1);
}

/** A batch whose body encodes its number, so a read-back can be checked byte for byte. */
function batch(n: number, bodyBytes = 200, signal: SignalType = signals[n % 3]!): OutboundBatch {
  const body = new Uint8Array(bodyBytes);
  for (let i = 0; i < bodyBytes; i++) body[i] = (n * 31 + i) & 0xff;
  return {
    signal,
    batchId: `batch-${n}`,
    contentType: 'application/x-protobuf',
    contentEncoding: n % 2 === 0 ? 'gzip' : 'identity',
    body,
    items: n + 1,
    ...(n % 4 === 0 ? { headers: { 'x-apo-cluster-id': `c${n}` } } : {}),
  };
}

/** Takes every record available now (the queue is not waited on once it is drained). */
async function drain(queue: DiskQueue): Promise<QueuedRecord[]> {
  const out: QueuedRecord[] = [];
  for (;;) {
    const controller = new AbortController();
    const next = queue.take(controller.signal);
    // take() resolves at once when a record is there; an empty queue makes it wait, so abort it.
    setImmediate(() => {
      controller.abort();
    });
    const record = await next;
    if (record === null) return out;
    out.push(record);
  }
}

const idsOf = (records: QueuedRecord[]): string[] => records.map((r) => r.batch.batchId);
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

async function segmentFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.seg')).sort();
}

async function flipByte(path: string, at: number): Promise<void> {
  const file = await open(path, 'r+');
  const one = Buffer.alloc(1);
  await file.read(one, 0, 1, at);
  one[0] = one[0]! ^ 0x5a;
  await file.write(one, 0, 1, at);
  await file.close();
}

describe('DiskQueue', () => {
  it('hands records back byte for byte, in order, across a reopen, and deletes what was acked', async () => {
    const queue = await openQueue({ fsync: 'always' });
    for (const n of range(0, 5)) expect(await queue.append(batch(n))).toEqual({ stored: true });
    const first = await drain(queue);
    expect(idsOf(first)).toEqual(range(0, 5).map((n) => `batch-${n}`));
    for (const record of first) expect(record.batch).toEqual(batch(Number(record.batch.batchId.slice(6))));
    await queue.ack(first[0]!);
    await queue.ack(first[1]!);
    await closeQueue(queue);

    const reopened = await openQueue();
    const rest = await drain(reopened);
    expect(idsOf(rest)).toEqual(['batch-2', 'batch-3', 'batch-4']);
    expect(rest[2]!.batch).toEqual(batch(4));
    // batch-3 is the one traces batch left: handed out, so queued and in flight until acked.
    expect(reopened.stats().signals.traces).toMatchObject({ queuedBatches: 1, queuedItems: 4, inFlight: 1 });
    for (const record of rest) await reopened.ack(record);
    await closeQueue(reopened);

    const empty = await openQueue();
    expect(await drain(empty)).toEqual([]);
    expect(await segmentFiles()).toEqual([]);
  });

  it('keeps out-of-order acks across a restart: only the unacked records come back', async () => {
    const queue = await openQueue({ segmentBytes: 1500 }); // a few records per segment: acks span segments
    for (const n of range(0, 12)) await queue.append(batch(n));
    const taken = await drain(queue);
    expect(taken).toHaveLength(12);
    const acked = [9, 1, 5, 3, 11, 7, 0];
    for (const i of acked) await queue.ack(taken[i]!);
    await closeQueue(queue);

    const reopened = await openQueue({ segmentBytes: 1500 });
    const again = await drain(reopened);
    expect(idsOf(again)).toEqual([2, 4, 6, 8, 10].map((n) => `batch-${n}`));
    // Acking the rest in yet another order empties the directory.
    for (const i of [4, 0, 2, 1, 3]) await reopened.ack(again[i]!);
    await closeQueue(reopened);
    const last = await openQueue();
    expect(await drain(last)).toEqual([]);
    expect(await segmentFiles()).toEqual([]);
  });

  it('writes acks that arrive together in one go, and keeps every one of them across a restart', async () => {
    const queue = await openQueue();
    for (const n of range(0, 40)) await queue.append(batch(n));
    const taken = await drain(queue);
    // 32 acks at once, as 16+ export workers answered by one server flush send them: grouped while the
    // first sidecar write is under way, each resolving only once its own entry is written.
    const acked = taken.filter((_, i) => i % 5 !== 2);
    await Promise.all(acked.map((record) => queue.ack(record)));
    const sidecar = (await readdir(dir)).filter((f) => f.endsWith('.ack'));
    expect(sidecar).toHaveLength(1);
    expect((await stat(join(dir, sidecar[0]!))).size).toBe(12 * acked.length); // whole entries, none torn
    await closeQueue(queue);

    const reopened = await openQueue();
    expect(idsOf(await drain(reopened))).toEqual([2, 7, 12, 17, 22, 27, 32, 37].map((n) => `batch-${n}`));
  });

  it('truncates a torn last record and keeps every whole record before it', async () => {
    const queue = await openQueue();
    for (const n of range(0, 5)) await queue.append(batch(n));
    const lastOffset = (await drain(queue)).at(-1)!.offset;
    await closeQueue(queue);
    const [file] = await segmentFiles();
    const path = join(dir, file!);
    const size = (await stat(path)).size;
    await truncate(path, size - 50); // kill -9 in the middle of writing batch-4

    const reopened = await openQueue();
    expect(reopened.stats()).toMatchObject({ truncatedBytes: size - 50 - lastOffset, corruptRecords: 0 });
    expect((await stat(path)).size).toBe(lastOffset);
    expect(idsOf(await drain(reopened))).toEqual(range(0, 4).map((n) => `batch-${n}`));
    // Appends after recovery go on normally and survive the next reopen.
    await reopened.append(batch(5));
    await closeQueue(reopened);
    const third = await openQueue();
    expect(idsOf(await drain(third))).toEqual([0, 1, 2, 3, 5].map((n) => `batch-${n}`));
    expect(third.stats().truncatedBytes).toBe(0);
  });

  it('skips a record whose payload byte flipped (checksum mismatch) and counts it', async () => {
    const queue = await openQueue();
    for (const n of range(0, 5)) await queue.append(batch(n));
    const offsets = (await drain(queue)).map((r) => r.offset);
    await closeQueue(queue);
    const [file] = await segmentFiles();
    await flipByte(join(dir, file!), offsets[2]! + 150);

    const reopened = await openQueue();
    expect(reopened.stats().corruptRecords).toBe(1);
    const records = await drain(reopened);
    expect(idsOf(records)).toEqual([0, 1, 3, 4].map((n) => `batch-${n}`));
    expect(records[2]!.batch).toEqual(batch(3));
  });

  it('steps over a record whose length field is corrupt, in an older segment, by resynchronising', async () => {
    const queue = await openQueue({ segmentBytes: 1200 });
    for (const n of range(0, 9)) await queue.append(batch(n));
    const taken = await drain(queue);
    await closeQueue(queue);
    const files = await segmentFiles();
    expect(files.length).toBeGreaterThan(1);
    // The second record of the first segment: its length's high byte now points far past the file.
    const victim = taken.find((r) => r.segment === taken[0]!.segment && r.offset > 0)!;
    await flipByte(join(dir, files[0]!), victim.offset + 3);

    const reopened = await openQueue({ segmentBytes: 1200 });
    expect(reopened.stats()).toMatchObject({ corruptRecords: 1, truncatedBytes: 0 });
    expect(idsOf(await drain(reopened))).toEqual(idsOf(taken).filter((id) => id !== victim.batch.batchId));
  });

  it('drops the oldest undelivered records when full, counts them per signal, and stays within maxBytes', async () => {
    const maxBytes = 32 * 1024;
    const queue = await openQueue({ maxBytes, segmentBytes: 4 * 1024 });
    const total = 120;
    for (const n of range(0, total)) {
      expect(await queue.append(batch(n, 700))).toEqual({ stored: true });
      expect(queue.stats().diskBytes).toBeLessThanOrEqual(maxBytes);
    }
    const stats = queue.stats();
    const dropped = signals.reduce((sum, s) => sum + stats.signals[s].droppedFullBatches, 0);
    const queued = signals.reduce((sum, s) => sum + stats.signals[s].queuedBatches, 0);
    expect(dropped).toBeGreaterThan(0);
    expect(dropped + queued).toBe(total);
    for (const s of signals) {
      expect(stats.signals[s].enqueuedBatches).toBe(total / 3);
      expect(stats.signals[s].droppedFullBatches + stats.signals[s].queuedBatches).toBe(total / 3);
    }
    // Items are counted too: batch n carries n + 1 items.
    const droppedItems = signals.reduce((sum, s) => sum + stats.signals[s].droppedFullItems, 0);
    expect(droppedItems).toBe(range(0, dropped).reduce((sum, n) => sum + n + 1, 0));
    // What is left is the newest records, oldest first.
    expect(idsOf(await drain(queue))).toEqual(range(dropped, total).map((n) => `batch-${n}`));
  });

  it('never drops records a consumer holds, and refuses a batch that cannot fit at all', async () => {
    const maxBytes = 16 * 1024;
    const queue = await openQueue({ maxBytes, segmentBytes: 4 * 1024 });
    for (const n of range(0, 4)) await queue.append(batch(n, 700));
    const held = [(await queue.take())!, (await queue.take())!];
    for (const n of range(4, 80)) await queue.append(batch(n, 700));
    expect(queue.stats().diskBytes).toBeLessThanOrEqual(maxBytes);
    expect(queue.stats().signals.traces.inFlight + queue.stats().signals.logs.inFlight).toBe(2);
    // The held records can still be acked, and their segment then goes.
    for (const record of held) await queue.ack(record);
    const rest = idsOf(await drain(queue));
    expect(rest.at(-1)).toBe('batch-79');
    expect(rest).not.toContain('batch-0');
    expect(rest).not.toContain('batch-2');

    const before = queue.stats().signals.metrics.droppedFullBatches;
    expect(await queue.append(batch(80, maxBytes, 'metrics'))).toEqual({ stored: false });
    expect(queue.stats().signals.metrics.droppedFullBatches).toBe(before + 1);
  });

  it("with whenFull 'refuse', refuses appends once full, drops nothing, and takes them again once acks free space", async () => {
    const maxBytes = 16 * 1024;
    const queue = await openQueue({ maxBytes, segmentBytes: 4 * 1024, whenFull: 'refuse' });
    const stored: number[] = [];
    const refused: number[] = [];
    for (const n of range(0, 40)) {
      if ((await queue.append(batch(n, 700))).stored) stored.push(n);
      else refused.push(n);
      expect(queue.stats().diskBytes).toBeLessThanOrEqual(maxBytes);
    }
    expect(refused.length).toBeGreaterThan(0);
    // Nothing accepted was dropped to make room, and nothing refused counts as dropped.
    const stats = queue.stats();
    expect(signals.reduce((sum, s) => sum + stats.signals[s].droppedFullBatches, 0)).toBe(0);
    const records = await drain(queue);
    expect(idsOf(records)).toEqual(stored.map((n) => `batch-${n}`));
    // Delivering frees whole segments: new appends fit again.
    for (const record of records) await queue.ack(record);
    expect(await queue.append(batch(100, 700))).toEqual({ stored: true });
  });

  it('keeps its in-memory index flat however many records are queued', async () => {
    const queue = await openQueue({ segmentBytes: 1 << 20 });
    const append = async (from: number, to: number) => {
      for (let n = from; n < to; n += 500) {
        await Promise.all(range(n, Math.min(to, n + 500)).map((i) => queue.append(batch(i, 64))));
      }
    };
    await append(0, 100);
    const small = queue.indexEntries();
    await append(100, 10_000);
    const stats = queue.stats();
    expect(signals.reduce((sum, s) => sum + stats.signals[s].queuedBatches, 0)).toBe(10_000);
    // 10,000 records (~1.9 MB) live in two segments: the index holds the segments, not the records.
    expect(stats.segments).toBe(2);
    expect(queue.indexEntries()).toBeLessThanOrEqual(small + 1);

    // Out-of-order acks across a restart: the reader loads one segment's sidecar at a time.
    const taken: QueuedRecord[] = [];
    for (let i = 0; i < 6000; i++) taken.push((await queue.take())!);
    expect(queue.indexEntries()).toBe(stats.segments + 6000); // records held by a consumer are counted
    for (let i = 0; i < taken.length; i += 2) await queue.ack(taken[i]!);
    await closeQueue(queue);
    const reopened = await openQueue({ segmentBytes: 1 << 20 });
    expect(reopened.indexEntries()).toBe(2);
    const first = (await reopened.take())!;
    expect(first.batch.batchId).toBe('batch-1');
    expect(reopened.indexEntries()).toBeLessThanOrEqual(2 + 1 + 6000 / 2);
    await reopened.ack(first);
  });

  it('refuses a second open of the same directory while the first is open', async () => {
    await openQueue();
    await expect(DiskQueue.open({ dir, maxBytes: 1 << 20, log })).rejects.toThrow(/already open/);
  });

  it('hands a released record out again before newer ones', async () => {
    const queue = await openQueue();
    for (const n of range(0, 3)) await queue.append(batch(n));
    const first = (await queue.take())!;
    const second = (await queue.take())!;
    queue.release(first);
    expect((await queue.take())!.batch.batchId).toBe('batch-0');
    expect((await queue.take())!.batch.batchId).toBe('batch-2');
    await queue.ack(second);
    expect(queue.stats().signals.logs.inFlight).toBe(0);
  });

  it('skips a record that turns corrupt on disk while the queue is open, and counts it', async () => {
    const queue = await openQueue();
    for (const n of range(0, 3)) await queue.append(batch(n));
    const [file] = await segmentFiles();
    await flipByte(join(dir, file!), encodeFrame(batch(0)).bytes + 100); // inside batch-1
    expect((await queue.take())!.batch.batchId).toBe('batch-0');
    expect((await queue.take())!.batch.batchId).toBe('batch-2');
    await queue.append(batch(3));
    expect((await queue.take())!.batch.batchId).toBe('batch-3');
    expect(queue.stats().corruptRecords).toBe(1);
    expect(queue.stats().signals.logs).toMatchObject({ queuedBatches: 0, inFlight: 0 }); // batch-1 was logs
  });
});
