import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { seedBulkRedRollups } from './support/overview-seed.ts';
import * as q from '../src/features/overview/overview-queries.ts';
import { planSparkline } from '../src/features/overview/overview-plan.ts';
const H = Math.floor(Date.now() / 3600_000) * 3600_000;
const dataDir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'ovdbg-')));
const storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
if (!process.argv[2]) {
  const t0 = performance.now();
  await seedBulkRedRollups(storage, { services: 200, endpointsPerService: 20, fromMs: H - 2 * 86400_000, toMs: H, degradedFromMs: H - 3 * 3600_000 });
  console.log('seeded', dataDir, performance.now() - t0);
}
const range = { fromS: (H - 86400_000) / 1000 + 600, toS: H / 1000 - 300 };
const plan = planSparkline(range);
const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const db = storage.database;
const raw = (sql: string, settings: Record<string, unknown> = {}) => () => storage.client.query({ query: sql, query_params: sql.includes('{b:') ? { a: range.fromS + 3000, b: sql.includes('minute >=') ? range.fromS + 6000 : range.toS - 3000 } : sql.includes('{a:') ? { a: range.fromS + 3000 } : {}, format: 'JSONEachRow', clickhouse_settings: settings as any }).then((r) => r.json());
const HQ = `SELECT service, sum(count) AS n, sumForEach(bucket_counts) FROM ${db}.red_server_1m WHERE toStartOfHour(minute) >= toDateTime({a:UInt32}) AND toStartOfHour(minute) < toDateTime({b:UInt32}) GROUP BY service`;
const MQ = `SELECT service, sum(count) AS n, sumForEach(bucket_counts) FROM ${db}.red_server_1m WHERE minute >= toDateTime({a:UInt32}) AND minute < toDateTime({a:UInt32}) + 3000 GROUP BY service`;
const MQ2 = `SELECT service, sum(count) AS n, sumForEach(bucket_counts) FROM ${db}.red_server_1m WHERE minute >= toDateTime({a:UInt32}) AND minute < toDateTime({b:UInt32}) GROUP BY service`;
const runs: [string, () => Promise<unknown>][] = [
  ['minutes', raw(MQ)],
  ['minutes b', raw(MQ2)],
  ['minutes noproj', raw(MQ, { optimize_use_projections: 0 })],
  ['minutes nofilter', raw(MQ, { optimize_use_projection_filtering: 0 })],
  ['minutes preferred', raw(MQ, { preferred_optimize_projection_name: 'red_service_minutely' })],
  ['hours', raw(HQ)],
  ['count only hours', raw(`SELECT service, sum(count) AS n FROM ${db}.red_server_1m WHERE toStartOfHour(minute) >= toDateTime({a:UInt32}) AND toStartOfHour(minute) < toDateTime({b:UInt32}) GROUP BY service`)],
  ['select1', raw('SELECT 1')],
];
for (const [name, f] of runs) {
  const t: number[] = [];
  for (let i = 0; i < 9; i++) { const t0 = performance.now(); await f(); t.push(performance.now() - t0); }
  console.log(name, med(t).toFixed(1));
}
await storage.close();
