/**
 * The metrics of the service detail seed (service-detail-seed.ts): `payments-1`'s process and runtime
 * metrics and its host `node-a`'s node_exporter-named ones, as the agent and the Node.js SDK send them.
 */
import type { MetricsData } from '@apo/shared/model';
import { attrs, NS, PAYMENTS_RESOURCE, res, scope } from './service-detail-resources.ts';

type Point = { atMs: number; value: number; labels?: Record<string, string> };

function numberMetric(name: string, kind: 'gauge' | 'sum', points: Point[], startMs: number) {
  const data = points.map((p) => ({
    attributes: attrs(p.labels ?? {}),
    startTimeUnixNano: BigInt(startMs) * NS,
    timeUnixNano: BigInt(p.atMs) * NS,
    flags: 0,
    value: p.value,
    exemplars: [],
  }));
  return {
    name,
    description: '',
    unit: '',
    metadata: attrs({}),
    data:
      kind === 'gauge'
        ? { type: 'gauge' as const, points: data }
        : { type: 'sum' as const, aggregationTemporality: 2 as const, isMonotonic: true, points: data },
  };
}

/** A counter from 0 at `from` to `to` at the window's end; a level at both ends. */
const ramp = (startMs: number, endMs: number, to: number, labels?: Record<string, string>): Point[] => [
  { atMs: startMs, value: 0, ...(labels ? { labels } : {}) },
  { atMs: endMs, value: to, ...(labels ? { labels } : {}) },
];
const level = (startMs: number, endMs: number, value: number, labels?: Record<string, string>): Point[] => [
  { atMs: startMs, value, ...(labels ? { labels } : {}) },
  { atMs: endMs, value, ...(labels ? { labels } : {}) },
];

/** Over the 500 s between the first and last point: 0.06 cores, 2 ms/s run-queue wait, 5 ms/s GC. */
export function metricsData(startMs: number): MetricsData {
  const a = startMs + 30_000;
  const b = a + 500_000;
  const gc = {
    name: 'v8js.gc.duration',
    description: '',
    unit: 's',
    metadata: attrs({}),
    data: {
      type: 'histogram' as const,
      aggregationTemporality: 2 as const,
      points: [
        [a, 0],
        [b, 2.5],
      ].map(([at, sum]) => ({
        attributes: attrs({ 'v8js.gc.type': 'major' }),
        startTimeUnixNano: BigInt(startMs) * NS,
        timeUnixNano: BigInt(at!) * NS,
        flags: 0,
        count: 10n,
        sum,
        bucketCounts: [10n],
        explicitBounds: [],
        exemplars: [],
        min: undefined,
        max: undefined,
      })),
    },
  };
  const proc = [
    numberMetric(
      'process.cpu.time',
      'sum',
      [...ramp(a, b, 25, { 'cpu.mode': 'user' }), ...ramp(a, b, 5, { 'cpu.mode': 'system' })],
      startMs,
    ),
    numberMetric('apo.process.runqueue.wait.time', 'sum', ramp(a, b, 1), startMs),
    numberMetric('process.memory.usage', 'sum', level(a, b, 150_000_000), startMs),
    numberMetric('process.unix.file_descriptor.count', 'sum', level(a, b, 42), startMs),
    numberMetric(
      'nodejs.eventloop.delay.p99',
      'gauge',
      [
        { atMs: a, value: 0.012 },
        { atMs: b, value: 0.02 },
      ],
      startMs,
    ),
    gc,
  ];
  const gib = 1024 ** 3;
  const host = [
    numberMetric(
      'node_cpu_seconds_total',
      'sum',
      ['0', '1'].flatMap((cpu) => [
        ...ramp(a, b, 250, { cpu, mode: 'idle' }),
        ...ramp(a, b, 250, { cpu, mode: 'user' }),
      ]),
      startMs,
    ),
    numberMetric('node_load1', 'gauge', level(a, b, 1.0), startMs),
    numberMetric('node_memory_MemTotal_bytes', 'gauge', level(a, b, 8 * gib), startMs),
    numberMetric('node_memory_MemAvailable_bytes', 'gauge', level(a, b, gib), startMs),
    numberMetric(
      'node_filesystem_size_bytes',
      'gauge',
      level(a, b, 100 * gib, { device: '/dev/sda1', mountpoint: '/' }),
      startMs,
    ),
    numberMetric(
      'node_filesystem_avail_bytes',
      'gauge',
      level(a, b, 5 * gib, { device: '/dev/sda1', mountpoint: '/' }),
      startMs,
    ),
    numberMetric(
      'node_network_receive_bytes_total',
      'sum',
      ramp(a, b, 500_000_000, { device: 'eth0' }),
      startMs,
    ),
    numberMetric(
      'node_network_transmit_bytes_total',
      'sum',
      ramp(a, b, 250_000_000, { device: 'eth0' }),
      startMs,
    ),
    numberMetric('node_netstat_Tcp_OutSegs', 'sum', ramp(a, b, 100_000), startMs),
    numberMetric('node_netstat_Tcp_RetransSegs', 'sum', ramp(a, b, 3_000), startMs),
    numberMetric('node_netstat_Tcp_OutRsts', 'sum', ramp(a, b, 500), startMs),
    numberMetric('node_netstat_Tcp_CurrEstab', 'gauge', level(a, b, 57), startMs),
  ];
  return {
    resourceMetrics: [
      {
        resource: res(PAYMENTS_RESOURCE),
        schemaUrl: '',
        scopeMetrics: [{ scope, metrics: proc, schemaUrl: '' }],
      },
      {
        resource: res({ 'host.name': 'node-a' }),
        schemaUrl: '',
        scopeMetrics: [{ scope, metrics: host, schemaUrl: '' }],
      },
    ],
  };
}
