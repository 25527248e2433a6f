/**
 * The generated world of `investigation-coarse-reads.test.ts`: two services (one with two instances), each
 * minute entry RED of three endpoints, client calls of two call keys, and process metrics — a cumulative
 * counter with two label sets, a gauge and a delta counter, three points a minute; minutes without
 * requests here and there. Deterministic (a seeded generator), so a failure replays.
 */
import type { MetricsData, NumberDataPoint } from '@apo/shared/model';
import { RED_BUCKET_COUNT, type RedClientRollupRow, type RedServerRollupRow } from '@apo/shared/red';
import type { Storage } from '../../src/storage/open-storage.ts';
import { RowBinaryWriter } from '../../src/storage/row-binary-writer.ts';
import { appendMetricRows } from '../../src/storage/rows/metrics.ts';
import { appendRedClientRows, appendRedServerRows } from '../../src/storage/rows/red.ts';
import { attrs } from '../../src/storage/telemetry-fixtures.ts';

const MINUTE = 60_000;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;

/** A small deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rnd = random(17);
const int = (n: number) => Math.floor(rnd() * n);

async function insert(
  storage: Storage,
  table: 'red_server_1m' | 'red_client_1m' | 'metrics',
  fill: (w: RowBinaryWriter) => number,
) {
  const w = new RowBinaryWriter(1 << 22);
  const rows = fill(w);
  await storage.insertRowBinary(storage.tables[table], w.bytes(), rows);
}

const instances = [
  ['a', 'a-1'],
  ['a', 'a-2'],
  ['b', 'b-1'],
] as const;

function metricsOf(
  START: number,
  service: string,
  instance: string,
  m: number,
): MetricsData['resourceMetrics'][number] {
  const at = (k: number) => START + m * MINUTE + 5_000 + k * 20_000;
  const point = (k: number, value: number, labels: Record<string, string> = {}): NumberDataPoint => ({
    attributes: attrs(labels),
    startTimeUnixNano: ns(START - MINUTE),
    timeUnixNano: ns(at(k)),
    flags: 0,
    value,
    exemplars: [],
  });
  const ks = [0, 1, 2];
  // A counter that grows by an uneven amount each point (per direction), a level, and a delta counter.
  const grown = (k: number, base: number) => base + 10 * (m * 3 + k) + ((m * 7 + k) % 5);
  return {
    resource: {
      attributes: attrs({ 'service.name': service, 'service.instance.id': instance }),
      droppedAttributesCount: 0,
    },
    schemaUrl: '',
    scopeMetrics: [
      {
        scope: { name: 't', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
        schemaUrl: '',
        metrics: [
          {
            name: 'process.disk.io',
            description: '',
            unit: 'By',
            metadata: attrs({}),
            data: {
              type: 'sum',
              aggregationTemporality: 2,
              isMonotonic: true,
              points: ks.flatMap((k) => [
                point(k, grown(k, 1000), { 'disk.io.direction': 'write' }),
                point(k, grown(k, 50), { 'disk.io.direction': 'read' }),
              ]),
            },
          },
          {
            name: 'process.memory.usage',
            description: '',
            unit: 'By',
            metadata: attrs({}),
            data: { type: 'gauge', points: ks.map((k) => point(k, 100 + ((m * 13 + k * 5) % 17))) },
          },
          {
            name: 'apo.process.blkio.delay.time',
            description: '',
            unit: 's',
            metadata: attrs({}),
            data: {
              type: 'sum',
              aggregationTemporality: 1,
              isMonotonic: true,
              points: ks.map((k) => point(k, ((m + k) % 4) * 0.25)),
            },
          },
        ],
      },
    ],
  };
}

/** `minutes` minutes of the world from `START` (ms, on a whole 5-minute bucket) into `storage`. */
export async function seedCoarseWorld(storage: Storage, START: number, minutes: number): Promise<void> {
  const server: RedServerRollupRow[] = [];
  const client: RedClientRollupRow[] = [];
  const resourceMetrics: MetricsData['resourceMetrics'] = [];
  for (let m = 0; m < minutes; m++)
    for (const [service, instance] of instances) {
      // Metrics every minute (a counter with gaps has no rate in the minute after one, fine or coarse).
      if (service === 'a') resourceMetrics.push(metricsOf(START, service, instance, m));
      if (rnd() < 0.1) continue; // a minute without requests
      for (const endpoint of ['GET /a', 'POST /b', 'GET /c']) {
        const count = 1 + int(40);
        const bucketCounts = Array.from({ length: RED_BUCKET_COUNT }, () => 0);
        for (let i = 0; i < count; i++) bucketCounts[int(RED_BUCKET_COUNT)]! += 1;
        server.push({
          cluster: 'default',
          minuteMs: START + m * MINUTE,
          service,
          instance,
          kind: 'server',
          endpoint,
          error: false,
          count,
          errorCount: int(count + 1) >> 2,
          durationSumMs: count * (3 + rnd() * 40),
          bucketCounts,
        });
      }
      for (const [callType, peer, system, dbNamespace] of [
        ['http', 'b:8080', 'http', ''],
        ['db', 'pg:5432', 'postgresql', 'shop'],
      ] as const) {
        const count = 1 + int(20);
        client.push({
          cluster: 'default',
          minuteMs: START + m * MINUTE,
          service,
          instance,
          kind: 'client',
          error: false,
          callType,
          peer,
          system,
          dbNamespace,
          operation: '',
          target: '',
          role: '',
          count,
          errorCount: int(3),
          durationSumMs: count * (1 + rnd() * 9),
          bucketCounts: Array.from({ length: RED_BUCKET_COUNT }, () => 0),
        });
      }
    }
  await insert(storage, 'red_server_1m', (w) => appendRedServerRows(w, server, 1n));
  await insert(storage, 'red_client_1m', (w) => appendRedClientRows(w, client, 1n));
  await insert(storage, 'metrics', (w) =>
    appendMetricRows(w, { resourceMetrics }, { cluster: 'default', flushId: 1n }),
  );
}
