/**
 * Parsers for the per-process files under /proc/<pid> (proc(5)). Each returns undefined (or leaves a
 * field undefined) for what it cannot read, so a half-written or truncated file costs a figure, not a cycle.
 */

export interface PidStat {
  /** The command name (`comm`), which may itself contain spaces and parentheses. */
  comm: string;
  state: string;
  minorFaults: number;
  majorFaults: number;
  /** User and system CPU time of the whole thread group, live and exited threads, in clock ticks. */
  userTicks: number;
  systemTicks: number;
  threads: number;
  /** When the process started, in clock ticks after boot: with the pid, what identifies one process. */
  startTicks: number;
  /** Aggregated block-I/O delay in clock ticks (field 42), meaningful only with delay accounting on. */
  blkioTicks: number;
}

export function parsePidStat(text: string): PidStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  // Fields after the command name, numbered from field 3 (`state`) of proc(5).
  const f = text.slice(close + 2).split(' ');
  const field = (n: number): number => Number(f[n - 3]);
  const stat: PidStat = {
    comm: text.slice(open + 1, close),
    state: f[0] ?? '',
    minorFaults: field(10),
    majorFaults: field(12),
    userTicks: field(14),
    systemTicks: field(15),
    threads: field(20),
    startTicks: field(22),
    blkioTicks: field(42),
  };
  return Number.isFinite(stat.startTicks) && Number.isFinite(stat.userTicks) ? stat : undefined;
}

export interface PidStatus {
  rssBytes: number | undefined;
  virtualBytes: number | undefined;
  threads: number | undefined;
  /** These two are the counts of the task the file describes (the main thread for /proc/<pid>/status). */
  voluntarySwitches: number | undefined;
  involuntarySwitches: number | undefined;
}

function statusField(text: string, name: string): number | undefined {
  const at = text.indexOf(`\n${name}:`);
  if (at < 0) return undefined;
  const end = text.indexOf('\n', at + 1);
  const value = Number.parseInt(text.slice(at + name.length + 2, end < 0 ? undefined : end).trim(), 10);
  return Number.isFinite(value) ? value : undefined;
}

export function parsePidStatus(text: string): PidStatus {
  const kb = (name: string) => {
    const value = statusField(text, name);
    return value === undefined ? undefined : value * 1024;
  };
  return {
    rssBytes: kb('VmRSS'),
    virtualBytes: kb('VmSize'),
    threads: statusField(text, 'Threads'),
    voluntarySwitches: statusField(text, 'voluntary_ctxt_switches'),
    involuntarySwitches: statusField(text, 'nonvoluntary_ctxt_switches'),
  };
}

/** /proc/<pid>/task/<tid>/schedstat: time on CPU (ns), time waiting on a run queue (ns), timeslices. */
export function parseSchedstat(text: string): { runNs: number; waitNs: number } | undefined {
  const [run, wait] = text.trim().split(' ').map(Number);
  if (run === undefined || wait === undefined || !Number.isFinite(run) || !Number.isFinite(wait))
    return undefined;
  return { runNs: run, waitNs: wait };
}

/** /proc/<pid>/io: bytes the process caused to be fetched from and sent to the storage layer. */
export function parsePidIo(text: string): { readBytes: number; writeBytes: number } | undefined {
  const read = /^read_bytes: (\d+)$/m.exec(text)?.[1];
  const write = /^write_bytes: (\d+)$/m.exec(text)?.[1];
  if (read === undefined || write === undefined) return undefined;
  return { readBytes: Number(read), writeBytes: Number(write) };
}

/** argv joined by spaces ('' for kernel threads and zombies, whose cmdline is empty). */
export function commandLineOf(cmdline: string): string {
  return cmdline.split('\u0000').join(' ').trim();
}

/** The base name of argv[0] (`/usr/bin/node` → `node`). */
export function executableNameOf(cmdline: string): string {
  const argv0 = cmdline.split('\u0000')[0] ?? '';
  return argv0.slice(argv0.lastIndexOf('/') + 1);
}
