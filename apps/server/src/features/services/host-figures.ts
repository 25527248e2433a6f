/**
 * A host's figures from the first / last point of its node_exporter-named series in the range
 * (docs/agent-metrics.md): counters become rates over the seconds they cover, levels are their last value.
 */
import type { ServiceHost } from '@apo/shared/console';
import type { HostSeries } from '../hosts/host-queries.ts';

export const HOST_METRICS = {
  cpu: 'node_cpu_seconds_total',
  load1: 'node_load1',
  memTotal: 'node_memory_MemTotal_bytes',
  memAvailable: 'node_memory_MemAvailable_bytes',
  fsSize: 'node_filesystem_size_bytes',
  fsAvail: 'node_filesystem_avail_bytes',
  diskIoTime: 'node_disk_io_time_seconds_total',
  rx: 'node_network_receive_bytes_total',
  tx: 'node_network_transmit_bytes_total',
  retrans: 'node_netstat_Tcp_RetransSegs',
  outSegs: 'node_netstat_Tcp_OutSegs',
  outRsts: 'node_netstat_Tcp_OutRsts',
  estabResets: 'node_netstat_Tcp_EstabResets',
  established: 'node_netstat_Tcp_CurrEstab',
} as const;

const delta = (s: HostSeries) => Math.max(0, s.last_value - s.first_value);
const seconds = (s: HostSeries) => (s.last_ms - s.first_ms) / 1000;

/** Σ Δ ÷ seconds covered; null without a series spanning two points. */
function rate(series: readonly HostSeries[]): number | null {
  const spanning = series.filter((s) => seconds(s) > 0);
  if (spanning.length === 0) return null;
  const covered = Math.max(...spanning.map(seconds));
  return spanning.reduce((a, s) => a + delta(s), 0) / covered;
}

function last(series: readonly HostSeries[]): number | null {
  let best: HostSeries | undefined;
  for (const s of series) if (best === undefined || s.last_ms > best.last_ms) best = s;
  return best === undefined ? null : best.last_value;
}

function ratio(part: number | null, whole: number | null): number | null {
  return part === null || whole === null || whole <= 0 ? null : part / whole;
}

export function hostFigures(host: string, series: readonly HostSeries[]): ServiceHost {
  const of = (name: string) => series.filter((s) => s.name === name);
  const cpu = of(HOST_METRICS.cpu);
  const cpuTotal = cpu.reduce((a, s) => a + delta(s), 0);
  const idle = cpu.filter((s) => s.label_mode === 'idle');
  const cores = idle.length > 0 ? idle.length : null;
  const idleShare = ratio(
    idle.reduce((a, s) => a + delta(s), 0),
    cpuTotal,
  );
  const memTotal = last(of(HOST_METRICS.memTotal));
  const memAvailable = last(of(HOST_METRICS.memAvailable));
  let diskUsed: number | null = null;
  let diskMount: string | null = null;
  for (const size of of(HOST_METRICS.fsSize)) {
    const avail = of(HOST_METRICS.fsAvail).find((a) => a.series === size.series);
    const used = avail === undefined || size.last_value <= 0 ? null : 1 - avail.last_value / size.last_value;
    if (used !== null && (diskUsed === null || used > diskUsed)) {
      diskUsed = used;
      diskMount = size.label_mount;
    }
  }
  const io = of(HOST_METRICS.diskIoTime)
    .map((s) => rate([s]))
    .filter((v): v is number => v !== null);
  const retrans = rate(of(HOST_METRICS.retrans));
  const resets = [rate(of(HOST_METRICS.outRsts)), rate(of(HOST_METRICS.estabResets))];
  const load1 = last(of(HOST_METRICS.load1));
  return {
    host,
    cpuBusy: idleShare === null ? null : 1 - idleShare,
    cores,
    load1PerCore: load1 === null || cores === null ? null : load1 / cores,
    memoryUsed:
      memAvailable === null ? null : ratio(memTotal === null ? null : memTotal - memAvailable, memTotal),
    memoryTotalBytes: memTotal,
    diskUsed,
    diskMount,
    diskIoBusy: io.length === 0 ? null : Math.min(1, Math.max(...io)),
    networkRxBytesPerS: rate(of(HOST_METRICS.rx)),
    networkTxBytesPerS: rate(of(HOST_METRICS.tx)),
    tcpRetransmitRatio: ratio(retrans, rate(of(HOST_METRICS.outSegs))),
    tcpResetsPerS: resets.every((r) => r === null) ? null : resets.reduce<number>((a, r) => a + (r ?? 0), 0),
    tcpEstablished: last(of(HOST_METRICS.established)),
  };
}
