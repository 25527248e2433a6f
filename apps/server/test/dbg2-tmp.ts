import { openStorage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
const storage = await openStorage({ engine: 'embedded', dataDir: process.argv[2]! }, new CapturingLog());
const db = storage.database;
const H = Math.floor(Date.now() / 3600_000) * 3600_000;
const range = { fromS: (H - 86400_000) / 1000 + 600, toS: H / 1000 - 300 };
for (const sql of [
  `SELECT service, sum(count) AS n, sumForEach(bucket_counts) FROM ${db}.red_server_1m WHERE minute >= toDateTime({a:UInt32}) AND minute < toDateTime({a:UInt32}) + 3000 GROUP BY service`,
  `SELECT service, sum(count) AS n FROM ${db}.red_server_1m WHERE toStartOfHour(minute) >= toDateTime({a:UInt32}) AND toStartOfHour(minute) < toDateTime({b:UInt32}) GROUP BY service`,
]) {
  const r = await storage.client.query({ query: `EXPLAIN projections = 1, indexes = 1 ${sql}`, query_params: { a: range.fromS + 3000, b: range.toS - 3000 }, format: 'TabSeparatedRaw' });
  console.log(await r.text());
}
await storage.close();
