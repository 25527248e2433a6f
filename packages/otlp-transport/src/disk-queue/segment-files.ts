import { open, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { processAlive } from '../process-alive.ts';

/**
 * File names and directory housekeeping of a disk queue: `000000000001.seg` segments (ids grow, never
 * reused while a file with that id exists), `000000000001.ack` sidecars, and a `queue.lock` that keeps two
 * processes from sharing one directory.
 */
const ID_DIGITS = 12;
const namePattern = /^(\d{12})\.(seg|ack)$/;

export function segmentPath(dir: string, id: number): string {
  return join(dir, `${String(id).padStart(ID_DIGITS, '0')}.seg`);
}

export function ackPath(dir: string, id: number): string {
  return join(dir, `${String(id).padStart(ID_DIGITS, '0')}.ack`);
}

export interface QueueFiles {
  /** Segment ids, ascending. */
  segments: number[];
  /** Ids that have a sidecar. */
  acks: Set<number>;
}

export async function listQueueFiles(dir: string): Promise<QueueFiles> {
  const files: QueueFiles = { segments: [], acks: new Set() };
  for (const name of await readdir(dir)) {
    const match = namePattern.exec(name);
    if (match === null) continue;
    const id = Number(match[1]);
    if (match[2] === 'seg') files.segments.push(id);
    else files.acks.add(id);
  }
  files.segments.sort((a, b) => a - b);
  return files;
}

export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Makes a file creation or deletion in `dir` durable (the directory entry itself needs an fsync). */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Directories locked by queues open in this process (a lock file with our own pid may be a stale one). */
const lockedHere = new Set<string>();

/**
 * Takes the directory for this process. A lock left by a process that died (kill -9) is taken over — also
 * when its pid is ours, as for pid 1 in a restarted container; one held by a live process, or by another
 * open queue of this process, is refused: two writers would interleave frames and both deliver every record.
 */
export async function lockDirectory(dir: string): Promise<() => Promise<void>> {
  const key = resolve(dir);
  if (lockedHere.has(key)) throw new Error(`disk queue ${dir} is already open in this process`);
  lockedHere.add(key);
  const path = join(dir, 'queue.lock');
  try {
    await takeLockFile(dir, path);
  } catch (err) {
    lockedHere.delete(key);
    throw err;
  }
  return async () => {
    lockedHere.delete(key);
    await removeIfPresent(path);
  };
}

async function takeLockFile(dir: string, path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(path, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (holder !== process.pid && Number.isSafeInteger(holder) && holder > 0 && processAlive(holder)) {
      throw new Error(`disk queue ${dir} is in use by process ${holder} (${path})`);
    }
    await removeIfPresent(path);
  }
}
