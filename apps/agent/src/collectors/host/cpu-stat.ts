/**
 * /proc/stat: per-CPU time by mode, boot time, context switches, interrupts, forks and the run/blocked
 * task counts. Times are in clock ticks (USER_HZ, `getconf CLK_TCK`: 100 on Linux).
 */
import { attributes, type MetricSet } from './metric-set.ts';

/** /proc/stat column order after the `cpuN` label. */
const CPU_MODES = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guest_nice',
] as const;

interface CpuTimes {
  /** The logical CPU number as node_exporter labels it ("0", "1", …). */
  cpu: string;
  /** Ticks per mode, in `CPU_MODES` order; a missing column (older kernels) is 0. */
  ticks: number[];
}

export interface KernelStat {
  cpus: CpuTimes[];
  bootTimeSeconds: number | undefined;
  contextSwitches: number | undefined;
  interrupts: number | undefined;
  forks: number | undefined;
  procsRunning: number | undefined;
  procsBlocked: number | undefined;
}

/** The first number after `label ` on a line (the `intr` line has thousands; only its total is read). */
function firstNumber(line: string, label: string): number | undefined {
  const rest = line.slice(label.length + 1).trimStart();
  const end = rest.indexOf(' ');
  const value = Number(end === -1 ? rest : rest.slice(0, end));
  return Number.isFinite(value) ? value : undefined;
}

export function parseProcStat(text: string): KernelStat {
  const stat: KernelStat = {
    cpus: [],
    bootTimeSeconds: undefined,
    contextSwitches: undefined,
    interrupts: undefined,
    forks: undefined,
    procsRunning: undefined,
    procsBlocked: undefined,
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('cpu')) {
      if (line.startsWith('cpu ')) continue; // the all-CPU sum; per-CPU lines carry the same data
      const parts = line.split(/\s+/);
      const cpu = parts[0]!.slice(3);
      if (!/^\d+$/.test(cpu)) continue;
      const ticks = CPU_MODES.map((_, i) => {
        const value = Number(parts[i + 1] ?? 0);
        return Number.isFinite(value) ? value : 0;
      });
      stat.cpus.push({ cpu, ticks });
    } else if (line.startsWith('btime ')) stat.bootTimeSeconds = firstNumber(line, 'btime');
    else if (line.startsWith('ctxt ')) stat.contextSwitches = firstNumber(line, 'ctxt');
    else if (line.startsWith('intr ')) stat.interrupts = firstNumber(line, 'intr');
    else if (line.startsWith('processes ')) stat.forks = firstNumber(line, 'processes');
    else if (line.startsWith('procs_running ')) stat.procsRunning = firstNumber(line, 'procs_running');
    else if (line.startsWith('procs_blocked ')) stat.procsBlocked = firstNumber(line, 'procs_blocked');
  }
  return stat;
}

const CPU_SECONDS = {
  name: 'node_cpu_seconds_total',
  unit: 's',
  description: 'Seconds the CPUs spent in each mode.',
};
const CPU_GUEST_SECONDS = {
  name: 'node_cpu_guest_seconds_total',
  unit: 's',
  description: 'Seconds the CPUs spent in guests (VMs) for each mode.',
};
const CONTEXT_SWITCHES = {
  name: 'node_context_switches_total',
  unit: '{context_switch}',
  description: 'Total number of context switches.',
};
const INTERRUPTS = {
  name: 'node_intr_total',
  unit: '{interrupt}',
  description: 'Total number of interrupts serviced.',
};
const FORKS = { name: 'node_forks_total', unit: '{fork}', description: 'Total number of forks.' };
const PROCS_RUNNING = {
  name: 'node_procs_running',
  unit: '{process}',
  description: 'Number of processes in runnable state.',
};
const PROCS_BLOCKED = {
  name: 'node_procs_blocked',
  unit: '{process}',
  description: 'Number of processes blocked waiting for I/O to complete.',
};
const BOOT_TIME = { name: 'node_boot_time_seconds', unit: 's', description: 'Node boot time, in unixtime.' };

/** Guest time is also counted in user/nice (the kernel adds it to both), as node_exporter reports it. */
const GUEST_MODES: readonly [number, string][] = [
  [8, 'user'],
  [9, 'nice'],
];

export function addCpuMetrics(set: MetricSet, stat: KernelStat, ticksPerSecond: number, boot: bigint): void {
  for (const { cpu, ticks } of stat.cpus) {
    for (let i = 0; i < 8; i++) {
      set.counter(CPU_SECONDS, ticks[i]! / ticksPerSecond, attributes({ cpu, mode: CPU_MODES[i]! }), boot);
    }
    for (const [index, mode] of GUEST_MODES) {
      set.counter(CPU_GUEST_SECONDS, ticks[index]! / ticksPerSecond, attributes({ cpu, mode }), boot);
    }
  }
  if (stat.bootTimeSeconds !== undefined) set.gauge(BOOT_TIME, stat.bootTimeSeconds);
  if (stat.contextSwitches !== undefined)
    set.counter(CONTEXT_SWITCHES, stat.contextSwitches, attributes(), boot);
  if (stat.interrupts !== undefined) set.counter(INTERRUPTS, stat.interrupts, attributes(), boot);
  if (stat.forks !== undefined) set.counter(FORKS, stat.forks, attributes(), boot);
  if (stat.procsRunning !== undefined) set.gauge(PROCS_RUNNING, stat.procsRunning);
  if (stat.procsBlocked !== undefined) set.gauge(PROCS_BLOCKED, stat.procsBlocked);
}
