/**
 * /proc/diskstats, under node_exporter's `node_disk_*{device}` names. Sector counts are always in 512-byte
 * units (whatever the device's sector size) and times in milliseconds; both are converted to bytes and
 * seconds as node_exporter does.
 */
import { attributes, type MetricSet, type MetricSpec } from './metric-set.ts';

/** node_exporter's default: partitions, RAM and loop devices are not physical disks. */
export const DEFAULT_DISK_EXCLUDE = /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;

export interface DiskStats {
  device: string;
  /** The statistics columns after the device name, 11 to 17 of them depending on the kernel. */
  values: number[];
}

export function parseDiskstats(text: string, exclude: RegExp): DiskStats[] {
  const out: DiskStats[] = [];
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < 14) continue;
    const device = parts[2]!;
    if (exclude.test(device)) continue;
    out.push({ device, values: parts.slice(3).map(Number) });
  }
  return out;
}

const SECTOR_BYTES = 512;
const MS = 1 / 1000;

interface Column {
  spec: MetricSpec;
  scale: number;
  counter: boolean;
}

function column(name: string, unit: string, description: string, scale = 1, counter = true): Column {
  return { spec: { name: `node_disk_${name}`, unit, description }, scale, counter };
}

/** In /proc/diskstats column order (Documentation/admin-guide/iostats.rst). */
const COLUMNS: readonly Column[] = [
  column('reads_completed_total', '{operation}', 'The total number of reads completed successfully.'),
  column('reads_merged_total', '{operation}', 'The total number of reads merged.'),
  column('read_bytes_total', 'By', 'The total number of bytes read successfully.', SECTOR_BYTES),
  column('read_time_seconds_total', 's', 'The total number of seconds spent by all reads.', MS),
  column('writes_completed_total', '{operation}', 'The total number of writes completed successfully.'),
  column('writes_merged_total', '{operation}', 'The number of writes merged.'),
  column('written_bytes_total', 'By', 'The total number of bytes written successfully.', SECTOR_BYTES),
  column('write_time_seconds_total', 's', 'This is the total number of seconds spent by all writes.', MS),
  column('io_now', '{operation}', 'The number of I/Os currently in progress.', 1, false),
  column('io_time_seconds_total', 's', 'Total seconds spent doing I/Os (the device was busy).', MS),
  column('io_time_weighted_seconds_total', 's', 'The weighted # of seconds spent doing I/Os.', MS),
  column('discards_completed_total', '{operation}', 'The total number of discards completed successfully.'),
  column('discards_merged_total', '{operation}', 'The total number of discards merged.'),
  column('discarded_sectors_total', '{sector}', 'The total number of sectors discarded successfully.'),
  column('discard_time_seconds_total', 's', 'This is the total number of seconds spent by all discards.', MS),
  column('flush_requests_total', '{request}', 'The total number of flush requests completed successfully'),
  column(
    'flush_requests_time_seconds_total',
    's',
    'This is the total number of seconds spent by all flush requests.',
    MS,
  ),
];

export function addDiskMetrics(set: MetricSet, disks: readonly DiskStats[], boot: bigint): void {
  for (const { device, values } of disks) {
    const n = Math.min(values.length, COLUMNS.length);
    for (let i = 0; i < n; i++) {
      const { spec, scale, counter } = COLUMNS[i]!;
      const value = values[i]!;
      if (!Number.isFinite(value)) continue;
      const attrs = attributes({ device });
      if (counter) set.counter(spec, value * scale, attrs, boot);
      else set.gauge(spec, value * scale, attrs);
    }
  }
}
