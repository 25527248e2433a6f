/**
 * The host collector: one `collect()` reads the kernel's host-wide figures from /proc (about a dozen small
 * files, all asynchronously, plus one statfs per filesystem) and returns them as OTLP metrics under
 * node_exporter's names. Kernel counters are cumulative monotonic sums starting at boot; levels are gauges.
 * The agent calls it every `host.intervalSeconds` (15 s by default, agent-config.ts) and wraps the metrics in its
 * host resource with `HOST_METRICS_SCOPE`.
 */
import type { InstrumentationScope, Metric } from '@apo/shared/model';
import { join } from 'node:path';
import { CounterStarts } from './counter-starts.ts';
import { addCpuMetrics, parseProcStat } from './cpu-stat.ts';
import { addDiskMetrics, DEFAULT_DISK_EXCLUDE, parseDiskstats } from './disks.ts';
import {
  addFilesystemMetrics,
  DEFAULT_FS_TYPE_EXCLUDE,
  DEFAULT_MOUNT_POINT_EXCLUDE,
  FilesystemProbe,
  parseMounts,
} from './filesystems.ts';
import {
  addMemoryMetrics,
  addVmstatMetrics,
  DEFAULT_VMSTAT_FIELDS,
  parseMeminfo,
  parseVmstat,
} from './memory.ts';
import { MetricSet } from './metric-set.ts';
import { addNetworkDeviceMetrics, DEFAULT_NETWORK_DEVICE_EXCLUDE, parseNetDev } from './network-devices.ts';
import { ProcFileReader } from './proc-files.ts';
import { addSystemMetrics, parseFileNr, parseLoadavg, parseUptime } from './system.ts';
import {
  addNetstatMetrics,
  addTcpStateMetrics,
  countTcpStates,
  DEFAULT_NETSTAT_FIELDS,
  parseNetstatTables,
} from './tcp.ts';

export const HOST_METRICS_SCOPE: InstrumentationScope = {
  name: 'apo.agent.host',
  version: '',
  attributes: Object.create(null) as InstrumentationScope['attributes'],
  droppedAttributesCount: 0,
};

export interface HostCollectorOptions {
  /** Where the host's procfs is mounted: '/proc', or e.g. '/host/proc' in a container; fixtures in tests. */
  procRoot?: string;
  /** Prefix for statfs of mount points ('' = as listed; '/host' when the host's root is mounted there). */
  rootFs?: string;
  /** Nanoseconds since the epoch; the time stamped on every point of a cycle. */
  now?: () => bigint;
  /** USER_HZ, the unit of /proc/stat times (`getconf CLK_TCK`); 100 on every Linux architecture in use. */
  clockTicks?: number;
  diskDeviceExclude?: RegExp;
  networkDeviceExclude?: RegExp;
  mountPointExclude?: RegExp;
  fsTypeExclude?: RegExp;
  /** Which `Proto_Field` pairs of /proc/net/snmp and /proc/net/netstat to report. */
  netstatFields?: RegExp;
  vmstatFields?: RegExp;
  /** Deadline for one statfs; a mount that misses it is skipped until its call returns. */
  statfsTimeoutMs?: number;
  /**
   * Count TCP sockets by state from /proc/net/tcp{,6} (default true). Each read(2) of those files makes the
   * kernel walk its connection hash table and yields at most a page (27 rows), so this is the costly part
   * of a cycle: ~0.2 ms of CPU per file with a handful of sockets, ~2 ms for both with 350, growing with
   * the socket count (bench/host-collector.bench.ts). Turn it off on hosts with very many connections.
   */
  tcpConnectionStates?: boolean;
}

export interface HostCollector {
  /**
   * One collection cycle. A source that cannot be read is left out (see `unreadableSources`), and parsers
   * skip what they do not understand, so this rejects only on a bug. A call made while a cycle runs gets
   * that cycle's result.
   */
  collect(): Promise<Metric[]>;
  /** The /proc files the last cycle could not read (relative to procRoot), for the agent's status. */
  unreadableSources(): readonly string[];
  /** Closes the /proc descriptors kept open between cycles; a later `collect` reopens them. */
  close(): void;
}

const SOURCES = [
  'stat',
  'meminfo',
  'vmstat',
  'loadavg',
  'uptime',
  'sys/fs/file-nr',
  'diskstats',
  'net/dev',
  'net/snmp',
  'net/netstat',
  'net/tcp',
  'net/tcp6',
] as const;
type Source = (typeof SOURCES)[number];

export function createHostCollector(options: HostCollectorOptions = {}): HostCollector {
  const procRoot = options.procRoot ?? '/proc';
  const now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
  const ticks = options.clockTicks ?? 100;
  const diskExclude = options.diskDeviceExclude ?? DEFAULT_DISK_EXCLUDE;
  const netExclude = options.networkDeviceExclude ?? DEFAULT_NETWORK_DEVICE_EXCLUDE;
  const mountExclude = options.mountPointExclude ?? DEFAULT_MOUNT_POINT_EXCLUDE;
  const fsTypeExclude = options.fsTypeExclude ?? DEFAULT_FS_TYPE_EXCLUDE;
  const netstatFields = options.netstatFields ?? DEFAULT_NETSTAT_FIELDS;
  const vmstatFields = options.vmstatFields ?? DEFAULT_VMSTAT_FIELDS;
  const probe = new FilesystemProbe(options.rootFs ?? '', options.statfsTimeoutMs ?? 5000);
  const sources: readonly Source[] =
    options.tcpConnectionStates === false
      ? SOURCES.filter((s) => s !== 'net/tcp' && s !== 'net/tcp6')
      : SOURCES;
  const starts = new CounterStarts();
  const files = new ProcFileReader();
  const readProcText = (path: string) => files.read(path);
  // A /proc/net/tcp{,6} row is at most ~180 bytes and these files come a page (≥ 4 KiB) per read(2) at most.
  const TCP_SHORT_READ = 4096 - 512;
  // The host's mount table (pid 1's namespace) when readable, else the agent's own; remembered once found.
  let mountsSource: string | undefined;
  let unreadable: string[] = [];
  /** When /proc/stat has no btime, counters start at the first cycle. */
  let fallbackStart: bigint | undefined;

  async function readMounts(): Promise<string | undefined> {
    if (mountsSource !== undefined) return readProcText(join(procRoot, mountsSource));
    for (const candidate of ['1/mounts', 'mounts']) {
      const text = await readProcText(join(procRoot, candidate));
      if (text !== undefined) {
        mountsSource = candidate;
        return text;
      }
    }
    return undefined;
  }

  async function collectOnce(): Promise<Metric[]> {
    const time = now();
    const [texts, mountsText] = await Promise.all([
      Promise.all(
        sources.map((source) =>
          files.read(join(procRoot, source), source.startsWith('net/tcp') ? TCP_SHORT_READ : 0),
        ),
      ),
      readMounts(),
    ]);
    const text = (source: Source): string | undefined => {
      const index = sources.indexOf(source);
      return index === -1 ? undefined : texts[index];
    };
    unreadable = sources.filter((_, i) => texts[i] === undefined);
    if (mountsText === undefined) unreadable.push('mounts');

    const mounts = mountsText === undefined ? [] : parseMounts(mountsText, mountExclude, fsTypeExclude);
    const usagesPromise = Promise.all(mounts.map((mount) => probe.usage(mount.mountPoint)));

    const set = new MetricSet(time, starts);
    const statText = text('stat');
    const stat = statText === undefined ? undefined : parseProcStat(statText);
    let boot: bigint;
    if (stat?.bootTimeSeconds !== undefined) boot = BigInt(stat.bootTimeSeconds) * 1_000_000_000n;
    else boot = fallbackStart ??= time;

    if (stat !== undefined) addCpuMetrics(set, stat, ticks, boot);
    const meminfo = text('meminfo');
    if (meminfo !== undefined) addMemoryMetrics(set, parseMeminfo(meminfo));
    const vmstat = text('vmstat');
    if (vmstat !== undefined) addVmstatMetrics(set, parseVmstat(vmstat, vmstatFields), boot);
    const loadavg = text('loadavg');
    const fileNr = text('sys/fs/file-nr');
    const uptime = text('uptime');
    addSystemMetrics(
      set,
      loadavg === undefined ? undefined : parseLoadavg(loadavg),
      fileNr === undefined ? undefined : parseFileNr(fileNr),
      uptime === undefined ? undefined : parseUptime(uptime),
    );
    const diskstats = text('diskstats');
    if (diskstats !== undefined) addDiskMetrics(set, parseDiskstats(diskstats, diskExclude), boot);
    const netDev = text('net/dev');
    if (netDev !== undefined) addNetworkDeviceMetrics(set, parseNetDev(netDev, netExclude), boot);

    const netstat = new Map<string, number>();
    const snmp = text('net/snmp');
    const netstatExt = text('net/netstat');
    if (snmp !== undefined) parseNetstatTables(snmp, netstatFields, netstat);
    if (netstatExt !== undefined) parseNetstatTables(netstatExt, netstatFields, netstat);
    addNetstatMetrics(set, netstat, boot);
    const tcp4 = text('net/tcp');
    const tcp6 = text('net/tcp6');
    if (tcp4 !== undefined || tcp6 !== undefined) {
      const counts: number[] = [];
      if (tcp4 !== undefined) countTcpStates(tcp4, counts);
      if (tcp6 !== undefined) countTcpStates(tcp6, counts);
      addTcpStateMetrics(set, counts);
    }

    addFilesystemMetrics(set, mounts, await usagesPromise);
    starts.endCycle();
    return set.metrics();
  }

  // Cycles never overlap: they share open descriptors and counter state. A call during a cycle gets its result.
  let running: Promise<Metric[]> | undefined;
  return {
    collect: () =>
      (running ??= collectOnce().finally(() => {
        running = undefined;
      })),
    unreadableSources: () => unreadable,
    close: () => files.close(),
  };
}
