/** Load averages (/proc/loadavg), file handles (/proc/sys/fs/file-nr) and uptime (/proc/uptime). */
import type { MetricSet } from './metric-set.ts';

export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
}

export function parseLoadavg(text: string): LoadAverage | undefined {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (a === undefined || b === undefined || c === undefined) return undefined;
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return undefined;
  return { load1: a, load5: b, load15: c };
}

export interface FileHandles {
  allocated: number;
  maximum: number;
}

/** `allocated unused maximum`; "unused" has been 0 since Linux 2.6. */
export function parseFileNr(text: string): FileHandles | undefined {
  const [allocated, , maximum] = text.trim().split(/\s+/).map(Number);
  if (allocated === undefined || maximum === undefined) return undefined;
  if (!Number.isFinite(allocated) || !Number.isFinite(maximum)) return undefined;
  return { allocated, maximum };
}

/** Seconds since boot (the first field; the second is the idle time summed over CPUs). */
export function parseUptime(text: string): number | undefined {
  const value = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

const LOAD1 = { name: 'node_load1', unit: '', description: '1m load average.' };
const LOAD5 = { name: 'node_load5', unit: '', description: '5m load average.' };
const LOAD15 = { name: 'node_load15', unit: '', description: '15m load average.' };
const FILEFD_ALLOCATED = {
  name: 'node_filefd_allocated',
  unit: '{file_descriptor}',
  description: 'File descriptor statistics: allocated.',
};
const FILEFD_MAXIMUM = {
  name: 'node_filefd_maximum',
  unit: '{file_descriptor}',
  description: 'File descriptor statistics: maximum.',
};
const UPTIME = { name: 'system.uptime', unit: 's', description: 'The time the system has been running.' };
const TIME = {
  name: 'node_time_seconds',
  unit: 's',
  description: 'System time in seconds since epoch (1970).',
};

export function addSystemMetrics(
  set: MetricSet,
  load: LoadAverage | undefined,
  files: FileHandles | undefined,
  uptimeSeconds: number | undefined,
): void {
  if (load !== undefined) {
    set.gauge(LOAD1, load.load1);
    set.gauge(LOAD5, load.load5);
    set.gauge(LOAD15, load.load15);
  }
  if (files !== undefined) {
    set.gauge(FILEFD_ALLOCATED, files.allocated);
    set.gauge(FILEFD_MAXIMUM, files.maximum);
  }
  if (uptimeSeconds !== undefined) set.gauge(UPTIME, uptimeSeconds);
  set.gauge(TIME, Number(set.now) / 1e9);
}
