import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { seedBulkRedRollups } from './support/overview-seed.ts';
import * as q from '../src/features/overview/overview-queries.ts';
import { planSparkline } from '../src/features/overview/overview-plan.ts';
const H = Math.floor(Date.now() / 3600_000) * 3600_000;
const dataDir = await mkdtemp(join(tmpdir(), 'ovdbg-'));
const storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
await seedBulkRedRollups(storage, { services: 5, endpointsPerService: 3, fromMs: H - 9 * 86400_000, toMs: H, degradedFromMs: H - 3 * 3600_000 });
const range = { fromS: (H - 86400_000) / 1000 + 600, toS: H / 1000 - 300 };
const plan = planSparkline(range);
const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const runs: [string, () => Promise<unknown>][] = [
  ['past noproj', () => q.pastFigures({ ...storage, client: { query: (p: any) => storage.client.query({ ...p, clickhouse_settings: { optimize_use_projections: 0 } }) } } as any, 'service', range, {}, {})],
  ['past again', () => q.pastFigures(storage, 'service', range, {}, {})],
  ['raw hours 1 branch', () => storage.client.query({ query: `SELECT service, sum(count), sumForEach(bucket_counts) FROM ${storage.database}.red_server_1m WHERE toStartOfHour(minute) >= toDateTime({a:UInt32}) AND toStartOfHour(minute) < toDateTime({b:UInt32}) GROUP BY service`, query_params: { a: range.fromS - 86400 + 3000, b: range.toS - 86400 - 3000 }, format: 'JSONEachRow' }).then((r) => r.json())],
  ['raw minutes 1 branch', () => storage.client.query({ query: `SELECT service, sum(count), sumForEach(bucket_counts) FROM ${storage.database}.red_server_1m WHERE minute >= toDateTime({a:UInt32}) AND minute < toDateTime({b:UInt32}) GROUP BY service`, query_params: { a: range.fromS - 86400, b: range.fromS - 86400 + 3000 }, format: 'JSONEachRow' }).then((r) => r.json())],
  ['select1', () => storage.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json())],
  ['select1 param', () => storage.client.query({ query: 'SELECT {a:UInt8}', query_params: { a: 1 }, format: 'JSONEachRow' }).then((r) => r.json())],
  ['current', () => q.currentFigures(storage, 'service', range, plan, {}, {})],
  ['past', () => q.pastFigures(storage, 'service', range, {}, {})],
  ['seen', () => q.seenServices(storage, { fromS: range.toS - 7 * 86400, toS: range.toS }, {})],
  ['logErrors', () => q.logErrors(storage, range, {})],
  ['changes', () => q.lastChanges(storage, range.toS, {})],
  ['namespaces', () => q.namespaces(storage, range, {})],
];
for (const [name, f] of runs) {
  const t: number[] = [];
  for (let i = 0; i < 15; i++) { const t0 = performance.now(); await f(); t.push(performance.now() - t0); }
  console.log(name, med(t).toFixed(1));
}
await storage.close();
