import { mkdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What the request-level faults do to a request. Each is the real thing, not a label: the CPU is burned, the
 * garbage allocated, the writes fsync-ed, so the process metrics an agent collects move as they would.
 */

export { sleep };

/**
 * Burns `ms` of CPU time of this thread (not wall time: on a busy machine the fault still costs what it
 * says), synchronously on the event loop — CPU-bound work in a handler.
 */
export function burnCpu(ms: number): number {
  const used = () => {
    const { user, system } = process.threadCpuUsage();
    return (user + system) / 1000;
  };
  const end = used() + ms;
  let x = 0;
  while (used() < end) {
    for (let i = 0; i < 20_000; i++) x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
  }
  return x;
}

/** Live heap kept by gc-pressure: chunks of about 1 MB of small objects, oldest dropped first. */
const retained: object[][] = [];

function chunk(mb: number, seed: number): object[] {
  // ~100 bytes of heap per object (object, string, small array).
  const objects = new Array<object>(Math.round((mb * 1024 * 1024) / 100));
  for (let i = 0; i < objects.length; i++) {
    objects[i] = { id: seed + i, name: `item-${seed + i}`, tags: [i, seed] };
  }
  return objects;
}

/** Allocates `mb` of short-lived objects and rotates `retainMb` of long-lived ones (old-generation GC work). */
export function churnHeap(mb: number, retainMb: number): number {
  const garbage = chunk(mb, Date.now());
  let sum = garbage.length;
  if (retainMb > 0) {
    const add = Math.max(1, Math.round(mb / 8));
    for (let i = 0; i < add; i++) retained.push(chunk(1, i));
    while (retained.length > retainMb) retained.shift();
    sum += retained.length;
  } else {
    retained.length = 0;
  }
  return sum;
}

export function releaseHeap(): void {
  retained.length = 0;
}

/** A scratch file the disk-io fault overwrites in place (bounded: at most `MAX_BYTES`), fsync after each write. */
const MAX_BYTES = 64 * 1024 * 1024;

export class DiskWriter {
  private readonly file: string;
  private handle: Promise<FileHandle> | undefined;
  private offset = 0;

  constructor(file: string) {
    this.file = file;
  }

  async write(writes: number, kb: number): Promise<void> {
    this.handle ??= (() => {
      mkdirSync(dirname(this.file), { recursive: true });
      return open(this.file, 'w');
    })();
    const fh = await this.handle;
    const buffer = Buffer.alloc(kb * 1024, Date.now() % 251);
    for (let i = 0; i < writes; i++) {
      if (this.offset + buffer.length > MAX_BYTES) this.offset = 0;
      await fh.write(buffer, 0, buffer.length, this.offset);
      this.offset += buffer.length;
      await fh.datasync();
    }
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle).close().catch(() => undefined);
  }
}

/**
 * Failures an app really produces, so the error logs of a fault read like an incident's: real error types
 * with the request's stack, minus the fault machinery's own frames. `statusCode` is what the service answers.
 */
const FAILURES: (() => Error)[] = [
  () => new TypeError("Cannot read properties of undefined (reading 'id')"),
  () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' }),
  () => new RangeError('Invalid array length'),
  () => new Error('unexpected response shape from the pricing rules'),
];
const BAD_DEPLOY_FAILURES: (() => Error)[] = [
  () => new TypeError("Cannot read properties of undefined (reading 'currency')"),
  () => new Error('feature flag "new-pricing" has no value for this tenant'),
];

export function failure(source: 'errors' | 'bad-deploy', statusCode: number): Error {
  const error = pick(source === 'errors' ? FAILURES : BAD_DEPLOY_FAILURES)();
  error.stack = (error.stack ?? '')
    .split('\n')
    .filter((line) => !line.includes('/faults/'))
    .join('\n');
  return Object.assign(error, { statusCode });
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
export const chance = (percent: number): boolean => Math.random() * 100 < percent;
