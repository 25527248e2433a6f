/**
 * The services overview (`overview.services`) with long ranges, through the real server's tRPC API: p50 / p95
 * of the call (server time plus a loopback round trip and the client's decode) for the last 1 h and the last
 * 24 h, each compared with a day and a week earlier; then `overview.endpoints` of one service (a row
 * expanded). Target: p95 ≤ 100 ms for 24 h. Then, in process on the same data (the server stopped), where
 * the time goes: each read's time (they run side by side, so they overlap) and the answer's JSON.
 *
 * Data, written straight through the storage layer to save time:
 * - RED rollups of 200 services × 20 endpoints, one row per minute per endpoint (an error row every 20th
 *   minute), over 8 days + 1 h, so week-over-week has data: ≈ 46 M rows of `red_server_1m`, generated inside
 *   the engine (test/support/overview-seed.ts `seedBulkRedRollups`, INSERT … SELECT from numbers());
 * - 10 M spans of the standard workload (512-span requests, 11 attributes per span) over the last 24 h;
 * - 2 M log records over the last 2 days (one in five at ERROR) and one restart per service.
 *
 *   node bench/overview.bench.ts [--spans 10000000] [--services 200] [--endpoints 20] [--days 8] [--calls 40]
 *     [--data-dir DIR] [--seed-only]
 *
 * Seeding takes minutes; `--data-dir DIR` keeps the data there and reuses it on the next run (the data then
 * ages: the last minutes of the ranges have no rows once it is older than a few minutes, which is fine for
 * A/B comparisons but not for the figures in bench/README.md); `--seed-only` stops after seeding.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkServiceName, seedBulkRedRollups } from '../apps/server/test/support/overview-seed.ts';
import { servicesOverview } from '../apps/server/src/features/overview/services-overview.ts';
import { endpointsOverview } from '../apps/server/src/features/overview/endpoints-overview.ts';
import { openStorage } from '../apps/server/src/storage/index.ts';
import type { Storage } from '../apps/server/src/storage/index.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { apiClient } from '../apps/server/test/support/api-client.ts';
import { storeWorkloadSpans } from './workload/stored-spans.ts';
import { median, percentile } from './support/process-cpu.ts';

const { values: args } = parseArgs({
  options: {
    spans: { type: 'string', default: '10000000' },
    services: { type: 'string', default: '200' },
    endpoints: { type: 'string', default: '20' },
    days: { type: 'string', default: '8' },
    calls: { type: 'string', default: '40' },
    'data-dir': { type: 'string' },
    'seed-only': { type: 'boolean', default: false },
  },
});
const spanTarget = Number(args.spans);
const services = Number(args.services);
const endpoints = Number(args.endpoints);
const days = Number(args.days);
const calls = Number(args.calls);
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (...a: unknown[]) => console.error(...a),
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const keptDir = args['data-dir'];
const dataDir = keptDir ?? (await mkdtemp(join(tmpdir(), 'apo-overview-bench-')));
/** A kept directory's seed time, when it was seeded completely. */
const seededMarker = join(dataDir, 'overview-bench-seeded-at');
const seededAtMs = await readFile(seededMarker, 'utf8').then(Number, () => undefined);
const nowMs = seededAtMs ?? Date.now();

const seconds = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(0);
/** The 1-minute load average: on the 2 shared cores the figures scale with it. */
const load = (): string => `load ${loadavg()[0]?.toFixed(1)}`;

async function loadLogsAndEvents(storage: Storage): Promise<void> {
  const db = storage.database;
  await storage.client.command({
    query: `INSERT INTO ${db}.logs (cluster, ts, service, instance, severity_number, severity_text, body)
      SELECT 'default', fromUnixTimestamp64Milli(toInt64({now:Int64} - number * 86)),
             concat('svc-', leftPad(toString(number % {services:UInt32}), 3, '0')), '',
             if(number % 5 = 0, 17, 9), if(number % 5 = 0, 'ERROR', 'INFO'), 'request handled'
      FROM numbers(2000000)`,
    query_params: { now: nowMs, services },
  });
  await storage.client.command({
    query: `INSERT INTO ${db}.events (cluster, ts, service, instance, name, severity_number, body)
      SELECT 'default', fromUnixTimestamp64Milli(toInt64({now:Int64} - (number + 1) * 97000)),
             concat('svc-', leftPad(toString(number), 3, '0')), '', 'process.restart', 9, 'restarted'
      FROM numbers({services:UInt32})`,
    query_params: { now: nowMs, services },
  });
}

async function seed(): Promise<void> {
  if (keptDir !== undefined) await mkdir(keptDir, { recursive: true });
  const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
  try {
    let t0 = performance.now();
    const toMs = Math.floor(nowMs / MINUTE) * MINUTE + MINUTE;
    const rollupRows = await seedBulkRedRollups(storage, {
      services,
      endpointsPerService: endpoints,
      fromMs: toMs - days * DAY - HOUR,
      toMs,
      degradedFromMs: toMs - 3 * HOUR,
    });
    console.log(`rollups: ${rollupRows.toLocaleString('en')} rows of red_server_1m in ${seconds(t0)} s`);
    t0 = performance.now();
    const spans = await storeWorkloadSpans(storage, { total: spanTarget, nowMs, spreadMs: DAY });
    console.log(`spans: ${spans.toLocaleString('en')} in ${seconds(t0)} s`);
    await loadLogsAndEvents(storage);
  } finally {
    await storage.close();
  }
  if (keptDir !== undefined) await writeFile(seededMarker, String(nowMs));
}

try {
  if (seededAtMs === undefined) await seed();
  else
    console.log(
      `reusing the data seeded ${((Date.now() - nowMs) / 60_000).toFixed(0)} min ago in ${dataDir}`,
    );
  if (args['seed-only']) process.exit(0);

  const server = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'error' } });
  try {
    const api = apiClient(server.httpUrl);
    const ranges = [
      { name: '1 h', ms: HOUR },
      { name: '24 h', ms: DAY },
    ];
    for (const range of ranges) {
      const input = () => ({ from: Date.now() - range.ms, to: Date.now() });
      for (let i = 0; i < 5; i++) await api.overview.services.query(input()); // warm-up
      const times: number[] = [];
      let size = 0;
      let listed = 0;
      for (let i = 0; i < calls; i++) {
        const t0 = performance.now();
        const o = await api.overview.services.query({
          ...input(),
          compareWith: i % 2 === 0 ? 'day' : 'week',
        });
        times.push(performance.now() - t0);
        listed = o.services.length;
        if (i === 0) size = JSON.stringify(o).length;
      }
      console.log(
        `overview.services ${range.name.padEnd(4)} p50 ${median(times).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms ` +
          `over ${times.length} calls (${listed} services, ~${(size / 1024).toFixed(0)} KiB of JSON; target p95 ≤ 100 ms for 24 h; ${load()})`,
      );
      const endpointTimes: number[] = [];
      let endpointSize = 0;
      for (let i = 0; i < calls / 2; i++) {
        const t0 = performance.now();
        const e = await api.overview.endpoints.query({ ...input(), service: bulkServiceName(i % services) });
        endpointTimes.push(performance.now() - t0);
        endpointSize = JSON.stringify(e).length;
      }
      console.log(
        `overview.endpoints ${range.name.padEnd(4)} p50 ${median(endpointTimes).toFixed(1)} ms, p95 ${percentile(endpointTimes, 95).toFixed(1)} ms ` +
          `over ${endpointTimes.length} calls (one service's busiest endpoints, ~${(endpointSize / 1024).toFixed(0)} KiB of JSON)`,
      );
    }
  } finally {
    await server.stop();
  }

  // Where the time goes, in process (no HTTP): each read's time from the call's start, the whole call, and
  // the answer's JSON.stringify (superjson's serialize walks the same tree first).
  const inProcess = await openStorage({ engine: 'embedded', dataDir }, quiet);
  try {
    for (const range of [
      { name: '1 h', ms: HOUR },
      { name: '24 h', ms: DAY },
    ]) {
      const samples = new Map<string, number[]>();
      const add = (name: string, ms: number) => samples.set(name, [...(samples.get(name) ?? []), ms]);
      for (let i = 0; i < 5 + calls / 2; i++) {
        const timings: Record<string, number> = {};
        const t0 = performance.now();
        const o = await servicesOverview(
          inProcess,
          { from: Date.now() - range.ms, to: Date.now(), compareWith: 'day' },
          { timings },
        );
        const total = performance.now() - t0;
        const t1 = performance.now();
        JSON.stringify(o);
        const json = performance.now() - t1;
        if (i < 5) continue; // warm-up
        for (const [name, ms] of Object.entries(timings)) add(name, ms);
        add('whole call', total);
        add('JSON.stringify', json);
      }
      const eTimings: Record<string, number> = {};
      await endpointsOverview(
        inProcess,
        { from: Date.now() - range.ms, to: Date.now(), compareWith: 'day', service: bulkServiceName(0) },
        { timings: eTimings },
      );
      console.log(
        `in process, ${range.name} (${load()}): ` +
          [...samples]
            .map(
              ([name, ms]) =>
                `${name} p50 ${median(ms).toFixed(1)} / p95 ${percentile(ms, 95).toFixed(1)} ms`,
            )
            .join(', ') +
          `; endpoints of one service: ${Object.entries(eTimings)
            .map(([n, ms]) => `${n} ${ms.toFixed(1)} ms`)
            .join(', ')}`,
      );
    }
  } finally {
    await inProcess.close();
  }
} finally {
  if (keptDir === undefined) await rm(dataDir, { recursive: true, force: true });
}
