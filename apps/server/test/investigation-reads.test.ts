/**
 * The investigation's per-minute reads on the real embedded engine. They read one row per series with
 * arrays of its minutes (a day of 200 services as JSON objects cost seconds) and hand the engine a row per
 * minute (the metrics: the series themselves, which the signals walk minute by minute): these tests pin
 * those rows — values, order, the minute's last point, the asked endpoint's `hit`,
 * each log pattern's first record as its sample — on a few known series.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogsData, MetricsData, NumberDataPoint } from '@apo/shared/model';
import { RED_BUCKET_COUNT, type RedClientRollupRow, type RedServerRollupRow } from '@apo/shared/red';
import {
  clientMinutes,
  errorLogMinutes,
  metricSeries,
  serverMinutes,
} from '../src/features/investigations/investigation-queries.ts';
import { openStorage, type Storage } from '../src/storage/open-storage.ts';
import { RowBinaryWriter } from '../src/storage/row-binary-writer.ts';
import { appendLogRows } from '../src/storage/rows/logs.ts';
import { appendMetricRows } from '../src/storage/rows/metrics.ts';
import { appendRedClientRows, appendRedServerRows } from '../src/storage/rows/red.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { attrs } from '../src/storage/telemetry-fixtures.ts';

const MINUTE = 60_000;
const START = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
const scope = { fromMs: START, toMs: START + 5 * MINUTE };
const minuteS = (m: number) => (START + m * MINUTE) / 1000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const buckets = (i: number, n: number) =>
  Array.from({ length: RED_BUCKET_COUNT }, (_, b) => (b === i ? n : 0));

let dataDir: string;
let storage: Storage;

async function insert(
  table: 'red_server_1m' | 'red_client_1m' | 'metrics' | 'logs',
  fill: (w: RowBinaryWriter) => number,
) {
  const w = new RowBinaryWriter(1 << 20);
  const rows = fill(w);
  await storage.insertRowBinary(storage.tables[table], w.bytes(), rows);
}

function point(atMs: number, value: number, labels: Record<string, string> = {}): NumberDataPoint {
  return {
    attributes: attrs(labels),
    startTimeUnixNano: ns(START - MINUTE),
    timeUnixNano: ns(atMs),
    flags: 0,
    value,
    exemplars: [],
  };
}

function metrics(
  service: string,
  list: MetricsData['resourceMetrics'][number]['scopeMetrics'][number]['metrics'],
): MetricsData {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: attrs({ 'service.name': service, 'service.instance.id': `${service}-1` }),
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: { name: 't', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
            schemaUrl: '',
            metrics: list,
          },
        ],
      },
    ],
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-investigation-reads-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  // RED: payments, two endpoints in minutes 0-2 (and two instances in minute 1), written out of order.
  const server: RedServerRollupRow[] = [];
  for (const m of [2, 0, 1])
    for (const [endpoint, count] of [
      ['POST /pay', 10 + m],
      ['GET /status', 4],
    ] as const)
      server.push({
        cluster: 'default',
        minuteMs: START + m * MINUTE,
        service: 'payments',
        instance: 'payments-1',
        kind: 'server',
        endpoint,
        error: false,
        count,
        errorCount: 0,
        durationSumMs: count * 5,
        bucketCounts: buckets(2, count),
      });
  server.push({
    ...server[0]!,
    minuteMs: START + MINUTE,
    instance: 'payments-2',
    count: 3,
    error: true,
    errorCount: 3,
    durationSumMs: 90,
    bucketCounts: buckets(5, 3),
  });
  await insert('red_server_1m', (w) => appendRedServerRows(w, server, 1n));
  const client: RedClientRollupRow[] = [0, 1].map((m) => ({
    cluster: 'default',
    minuteMs: START + m * MINUTE,
    service: 'orders',
    instance: 'orders-1',
    kind: 'client',
    error: m === 1,
    callType: 'http',
    peer: 'payments:8080',
    system: 'http',
    dbNamespace: '',
    operation: 'POST',
    target: '',
    role: '',
    count: 7,
    errorCount: m === 1 ? 7 : 0,
    durationSumMs: 7 * 12.5,
    bucketCounts: buckets(3, 7),
  }));
  await insert('red_client_1m', (w) => appendRedClientRows(w, client, 1n));
  // CPU seconds (cumulative, two label sets, two points a minute) and RSS (a gauge, averaged per minute).
  const cpu = [0, 1, 2].flatMap((m) =>
    ['user', 'system'].flatMap((mode) => [
      point(START + m * MINUTE + 10_000, 10 * m + (mode === 'user' ? 1 : 0), { 'cpu.mode': mode }),
      point(START + m * MINUTE + 40_000 + m * 1000, 10 * m + (mode === 'user' ? 3 : 2), { 'cpu.mode': mode }),
    ]),
  );
  const rss = [0, 1].flatMap((m) => [
    point(START + m * MINUTE + 5_000, 100 + m),
    point(START + m * MINUTE + 35_000, 200 + m),
  ]);
  const data = metrics('fraud', [
    {
      name: 'process.cpu.time',
      description: '',
      unit: 's',
      metadata: attrs({}),
      data: { type: 'sum', aggregationTemporality: 2, isMonotonic: true, points: cpu },
    },
    {
      name: 'process.memory.usage',
      description: '',
      unit: 'By',
      metadata: attrs({}),
      data: { type: 'gauge', points: rss },
    },
    {
      name: 'not.asked',
      description: '',
      unit: '',
      metadata: attrs({}),
      data: { type: 'gauge', points: rss },
    },
  ]);
  await insert('metrics', (w) => appendMetricRows(w, data, { cluster: 'default', flushId: 1n }));
  // Error logs: "timeout after N ms" (one pattern) in minutes 3 and 1, an info line that does not count.
  const record = (atMs: number, severityNumber: number, body: string, traceId = '') => ({
    timeUnixNano: ns(atMs),
    observedTimeUnixNano: ns(atMs),
    severityNumber,
    severityText: severityNumber >= 17 ? 'ERROR' : 'INFO',
    body,
    attributes: attrs({}),
    droppedAttributesCount: 0,
    flags: 0,
    traceId,
    spanId: '',
    eventName: '',
  });
  const logs: LogsData = {
    resourceLogs: [
      {
        resource: {
          attributes: attrs({ 'service.name': 'orders', 'service.instance.id': 'orders-1' }),
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeLogs: [
          {
            scope: { name: 't', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
            schemaUrl: '',
            logRecords: [
              record(START + 3 * MINUTE + 1000, 17, 'timeout after 500 ms'),
              record(START + MINUTE + 2000, 17, 'timeout after 250 ms', 'ab'.repeat(16)),
              record(START + MINUTE + 9000, 17, 'timeout after 300 ms'),
              record(START + 2 * MINUTE, 9, 'request handled'),
            ],
          },
        ],
      },
    ],
  };
  await insert('logs', (w) => appendLogRows(w, logs, { cluster: 'default', flushId: 1n }));
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('investigation reads: a row per series minute, from series read as arrays', () => {
  it('entry RED per service, instance and minute, in minute order; the asked endpoint’s rows apart', async () => {
    const all = await serverMinutes(storage, scope);
    expect(all.map((r) => [r.instance, r.minute_s, r.hit, r.requests, r.failed, r.sum_ms])).toEqual([
      ['payments-1', minuteS(0), 0, 14, 0, 70],
      ['payments-1', minuteS(1), 0, 15, 0, 75],
      ['payments-1', minuteS(2), 0, 16, 0, 80],
      ['payments-2', minuteS(1), 0, 3, 3, 90],
    ]);
    expect(all[0]?.buckets).toEqual(buckets(2, 14));
    const asked = await serverMinutes(storage, scope, 'GET /status');
    expect(
      asked.filter((r) => r.instance === 'payments-1').map((r) => [r.minute_s, r.hit, r.requests]),
    ).toEqual([
      [minuteS(0), 0, 10],
      [minuteS(1), 0, 11],
      [minuteS(2), 0, 12],
      [minuteS(0), 1, 4],
      [minuteS(1), 1, 4],
      [minuteS(2), 1, 4],
    ]);
  });

  it('client calls per call key and minute', async () => {
    expect(await clientMinutes(storage, scope)).toEqual(
      [0, 1].map((m) => ({
        service: 'orders',
        call_type: 'http',
        peer: 'payments:8080',
        system: 'http',
        db_namespace: '',
        minute_s: minuteS(m),
        calls: 7,
        failed: m === 1 ? 7 : 0,
        sum_ms: 87.5,
      })),
    );
  });

  it('metrics: a counter’s last value and last point per label set and minute, a gauge’s average; only the names asked', async () => {
    const series = await metricSeries(storage, scope, ['process.cpu.time', 'process.memory.usage']);
    // One row per series with arrays of its minutes; here a row per minute, as the signals walk them.
    const rows = series.flatMap((r) =>
      r.minutes.map((minute_s, i) => ({
        ...r,
        minute_s,
        last_ms: minute_s * 1000 + (r.last_offsets[i] ?? 0),
        v: r.values[i] ?? 0,
      })),
    );
    expect(
      series.every((r) => r.minutes.length === r.values.length && r.minutes.length === r.last_offsets.length),
    ).toBe(true);
    const cpu = rows.filter((r) => r.name === 'process.cpu.time');
    // Two label sets (series), each minute by minute; the last point is 40 s + m into minute m.
    expect(new Set(cpu.map((r) => r.series)).size).toBe(2);
    const values = [...new Set(cpu.map((r) => r.series))].map((series) =>
      cpu.filter((r) => r.series === series).map((r) => [r.minute_s, r.last_ms, r.v]),
    );
    expect(values).toContainEqual(
      [0, 1, 2].map((m) => [minuteS(m), START + m * MINUTE + 40_000 + m * 1000, 10 * m + 3]),
    );
    expect(values).toContainEqual(
      [0, 1, 2].map((m) => [minuteS(m), START + m * MINUTE + 40_000 + m * 1000, 10 * m + 2]),
    );
    expect(cpu.every((r) => r.cumulative && r.unit === 's' && r.instance === 'fraud-1')).toBe(true);
    // Ordered by series, then minute: each series' rows are contiguous.
    expect(cpu.slice(0, 3).map((r) => r.series)).toEqual(Array(3).fill(cpu[0]?.series));
    const rss = rows.filter((r) => r.name === 'process.memory.usage');
    expect(rss.map((r) => [r.minute_s, r.v, r.cumulative])).toEqual([
      [minuteS(0), 150, false],
      [minuteS(1), 151, false],
    ]);
    expect(rows.some((r) => r.name === 'not.asked')).toBe(false);
  });

  it('error logs per pattern and minute, each with the pattern’s first record as its sample', async () => {
    const rows = await errorLogMinutes(storage, scope);
    expect(rows.map((r) => [r.pattern, r.minute_s, r.records])).toEqual([
      ['timeout after # ms', minuteS(1), 2],
      ['timeout after # ms', minuteS(3), 1],
    ]);
    expect(rows[0]).toMatchObject({
      service: 'orders',
      sample_ms: START + MINUTE + 2000,
      sample_instance: 'orders-1',
      sample_severity: 'ERROR',
      sample_body: 'timeout after 250 ms',
      sample_trace_id: 'ab'.repeat(16),
    });
  });
});
