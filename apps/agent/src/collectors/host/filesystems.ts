/**
 * Filesystem usage (`node_filesystem_*{device,mountpoint,fstype}`): the mount table from /proc, then one
 * statfs(2) per mount. A statfs on a dead network mount can hang for minutes and would hold one of libuv's
 * few threads, so each call has a deadline; a mount that missed it is "stuck" and is not asked again until
 * its pending call returns (node_exporter does the same), so at most one thread waits per stuck mount.
 */
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { attributes, type MetricSet } from './metric-set.ts';

/** Debian's node_exporter defaults. */
export const DEFAULT_MOUNT_POINT_EXCLUDE =
  /^\/(dev|proc|run|sys|mnt|media|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;
export const DEFAULT_FS_TYPE_EXCLUDE =
  /^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$/;

export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
  readOnly: boolean;
}

/** The kernel escapes space, tab, newline and backslash in mount fields as octal (`\040`). */
function unescapeMountField(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** /proc/<pid>/mounts rows, without excluded mount points and types and without repeated mounts. */
export function parseMounts(text: string, mountPointExclude: RegExp, fsTypeExclude: RegExp): Mount[] {
  const out: Mount[] = [];
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const parts = line.split(' ');
    if (parts.length < 4) continue;
    const device = unescapeMountField(parts[0]!);
    const mountPoint = unescapeMountField(parts[1]!);
    const fsType = parts[2]!;
    if (mountPointExclude.test(mountPoint) || fsTypeExclude.test(fsType)) continue;
    const key = `${device}\u0000${mountPoint}\u0000${fsType}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ device, mountPoint, fsType, readOnly: parts[3]!.split(',').includes('ro') });
  }
  return out;
}

export interface FilesystemUsage {
  sizeBytes: number;
  freeBytes: number;
  availBytes: number;
  files: number;
  filesFree: number;
}

export class FilesystemProbe {
  readonly #rootFs: string;
  readonly #timeoutMs: number;
  readonly #stuck = new Set<string>();

  /** `rootFs` prefixes every mount point (an agent in a container sees the host's root at e.g. /host). */
  constructor(rootFs: string, timeoutMs: number) {
    this.#rootFs = rootFs;
    this.#timeoutMs = timeoutMs;
  }

  /** Usage of one mount, or undefined when statfs failed, timed out, or is still stuck from before. */
  async usage(mountPoint: string): Promise<FilesystemUsage | undefined> {
    const path = this.#rootFs === '' ? mountPoint : join(this.#rootFs, mountPoint);
    if (this.#stuck.has(path)) return undefined;
    const call = statfs(path);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.#timeoutMs);
      timer.unref();
    });
    try {
      const result = await Promise.race([call, deadline]);
      if (result === 'timeout') {
        this.#stuck.add(path);
        call.then(
          () => this.#stuck.delete(path),
          () => this.#stuck.delete(path),
        );
        return undefined;
      }
      return {
        sizeBytes: result.blocks * result.bsize,
        freeBytes: result.bfree * result.bsize,
        availBytes: result.bavail * result.bsize,
        files: result.files,
        filesFree: result.ffree,
      };
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

const SIZE = { name: 'node_filesystem_size_bytes', unit: 'By', description: 'Filesystem size in bytes.' };
const FREE = {
  name: 'node_filesystem_free_bytes',
  unit: 'By',
  description: 'Filesystem free space in bytes.',
};
const AVAIL = {
  name: 'node_filesystem_avail_bytes',
  unit: 'By',
  description: 'Filesystem space available to non-root users in bytes.',
};
const FILES = { name: 'node_filesystem_files', unit: '{inode}', description: 'Filesystem total file nodes.' };
const FILES_FREE = {
  name: 'node_filesystem_files_free',
  unit: '{inode}',
  description: 'Filesystem total free file nodes.',
};
const READONLY = { name: 'node_filesystem_readonly', unit: '', description: 'Filesystem read-only status.' };
const DEVICE_ERROR = {
  name: 'node_filesystem_device_error',
  unit: '',
  description: 'Whether an error occurred while getting statistics for the given device.',
};

export function addFilesystemMetrics(
  set: MetricSet,
  mounts: readonly Mount[],
  usages: readonly (FilesystemUsage | undefined)[],
): void {
  mounts.forEach((mount, i) => {
    const labels = { device: mount.device, mountpoint: mount.mountPoint, fstype: mount.fsType };
    const usage = usages[i];
    set.gauge(DEVICE_ERROR, usage === undefined ? 1 : 0, attributes(labels));
    if (usage === undefined) return;
    set.gauge(SIZE, usage.sizeBytes, attributes(labels));
    set.gauge(FREE, usage.freeBytes, attributes(labels));
    set.gauge(AVAIL, usage.availBytes, attributes(labels));
    set.gauge(FILES, usage.files, attributes(labels));
    set.gauge(FILES_FREE, usage.filesFree, attributes(labels));
    set.gauge(READONLY, mount.readOnly ? 1 : 0, attributes(labels));
  });
}
