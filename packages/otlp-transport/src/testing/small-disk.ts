import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmallDisk {
  /** The mount point: a directory on a file system of `bytes` bytes. */
  dir: string;
  /** Unmounts and removes the mount point (lazily, should a process still hold a file there). */
  dispose(): Promise<void>;
}

/**
 * A real, small file system for full-disk tests: a tmpfs of `bytes` mounted on a fresh directory, so a
 * write past it fails with ENOSPC as on a full disk. Undefined when mounting is not allowed (not root,
 * no `mount`): callers fall back to a size-limited queue and say so in the test's name.
 */
export async function mountSmallDisk(bytes: number): Promise<SmallDisk | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'apo-small-disk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  } catch {
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    dispose: async () => {
      await run('umount', ['-l', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Files under `under` that process `pid` still holds open although they were deleted: space a file
 * system cannot give back until the descriptor closes.
 */
export async function deletedFilesOpen(pid: number | 'self', under: string): Promise<string[]> {
  const fdDir = `/proc/${pid}/fd`;
  const open: string[] = [];
  for (const fd of await readdir(fdDir)) {
    const target = await readlink(join(fdDir, fd)).catch(() => '');
    if (target.startsWith(under) && target.endsWith(' (deleted)')) open.push(`${fd} -> ${target}`);
  }
  return open;
}
