/**
 * Finds processes whose command line matches configured patterns, for services that send no telemetry
 * (a database, a proxy). Every cycle lists /proc and reads each process's cmdline (one small read per
 * process), because a command line changes at exec and a pid is recycled.
 */
import { join } from 'node:path';
import { listProcDir, readProcText } from '../host/proc-files.ts';
import { commandLineOf, executableNameOf } from './proc-pid.ts';

export interface PatternMatch {
  pid: number;
  executableName: string;
}

const BATCH = 64;

/** A copy without the g/y flags, whose `lastIndex` state would make `test` skip matches. */
export function statelessPattern(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}

/** Processes whose command line (argv joined by spaces) matches any pattern; kernel threads never do. */
export async function findMatchingProcesses(
  procRoot: string,
  patterns: readonly RegExp[],
  skip: (pid: number) => boolean,
): Promise<PatternMatch[]> {
  const names = (await listProcDir(procRoot)) ?? [];
  const pids = names
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => !skip(pid));
  const out: PatternMatch[] = [];
  for (let i = 0; i < pids.length; i += BATCH) {
    const batch = pids.slice(i, i + BATCH);
    const cmdlines = await Promise.all(
      batch.map((pid) => readProcText(join(procRoot, String(pid), 'cmdline'))),
    );
    cmdlines.forEach((cmdline, j) => {
      if (cmdline === undefined) return;
      const line = commandLineOf(cmdline);
      if (line === '' || !patterns.some((p) => p.test(line))) return;
      out.push({ pid: batch[j]!, executableName: executableNameOf(cmdline) });
    });
  }
  return out;
}
