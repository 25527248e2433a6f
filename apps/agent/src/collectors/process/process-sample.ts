/**
 * Reads everything the process collector reports about one pid, asynchronously: /proc/<pid>/{stat,status,
 * io}, the fd and task directories, and per thread task/<tid>/{schedstat,status} (plus task/<tid>/stat when
 * block-I/O delay accounting is on). About 5 + 2 × threads small reads per process and cycle.
 */
import { join } from 'node:path';
import { listProcDir, readProcText } from '../host/proc-files.ts';
import {
  parsePidIo,
  parsePidStat,
  parsePidStatus,
  parseSchedstat,
  type PidStat,
  type PidStatus,
} from './proc-pid.ts';
import type { ThreadCounters } from './thread-totals.ts';

export interface ProcessSample {
  pid: number;
  stat: PidStat;
  status: PidStatus;
  /** Undefined when /proc/<pid>/io may not be read (another user's process without CAP_SYS_PTRACE). */
  io: { readBytes: number; writeBytes: number } | undefined;
  /** Undefined when the fd directory may not be listed (another user's process). */
  openFds: number | undefined;
  /** tid → that thread's counters. */
  threads: Map<string, ThreadCounters>;
  /** False when no thread had a schedstat (a kernel built without CONFIG_SCHED_INFO). */
  hasSchedstat: boolean;
}

/** Reads at most this many threads' files at once, so a JVM with 500 threads does not flood libuv's pool. */
const THREAD_BATCH = 32;

async function readThread(
  taskDir: string,
  tid: string,
  leaderStatus: PidStatus | undefined,
  withBlkio: boolean,
): Promise<{ counters: ThreadCounters; hasSchedstat: boolean } | undefined> {
  const [schedText, statusText, statText] = await Promise.all([
    readProcText(join(taskDir, tid, 'schedstat')),
    leaderStatus === undefined ? readProcText(join(taskDir, tid, 'status')) : undefined,
    withBlkio ? readProcText(join(taskDir, tid, 'stat')) : undefined,
  ]);
  const status = leaderStatus ?? (statusText === undefined ? undefined : parsePidStatus(statusText));
  if (status === undefined) return undefined; // the thread exited while we looked
  const sched = schedText === undefined ? undefined : parseSchedstat(schedText);
  const stat = statText === undefined ? undefined : parsePidStat(statText);
  return {
    hasSchedstat: sched !== undefined,
    counters: {
      runQueueWaitNs: sched?.waitNs ?? 0,
      voluntarySwitches: status.voluntarySwitches ?? 0,
      involuntarySwitches: status.involuntarySwitches ?? 0,
      blkioTicks: stat !== undefined && Number.isFinite(stat.blkioTicks) ? stat.blkioTicks : 0,
    },
  };
}

/** One pid's figures, or undefined when the process no longer exists. */
export async function sampleProcess(
  procRoot: string,
  pid: number,
  withBlkio: boolean,
): Promise<ProcessSample | undefined> {
  const dir = join(procRoot, String(pid));
  const [statText, statusText, ioText, fds, tids] = await Promise.all([
    readProcText(join(dir, 'stat')),
    readProcText(join(dir, 'status')),
    readProcText(join(dir, 'io')),
    listProcDir(join(dir, 'fd')),
    listProcDir(join(dir, 'task')),
  ]);
  const stat = statText === undefined ? undefined : parsePidStat(statText);
  if (stat === undefined || statusText === undefined) return undefined;
  const status = parsePidStatus(statusText);
  const threads = new Map<string, ThreadCounters>();
  let hasSchedstat = false;
  const taskDir = join(dir, 'task');
  const ids = tids ?? [String(pid)];
  for (let i = 0; i < ids.length; i += THREAD_BATCH) {
    const batch = ids.slice(i, i + THREAD_BATCH);
    const results = await Promise.all(
      batch.map((tid) => readThread(taskDir, tid, tid === String(pid) ? status : undefined, withBlkio)),
    );
    results.forEach((result, j) => {
      if (result === undefined) return;
      threads.set(batch[j]!, result.counters);
      hasSchedstat ||= result.hasSchedstat;
    });
  }
  return {
    pid,
    stat,
    status,
    io: ioText === undefined ? undefined : parsePidIo(ioText),
    openFds: fds?.length,
    threads,
    hasSchedstat,
  };
}
