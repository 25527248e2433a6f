/**
 * The metrics of one process, under the OpenTelemetry process semantic conventions where one exists and
 * `apo.process.*` otherwise (docs/agent-metrics.md). Counters start at the process's start time; levels that
 * the conventions define as UpDownCounters are non-monotonic cumulative sums.
 */
import { attributes, type MetricSet, type MetricSpec } from '../host/metric-set.ts';
import type { ProcessSample } from './process-sample.ts';
import type { ThreadCounters } from './thread-totals.ts';

/** The metric names, in one place, for the agent's status and for anyone who needs to refer to them. */
const PROCESS_METRIC_NAMES = {
  cpuTime: 'process.cpu.time',
  memoryUsage: 'process.memory.usage',
  memoryVirtual: 'process.memory.virtual',
  threadCount: 'process.thread.count',
  fileDescriptorCount: 'process.unix.file_descriptor.count',
  contextSwitches: 'process.context_switches',
  diskIo: 'process.disk.io',
  pagingFaults: 'process.paging.faults',
  uptime: 'process.uptime',
  runQueueWait: 'apo.process.runqueue.wait.time',
  blockIoDelay: 'apo.process.blkio.delay.time',
} as const;

const N = PROCESS_METRIC_NAMES;
const CPU_TIME: MetricSpec = {
  name: N.cpuTime,
  unit: 's',
  description: 'Total CPU seconds broken down by CPU mode.',
};
const MEMORY: MetricSpec = {
  name: N.memoryUsage,
  unit: 'By',
  description: 'The amount of physical memory in use (RSS).',
};
const VIRTUAL: MetricSpec = {
  name: N.memoryVirtual,
  unit: 'By',
  description: 'The amount of committed virtual memory.',
};
const THREADS: MetricSpec = { name: N.threadCount, unit: '{thread}', description: 'Process threads count.' };
const FDS: MetricSpec = {
  name: N.fileDescriptorCount,
  unit: '{file_descriptor}',
  description: 'Number of file descriptors in use by the process.',
};
const SWITCHES: MetricSpec = {
  name: N.contextSwitches,
  unit: '{context_switch}',
  description: 'Number of times the process has been context switched (all threads).',
};
const DISK_IO: MetricSpec = { name: N.diskIo, unit: 'By', description: 'Disk bytes transferred.' };
const FAULTS: MetricSpec = {
  name: N.pagingFaults,
  unit: '{fault}',
  description: 'Number of page faults the process has made.',
};
const UPTIME: MetricSpec = {
  name: N.uptime,
  unit: 's',
  description: 'The time the process has been running.',
};
const RUN_QUEUE: MetricSpec = {
  name: N.runQueueWait,
  unit: 's',
  description: 'Time the threads of the process spent runnable but waiting for a CPU (run-queue wait).',
};
const BLKIO: MetricSpec = {
  name: N.blockIoDelay,
  unit: 's',
  description: 'Time the threads of the process spent waiting for block I/O to complete (delay accounting).',
};

export interface ProcessFigures {
  sample: ProcessSample;
  totals: ThreadCounters;
  startNs: bigint;
  ticksPerSecond: number;
  /** Whether block-I/O delay accounting is on (/proc/sys/kernel/task_delayacct = 1). */
  blockIoDelay: boolean;
}

export function addProcessMetrics(set: MetricSet, figures: ProcessFigures): void {
  const { sample, totals, startNs, ticksPerSecond } = figures;
  const { stat, status } = sample;
  const none = attributes();
  set.counter(CPU_TIME, stat.userTicks / ticksPerSecond, attributes({ 'cpu.mode': 'user' }), startNs);
  set.counter(CPU_TIME, stat.systemTicks / ticksPerSecond, attributes({ 'cpu.mode': 'system' }), startNs);
  if (sample.hasSchedstat) set.counter(RUN_QUEUE, totals.runQueueWaitNs / 1e9, none, startNs);
  if (figures.blockIoDelay) set.counter(BLKIO, totals.blkioTicks / ticksPerSecond, attributes(), startNs);
  const switches = (type: string, value: number) =>
    set.counter(SWITCHES, value, attributes({ 'process.context_switch.type': type }), startNs);
  switches('voluntary', totals.voluntarySwitches);
  switches('involuntary', totals.involuntarySwitches);
  if (status.rssBytes !== undefined) set.upDown(MEMORY, status.rssBytes, attributes(), startNs);
  if (status.virtualBytes !== undefined) set.upDown(VIRTUAL, status.virtualBytes, attributes(), startNs);
  set.upDown(THREADS, status.threads ?? stat.threads, attributes(), startNs);
  if (sample.openFds !== undefined) set.upDown(FDS, sample.openFds, attributes(), startNs);
  if (sample.io !== undefined) {
    set.counter(DISK_IO, sample.io.readBytes, attributes({ 'disk.io.direction': 'read' }), startNs);
    set.counter(DISK_IO, sample.io.writeBytes, attributes({ 'disk.io.direction': 'write' }), startNs);
  }
  if (Number.isFinite(stat.minorFaults)) {
    set.counter(FAULTS, stat.minorFaults, attributes({ 'process.paging.fault_type': 'minor' }), startNs);
  }
  if (Number.isFinite(stat.majorFaults)) {
    set.counter(FAULTS, stat.majorFaults, attributes({ 'process.paging.fault_type': 'major' }), startNs);
  }
  set.gauge(UPTIME, Math.max(0, Number(set.now - startNs) / 1e9));
}
