import { readdirSync, readFileSync } from 'node:fs';
import { processCpuSeconds, processPssBytes, processRssBytes } from './process-cpu.ts';

/** A live process under a root: its pid, parent and command line (for grouping by component). */
export interface TreeProcess {
  pid: number;
  ppid: number;
  cmdline: string;
}

function readProcess(pid: number): TreeProcess | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid, cmdline };
  } catch {
    return undefined; // exited between the listing and the read
  }
}

/** `root` and every process below it, now. */
function processTree(root: number): TreeProcess[] {
  const all = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((p): p is TreeProcess => p !== undefined);
  const children = new Map<number, TreeProcess[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const self = all.find((p) => p.pid === root);
  const out: TreeProcess[] = self ? [self] : [];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!.pid) ?? []));
  return out;
}

export interface GroupSample {
  cpuSeconds: number;
  rssBytes: number;
  /** Shared pages divided among the processes that map them (see processPssBytes). */
  pssBytes: number;
  processes: number;
}

/**
 * CPU seconds used so far and resident memory now, summed per group (`groupOf` names a process's group, or
 * undefined to leave it out). CPU of processes that exited since the last sample is lost: callers compare
 * samples of a stable tree.
 */
export function sampleGroups(
  root: number,
  groupOf: (p: TreeProcess) => string | undefined,
): Map<string, GroupSample> {
  const groups = new Map<string, GroupSample>();
  for (const p of processTree(root)) {
    const group = groupOf(p);
    if (group === undefined) continue;
    let cpu: number;
    let rss: number;
    let pss: number;
    try {
      cpu = processCpuSeconds(p.pid);
      rss = processRssBytes(p.pid);
      pss = processPssBytes(p.pid);
    } catch {
      continue; // exited since the listing
    }
    const g = groups.get(group) ?? { cpuSeconds: 0, rssBytes: 0, pssBytes: 0, processes: 0 };
    g.cpuSeconds += cpu;
    g.rssBytes += rss;
    g.pssBytes += pss;
    g.processes += 1;
    groups.set(group, g);
  }
  return groups;
}
