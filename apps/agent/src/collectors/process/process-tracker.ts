/**
 * The process collector. It measures the processes the agent has seen telemetry from (the agent calls
 * `observe` with the `process.pid` and resource of each incoming resource) and those matching configured
 * command-line patterns, one ResourceMetrics per process under that process's own resource, and reports
 * restarts and version changes of instrumented services as events.
 *
 * A pid is only meaningful on this host and in the agent's pid namespace: the agent should observe the
 * telemetry of local processes only. A pid that is gone at a collection is dropped at once (after one
 * missed cycle); if the pid comes back with another start time before a collection noticed, the process
 * there is measured only once its own telemetry has announced it again.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  attributeText,
  type AnyValue,
  type Attributes,
  type ResourceLogs,
  type ResourceMetrics,
} from '@apo/shared/model';
import { CounterStarts } from '../host/counter-starts.ts';
import { attributes, MetricSet } from '../host/metric-set.ts';
import { readProcText } from '../host/proc-files.ts';
import { type AnnouncedProcess, ChangeLedger, PROCESS_EVENTS_SCOPE } from './change-events.ts';
import { findMatchingProcesses, statelessPattern } from './pattern-scan.ts';
import { addProcessMetrics } from './process-metrics.ts';
import { sampleProcess, type ProcessSample } from './process-sample.ts';
import { ThreadTotals } from './thread-totals.ts';

/** The scope of process metrics and events. */
const PROCESS_SCOPE = PROCESS_EVENTS_SCOPE;

/** Resource attributes carried over from the announcing telemetry to the process's own resource. */
const RESOURCE_KEYS = [
  'service.name',
  'service.namespace',
  'service.instance.id',
  'service.version',
  'deployment.environment.name',
  'deployment.environment',
  'host.name',
  'host.id',
  'container.id',
  'k8s.namespace.name',
  'k8s.pod.name',
  'process.executable.name',
  'process.runtime.name',
  'process.runtime.version',
  'telemetry.sdk.language',
] as const;

const MAX_PID = 4_194_304; // PID_MAX_LIMIT on 64-bit Linux

export interface ProcessTrackerOptions {
  procRoot?: string;
  /** Command-line patterns of processes to measure without telemetry (matched against argv joined by spaces). */
  patterns?: readonly RegExp[];
  /** host.name for pattern-matched processes and for announced ones that lack it; default os.hostname(). */
  hostName?: string;
  /** USER_HZ (`getconf CLK_TCK`), 100 on Linux. */
  clockTicks?: number;
  now?: () => bigint;
  /** Bound on tracked pids; further announcements are ignored (and counted) until some exit. */
  maxProcesses?: number;
  /** Bound on remembered service instances for restart detection. */
  maxIdentities?: number;
}

export interface ProcessCollection {
  /** One per live process, under its own resource; ready for `encodeMetricsProto({ resourceMetrics })`. */
  resourceMetrics: ResourceMetrics[];
  /** process.restart and service.version.change events; ready for `encodeLogsProto({ resourceLogs: events })`. */
  events: ResourceLogs[];
  /**
   * Whether block-I/O delay is measured (/proc/sys/kernel/task_delayacct = 1). When false,
   * apo.process.blkio.delay.time is absent — unavailable, never zero.
   */
  blockIoDelayAvailable: boolean;
}

export interface ProcessTracker {
  /** Records that telemetry with this resource came from `pid`. Cheap: no I/O; call it per resource. */
  observe(pid: number, resource: Attributes): void;
  /** `observe` with the pid taken from the resource's `process.pid` (ignored when absent or invalid). */
  observeResource(resource: Attributes): void;
  /** One collection cycle; a call made while a cycle runs gets that cycle's result. */
  collect(): Promise<ProcessCollection>;
  /** Pids currently tracked, and announcements ignored because `maxProcesses` was reached. */
  stats(): { tracked: number; ignoredAnnouncements: number };
}

interface Tracked {
  pid: number;
  source: 'telemetry' | 'pattern';
  attrs: Attributes;
  signature: string;
  /** Sequence number of the latest announcement. */
  observedSeq: number;
  /** The process at this pid when last measured. */
  startTicks: number | undefined;
  startNs: bigint;
  /** Set when the pid's process changed: measure it only once announced after this sequence number. */
  awaitingAnnouncementAfter: number | undefined;
  /** The collection that set `awaitingAnnouncementAfter`. */
  awaitingSince: number;
  threads: ThreadTotals;
  starts: CounterStarts;
}

function stringAttr(attrs: Attributes, key: string): string {
  const value = attrs[key];
  return value === undefined ? '' : attributeText(value);
}

function pidFrom(value: AnyValue | undefined): number | undefined {
  const pid = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 && pid <= MAX_PID ? pid : undefined;
}

function iso(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

export function createProcessTracker(options: ProcessTrackerOptions = {}): ProcessTracker {
  const procRoot = options.procRoot ?? '/proc';
  const patterns = (options.patterns ?? []).map(statelessPattern);
  const hostName = options.hostName ?? hostname();
  const ticks = options.clockTicks ?? 100;
  const now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  const maxProcesses = options.maxProcesses ?? 4096;
  const ledger = new ChangeLedger(options.maxIdentities ?? 10_000);
  const tracked = new Map<number, Tracked>();
  let seq = 0;
  let previousCollectSeq = 0;
  let cycle = 0;
  let ignored = 0;
  /** Boot time, fixed at the first collection so that process start times are the same in every cycle. */
  let bootNs: bigint | undefined;

  function signatureOf(resource: Attributes): string {
    let signature = '';
    for (const key of RESOURCE_KEYS) signature += `${stringAttr(resource, key)}\u0000`;
    return signature;
  }

  function copyResource(resource: Attributes): Attributes {
    const out = attributes();
    for (const key of RESOURCE_KEYS) if (resource[key] !== undefined) out[key] = resource[key];
    return out;
  }

  function track(pid: number, source: Tracked['source'], attrs: Attributes, signature: string): void {
    tracked.set(pid, {
      pid,
      source,
      attrs,
      signature,
      observedSeq: ++seq,
      startTicks: undefined,
      startNs: 0n,
      awaitingAnnouncementAfter: undefined,
      awaitingSince: 0,
      threads: new ThreadTotals(),
      starts: new CounterStarts(),
    });
  }

  function observe(pid: number, resource: Attributes): void {
    if (pidFrom(pid) === undefined) return;
    const signature = signatureOf(resource);
    const entry = tracked.get(pid);
    if (entry === undefined) {
      if (tracked.size >= maxProcesses) {
        ignored++;
        return;
      }
      track(pid, 'telemetry', copyResource(resource), signature);
      return;
    }
    entry.observedSeq = ++seq;
    entry.source = 'telemetry';
    if (entry.signature !== signature) {
      entry.signature = signature;
      entry.attrs = copyResource(resource);
    }
  }

  async function estimateBoot(time: bigint): Promise<bigint> {
    const uptime = Number((await readProcText(join(procRoot, 'uptime')))?.split(' ')[0]);
    if (Number.isFinite(uptime) && uptime > 0) return time - BigInt(Math.round(uptime * 1e9));
    const btime = /^btime (\d+)$/m.exec((await readProcText(join(procRoot, 'stat'))) ?? '')?.[1];
    return btime === undefined ? time : BigInt(btime) * 1_000_000_000n;
  }

  async function refreshPatternMatches(): Promise<void> {
    const matches = await findMatchingProcesses(
      procRoot,
      patterns,
      (pid) => tracked.get(pid)?.source === 'telemetry',
    );
    const matched = new Set<number>();
    for (const { pid, executableName } of matches) {
      matched.add(pid);
      if (tracked.has(pid) || tracked.size >= maxProcesses) continue;
      const attrs = attributes({
        'service.name': executableName,
        'process.executable.name': executableName,
        'host.name': hostName,
      });
      track(pid, 'pattern', attrs, '');
    }
    for (const [pid, entry] of tracked)
      if (entry.source === 'pattern' && !matched.has(pid)) tracked.delete(pid);
  }

  function resourceOf(entry: Tracked): Attributes {
    const resource = attributes();
    for (const key in entry.attrs) resource[key] = entry.attrs[key]!;
    if (resource['host.name'] === undefined) resource['host.name'] = hostName;
    resource['process.pid'] = BigInt(entry.pid);
    resource['process.creation.time'] = iso(entry.startNs);
    return resource;
  }

  /**
   * Decides whether this cycle's sample may be reported under the entry's attributes. When another process
   * has taken the pid, attributes announced before the previous collection are the old process's (drop the
   * entry); newer ones may be either's, so the entry waits one cycle for an announcement made after this
   * collection began, and is dropped without one (a later announcement tracks the pid afresh).
   */
  function admit(entry: Tracked, sample: ProcessSample, seqAtStart: number, time: bigint): boolean {
    const startTicks = sample.stat.startTicks;
    if (entry.startTicks !== undefined && entry.startTicks !== startTicks) {
      if (entry.source === 'telemetry' && entry.observedSeq <= previousCollectSeq) {
        tracked.delete(entry.pid);
        return false;
      }
      entry.awaitingAnnouncementAfter = seqAtStart;
      entry.awaitingSince = cycle;
      entry.threads = new ThreadTotals();
      entry.starts = new CounterStarts();
    }
    if (entry.startTicks !== startTicks) {
      entry.startTicks = startTicks;
      const startNs = (bootNs ?? time) + BigInt(Math.round((startTicks / ticks) * 1e9));
      entry.startNs = startNs < time ? startNs : time;
    }
    const awaiting = entry.awaitingAnnouncementAfter;
    if (awaiting === undefined || entry.source === 'pattern') {
      entry.awaitingAnnouncementAfter = undefined;
      return true;
    }
    if (entry.awaitingSince === cycle) return false; // set in this very collection
    if (entry.observedSeq > awaiting) {
      entry.awaitingAnnouncementAfter = undefined;
      return true;
    }
    tracked.delete(entry.pid);
    return false;
  }

  async function collect(): Promise<ProcessCollection> {
    const time = now();
    const seqAtStart = seq;
    cycle++;
    bootNs ??= await estimateBoot(time);
    const delayacct = (await readProcText(join(procRoot, 'sys/kernel/task_delayacct')))?.trim() === '1';
    if (patterns.length > 0) await refreshPatternMatches();

    const entries = [...tracked.values()];
    const samples = await Promise.all(entries.map((entry) => sampleProcess(procRoot, entry.pid, delayacct)));
    const resourceMetrics: ResourceMetrics[] = [];
    const announced: AnnouncedProcess[] = [];
    entries.forEach((entry, i) => {
      const sample = samples[i];
      if (sample === undefined) {
        tracked.delete(entry.pid);
        return;
      }
      if (tracked.get(entry.pid) !== entry || !admit(entry, sample, seqAtStart, time)) return;
      const totals = entry.threads.update(sample.threads);
      const set = new MetricSet(time, entry.starts);
      addProcessMetrics(set, {
        sample,
        totals,
        startNs: entry.startNs,
        ticksPerSecond: ticks,
        blockIoDelay: delayacct,
      });
      entry.starts.endCycle();
      const resource = resourceOf(entry);
      resourceMetrics.push({
        resource: { attributes: resource, droppedAttributesCount: 0 },
        scopeMetrics: [{ scope: PROCESS_SCOPE, metrics: set.metrics(), schemaUrl: '' }],
        schemaUrl: '',
      });
      const serviceName = stringAttr(entry.attrs, 'service.name');
      if (entry.source === 'telemetry' && serviceName !== '') {
        const instanceId = stringAttr(entry.attrs, 'service.instance.id');
        announced.push({
          identityKey: `${stringAttr(entry.attrs, 'service.namespace')}\u0000${serviceName}\u0000${instanceId}`,
          pid: entry.pid,
          startTicks: entry.startTicks!,
          startNs: entry.startNs,
          serviceName,
          instanceId,
          version: stringAttr(entry.attrs, 'service.version'),
          resource,
        });
      }
    });
    previousCollectSeq = seqAtStart;
    return { resourceMetrics, events: ledger.review(announced, time), blockIoDelayAvailable: delayacct };
  }

  // Cycles never overlap (they share per-process state); a call during a cycle gets that cycle's result.
  let running: Promise<ProcessCollection> | undefined;
  return {
    observe,
    collect: () =>
      (running ??= collect().finally(() => {
        running = undefined;
      })),
    observeResource(resource) {
      const pid = pidFrom(resource['process.pid']);
      if (pid !== undefined) observe(pid, resource);
    },
    stats: () => ({ tracked: tracked.size, ignoredAnnouncements: ignored }),
  };
}
