import { openStorage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { redFigures } from '../src/features/overview/overview-queries.ts';
import { coveredMinutes, planSparkline, shifted } from '../src/features/overview/overview-plan.ts';
const storage = await openStorage({ engine: 'embedded', dataDir: process.argv[2]! }, new CapturingLog());
const med = (a: number[]) => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const range = coveredMinutes(Date.now() - 86400_000, Date.now());
const plan = planSparkline(range);
const periods = [
  { range, useHours: true },
  { range: shifted(range, 'day'), useHours: true },
  { range: shifted(range, 'week'), useHours: true },
  { range: { fromS: range.toS - 7 * 86400, toS: range.toS }, useHours: true },
];
let captured: { query: string; query_params: Record<string, unknown> } | undefined;
const spy = { ...storage, client: { query: (p: any) => { captured = p; return storage.client.query(p); } } } as any;
await redFigures(spy, 'service', periods, plan, {});
const full = captured!;
const time = async (name: string, query: string) => {
  const t: number[] = [];
  for (let i = 0; i < 9; i++) {
    const t0 = performance.now();
    const r = await storage.client.query({ query, query_params: full.query_params, format: 'JSONEachRow' });
    await r.text();
    t.push(performance.now() - t0);
  }
  console.log(name, med(t).toFixed(1));
};
await time('full', full.query);
const reads = full.query.slice(full.query.indexOf('FROM (SELECT cluster') + 6, full.query.indexOf(')\n         ARRAY JOIN'));
const [h, m] = reads.split('\nUNION ALL\n');
await time('hours read', `SELECT count() FROM (${h})`);
await time('minutes read', `SELECT count() FROM (${m})`);
await time('both reads', `SELECT count() FROM (${reads})`);
const q = full.query;
const from = q.indexOf('\nFROM (SELECT *');
const settings = q.lastIndexOf('SETTINGS');
const body = q.slice(from, settings);
await time('select few', 'SELECT period, name, requests ' + body);
await time('select i95', 'SELECT period, name, requests, i95 ' + body);
await time('select cum', 'SELECT period, name, requests, cum ' + body);
await time('select buckets', 'SELECT period, name, requests, buckets ' + body);
await time('count', 'SELECT count() ' + body);
await storage.close();
