import { execFileSync } from 'node:child_process';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Metric } from '@apo/shared/model';
import { decodeMetricsProto, encodeMetricsProto } from '@apo/shared/otlp';
import { afterAll, describe, expect, it } from 'vitest';
import { createHostCollector, HOST_METRICS_SCOPE } from './host-collector.ts';
import { attributeValues, metricNamed, numberPoints, pointWith, valueOf } from './testing/metric-lookup.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const NOW = 1_800_000_000_000_000_000n;
const fixed = () => NOW;

describe('host collector on a recorded /proc of this machine (2 CPUs, one virtio disk)', async () => {
  const collector = createHostCollector({ procRoot: join(fixtures, 'real/proc'), now: fixed });
  const metrics = await collector.collect();
  collector.close();
  const boot = 1795515325n * 1_000_000_000n;

  it('reports CPU seconds per cpu and mode as cumulative counters that start at boot', () => {
    const cpu = metricNamed(metrics, 'node_cpu_seconds_total');
    expect(cpu.unit).toBe('s');
    expect(cpu.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2 });
    expect(numberPoints(cpu)).toHaveLength(2 * 8);
    expect(attributeValues(cpu, 'cpu')).toEqual(['0', '1']);
    const user0 = pointWith(cpu, { cpu: '0', mode: 'user' });
    expect(user0.value).toBeCloseTo(1309.99, 6);
    expect(user0.startTimeUnixNano).toBe(boot);
    expect(user0.timeUnixNano).toBe(NOW);
    expect(valueOf(metrics, 'node_cpu_seconds_total', { cpu: '1', mode: 'idle' })).toBeCloseTo(11069.72, 6);
    expect(valueOf(metrics, 'node_boot_time_seconds')).toBe(1795515325);
    expect(valueOf(metrics, 'node_context_switches_total')).toBe(9005963);
    expect(valueOf(metrics, 'node_forks_total')).toBe(47732);
    expect(valueOf(metrics, 'node_procs_running')).toBe(4);
  });

  it('reports memory, swap, load, file descriptors and uptime as gauges', () => {
    expect(valueOf(metrics, 'node_memory_MemTotal_bytes')).toBe(24684084 * 1024);
    expect(valueOf(metrics, 'node_memory_MemAvailable_bytes')).toBe(23783160 * 1024);
    expect(valueOf(metrics, 'node_memory_SwapTotal_bytes')).toBe(0);
    expect(valueOf(metrics, 'node_memory_Active_anon_bytes')).toBeGreaterThan(0);
    expect(valueOf(metrics, 'node_memory_HugePages_Total')).toBe(0);
    expect(metricNamed(metrics, 'node_memory_MemTotal_bytes').data.type).toBe('gauge');
    expect(valueOf(metrics, 'node_load1')).toBe(2.13);
    expect(valueOf(metrics, 'node_load15')).toBe(0.95);
    expect(valueOf(metrics, 'node_filefd_allocated')).toBe(560);
    expect(valueOf(metrics, 'node_filefd_maximum')).toBe(2466170);
    expect(valueOf(metrics, 'system.uptime')).toBe(12704.64);
    expect(valueOf(metrics, 'node_time_seconds')).toBe(1_800_000_000);
    expect(valueOf(metrics, 'node_vmstat_pgfault')).toBe(72841266);
    expect(metricNamed(metrics, 'node_vmstat_pgmajfault').data).toMatchObject({
      type: 'sum',
      isMonotonic: true,
    });
  });

  it('reports disks in bytes and seconds, leaving out loop devices', () => {
    expect(attributeValues(metricNamed(metrics, 'node_disk_reads_completed_total'), 'device')).toEqual([
      'vda',
      'zram0',
    ]);
    expect(valueOf(metrics, 'node_disk_reads_completed_total', { device: 'vda' })).toBe(157873);
    expect(valueOf(metrics, 'node_disk_read_bytes_total', { device: 'vda' })).toBe(16163730 * 512);
    expect(valueOf(metrics, 'node_disk_written_bytes_total', { device: 'vda' })).toBe(21995512 * 512);
    expect(valueOf(metrics, 'node_disk_io_time_seconds_total', { device: 'vda' })).toBeCloseTo(31.52, 9);
    expect(valueOf(metrics, 'node_disk_flush_requests_total', { device: 'vda' })).toBe(8158);
    expect(metricNamed(metrics, 'node_disk_io_now').data.type).toBe('gauge');
  });

  it('reports network devices without loopback, TCP counters and socket states', () => {
    const rx = metricNamed(metrics, 'node_network_receive_bytes_total');
    expect(attributeValues(rx, 'device')).toEqual(['ifb0', 'ifb1', 'eth0']);
    expect(valueOf(metrics, 'node_network_receive_bytes_total', { device: 'eth0' })).toBe(831225750);
    expect(valueOf(metrics, 'node_network_transmit_packets_total', { device: 'eth0' })).toBe(17555);
    expect(valueOf(metrics, 'node_netstat_Tcp_RetransSegs')).toBe(1173);
    expect(valueOf(metrics, 'node_netstat_Tcp_EstabResets')).toBe(33);
    expect(valueOf(metrics, 'node_netstat_Tcp_OutRsts')).toBe(1972);
    expect(metricNamed(metrics, 'node_netstat_Tcp_CurrEstab').data.type).toBe('gauge');
    expect(metricNamed(metrics, 'node_netstat_TcpExt_ListenDrops').data.type).toBe('sum');
    const states = metricNamed(metrics, 'node_tcp_connection_states');
    expect(numberPoints(states)).toHaveLength(11);
    expect(valueOf(metrics, 'node_tcp_connection_states', { state: 'listen' })).toBe(1);
    expect(valueOf(metrics, 'node_tcp_connection_states', { state: 'time_wait' })).toBe(4);
    expect(valueOf(metrics, 'node_tcp_connection_states', { state: 'established' })).toBe(0);
  });

  it('reports the root filesystem (statfs of this machine) and leaves out pseudo filesystems', () => {
    const root = { device: '/dev/vda', mountpoint: '/', fstype: 'ext4' };
    expect(valueOf(metrics, 'node_filesystem_size_bytes', root)).toBeGreaterThan(0);
    expect(valueOf(metrics, 'node_filesystem_avail_bytes', root)).toBeLessThanOrEqual(
      valueOf(metrics, 'node_filesystem_size_bytes', root),
    );
    expect(valueOf(metrics, 'node_filesystem_files', root)).toBeGreaterThan(0);
    expect(valueOf(metrics, 'node_filesystem_device_error', root)).toBe(0);
    expect(attributeValues(metricNamed(metrics, 'node_filesystem_size_bytes'), 'mountpoint')).toEqual(['/']);
  });

  it('produces metrics the OTLP encoder accepts and gives back unchanged', () => {
    const data = {
      resourceMetrics: [
        {
          resource: { attributes: Object.create(null) as Record<string, never>, droppedAttributesCount: 0 },
          scopeMetrics: [{ scope: HOST_METRICS_SCOPE, metrics, schemaUrl: '' }],
          schemaUrl: '',
        },
      ],
    };
    const decoded = decodeMetricsProto(encodeMetricsProto(data));
    if (!decoded.ok) throw decoded.error;
    const back = decoded.value.resourceMetrics[0]!.scopeMetrics[0]!.metrics;
    expect(back.map((m) => m.name)).toEqual(metrics.map((m) => m.name));
    expect(valueOf(back, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBeCloseTo(1309.99, 6);
  });
});

describe('host collector on a hand-edited multi-CPU, multi-disk /proc', async () => {
  const collector = createHostCollector({ procRoot: join(fixtures, 'multi/proc'), now: fixed });
  const metrics = await collector.collect();
  collector.close();

  it('reports every CPU, guest time apart', () => {
    expect(attributeValues(metricNamed(metrics, 'node_cpu_seconds_total'), 'cpu')).toEqual([
      '0',
      '1',
      '2',
      '3',
    ]);
    expect(valueOf(metrics, 'node_cpu_seconds_total', { cpu: '2', mode: 'steal' })).toBe(0.05);
    expect(valueOf(metrics, 'node_cpu_guest_seconds_total', { cpu: '3', mode: 'nice' })).toBe(0.03);
    expect(valueOf(metrics, 'node_procs_blocked')).toBe(1);
    expect(valueOf(metrics, 'node_intr_total')).toBe(123456);
  });

  it('reports whole disks, not partitions or loop devices, and only the columns a kernel gives', () => {
    const devices = attributeValues(metricNamed(metrics, 'node_disk_reads_completed_total'), 'device');
    expect(devices).toEqual(['sda', 'sdb', 'nvme0n1', 'dm-0']);
    expect(valueOf(metrics, 'node_disk_io_now', { device: 'sda' })).toBe(2);
    expect(valueOf(metrics, 'node_disk_discard_time_seconds_total', { device: 'sda' })).toBe(0.02);
    expect(valueOf(metrics, 'node_disk_flush_requests_time_seconds_total', { device: 'nvme0n1' })).toBe(0.05);
    // dm-0's row has the 11 columns of a pre-4.18 kernel: no discard or flush figures for it.
    const discards = metricNamed(metrics, 'node_disk_discards_completed_total');
    expect(attributeValues(discards, 'device')).toEqual(['sda', 'sdb', 'nvme0n1']);
    expect(valueOf(metrics, 'node_disk_write_time_seconds_total', { device: 'dm-0' })).toBe(0.8);
  });

  it('maps every /proc/net/dev column to its name', () => {
    const eth0 = { device: 'eth0' };
    const expected: [string, number][] = [
      ['receive_errs', 1],
      ['receive_drop', 2],
      ['receive_fifo', 3],
      ['receive_frame', 4],
      ['receive_compressed', 5],
      ['receive_multicast', 6],
      ['transmit_bytes', 2000000],
      ['transmit_errs', 7],
      ['transmit_drop', 8],
      ['transmit_fifo', 9],
      ['transmit_colls', 10],
      ['transmit_carrier', 11],
      ['transmit_compressed', 12],
    ];
    for (const [name, value] of expected)
      expect(valueOf(metrics, `node_network_${name}_total`, eth0)).toBe(value);
    expect(attributeValues(metricNamed(metrics, 'node_network_receive_bytes_total'), 'device')).toEqual([
      'eth0',
      'eth1',
      'docker0',
    ]);
  });

  it('counts IPv4 and IPv6 sockets by state', () => {
    const state = (s: string) => valueOf(metrics, 'node_tcp_connection_states', { state: s });
    expect(state('listen')).toBe(3);
    expect(state('established')).toBe(3);
    expect(state('syn_sent')).toBe(1);
    expect(state('time_wait')).toBe(2);
    expect(state('close_wait')).toBe(1);
    expect(state('closing')).toBe(1);
    expect(state('fin_wait1')).toBe(0);
  });

  it('reports swap and a filesystem whose statfs fails as a device error', () => {
    expect(valueOf(metrics, 'node_memory_SwapFree_bytes')).toBe(8000000 * 1024);
    const sizes = metricNamed(metrics, 'node_filesystem_size_bytes');
    expect(attributeValues(sizes, 'mountpoint')).toEqual(['/']); // the duplicate root mount is reported once
    const missing = { device: '/dev/nvme0n1', mountpoint: '/srv/apo fixture missing', fstype: 'xfs' };
    expect(valueOf(metrics, 'node_filesystem_device_error', missing)).toBe(1);
    expect(collector.unreadableSources()).toEqual([]);
  });
});

describe('host collector options', () => {
  it('leaves TCP socket states out when asked (their /proc files are the costly part of a cycle)', async () => {
    const collector = createHostCollector({
      procRoot: join(fixtures, 'multi/proc'),
      now: fixed,
      tcpConnectionStates: false,
    });
    const metrics = await collector.collect();
    collector.close();
    expect(metrics.some((m) => m.name === 'node_tcp_connection_states')).toBe(false);
    expect(valueOf(metrics, 'node_netstat_Tcp_RetransSegs')).toBe(1173);
    expect(collector.unreadableSources()).toEqual([]);
  });
});

describe('host collector across cycles', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('moves a counter start to the previous observation when the counter went down (device re-created)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apo-host-'));
    dirs.push(dir);
    await cp(join(fixtures, 'multi/proc'), dir, { recursive: true });
    let now = NOW;
    const collector = createHostCollector({ procRoot: dir, now: () => now });
    const first = await collector.collect();
    const boot = 1_700_000_000n * 1_000_000_000n;
    expect(
      pointWith(metricNamed(first, 'node_disk_reads_completed_total'), { device: 'sdb' }).startTimeUnixNano,
    ).toBe(boot);
    const diskstats = await readFile(join(dir, 'diskstats'), 'utf8');
    await writeFile(join(dir, 'diskstats'), diskstats.replace(' sdb 500 ', ' sdb 7 '));
    const secondTime = NOW + 15_000_000_000n;
    now = secondTime;
    const second = await collector.collect();
    const sdb = pointWith(metricNamed(second, 'node_disk_reads_completed_total'), { device: 'sdb' });
    expect(sdb.value).toBe(7);
    expect(sdb.startTimeUnixNano).toBe(NOW);
    expect(sdb.timeUnixNano).toBe(secondTime);
    const sda = pointWith(metricNamed(second, 'node_disk_reads_completed_total'), { device: 'sda' });
    expect(sda.startTimeUnixNano).toBe(boot);
    collector.close();
  });

  it('runs one cycle at a time: a call during a cycle shares its result', async () => {
    const collector = createHostCollector({ procRoot: join(fixtures, 'multi/proc'), now: fixed });
    const [a, b] = await Promise.all([collector.collect(), collector.collect()]);
    const c = await collector.collect();
    collector.close();
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('leaves out what it cannot read and names it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apo-host-'));
    dirs.push(dir);
    await cp(join(fixtures, 'multi/proc'), dir, { recursive: true });
    await rm(join(dir, 'net'), { recursive: true });
    await rm(join(dir, 'stat'));
    const collector = createHostCollector({ procRoot: dir, now: fixed });
    const metrics = await collector.collect();
    expect(collector.unreadableSources()).toEqual([
      'stat',
      'net/dev',
      'net/snmp',
      'net/netstat',
      'net/tcp',
      'net/tcp6',
    ]);
    expect(metrics.some((m) => m.name.startsWith('node_cpu'))).toBe(false);
    expect(metrics.some((m) => m.name.startsWith('node_network'))).toBe(false);
    // Without btime, counters start at the first observation.
    expect(
      pointWith(metricNamed(metrics, 'node_disk_reads_completed_total'), { device: 'sda' }).startTimeUnixNano,
    ).toBe(NOW);
  });
});

describe('host collector on this machine (live /proc)', () => {
  it('counts every socket when /proc/net/tcp spans several kernel pages (short reads)', async () => {
    const server = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const clients: Socket[] = [];
    try {
      // 60 connections = 120 established sockets ≈ 18 KB of /proc/net/tcp, five pages at least.
      for (let i = 0; i < 60; i++) {
        const client = connect(port, '127.0.0.1');
        clients.push(client);
        await new Promise((resolve, reject) => client.once('connect', resolve).once('error', reject));
      }
      const collector = createHostCollector();
      const metrics = await collector.collect();
      collector.close();
      expect(valueOf(metrics, 'node_tcp_connection_states', { state: 'established' })).toBeGreaterThanOrEqual(
        120,
      );
      expect(valueOf(metrics, 'node_tcp_connection_states', { state: 'listen' })).toBeGreaterThanOrEqual(1);
    } finally {
      for (const client of clients) client.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('assumes USER_HZ = 100, which getconf CLK_TCK confirms here', () => {
    expect(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()).toBe('100');
  });

  it('sees CPU time advance between two cycles, and memory', async () => {
    const collector = createHostCollector();
    const total = (metrics: Metric[]) =>
      numberPoints(metricNamed(metrics, 'node_cpu_seconds_total')).reduce(
        (sum, p) => sum + Number(p.value),
        0,
      );
    const first = await collector.collect();
    expect(collector.unreadableSources()).toEqual([]);
    expect(valueOf(first, 'node_memory_MemTotal_bytes')).toBeGreaterThan(0);
    expect(valueOf(first, 'node_memory_MemAvailable_bytes')).toBeGreaterThan(0);
    expect(valueOf(first, 'node_boot_time_seconds')).toBeLessThan(Date.now() / 1000);
    const before = total(first);
    const deadline = Date.now() + 20_000;
    let after = before;
    while (after <= before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = total(await collector.collect());
    }
    collector.close();
    expect(after).toBeGreaterThan(before);
  });
});
