/**
 * `investigations.run` through the real server's tRPC API (issue 17's targets: a 1 h window at the demo's
 * rate ≤ 2 s server time; at 10 M spans / 24 h ≤ 5 s): p50 / p95 of `--calls` calls per case after two
 * warm-up calls (`--day-calls` for the 24 h cases), then, in process, where the time goes (each read of the
 * engine, building the signals, the analysis; medians of `--runs` runs after one warm-up).
 *
 * Two worlds, each in its own data directory and server:
 * - demo: the live demo shop's shape and rate (workload/demo-world.ts: 7 services, ≈ 40 spans/s, every
 *   span stored) over 3 h, payments' database 200 ms slower for the last 10 minutes; 1 h windows.
 * - large: the service-detail bench's world (workload/service-world.ts: `--spans` spans over 24 h renamed
 *   to `--services` services with RED rollups of 20 endpoints each, client-call rollups, process and host
 *   metrics, 1 M logs, restarts), with `svc-000` degraded for its last 20 minutes (a slower database);
 *   1 h and 24 h windows, with and without `service`, and a calm hour before the degradation.
 * Windows end at the world's end (its seed time), so a kept data directory measures the same windows.
 *
 *   node bench/investigation.bench.ts [--spans 10000000] [--services 200] [--days 1] [--calls 10]
 *     [--day-calls 10] [--runs 5] [--only demo|large] [--data-dir DIR (the large world, seeded once and reused)] [--seed-only]
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { InvestigationResult } from '../packages/shared/src/console/index.ts';
import { runInvestigation } from '../apps/server/src/features/investigations/investigation-engine.ts';
import { spanDependencies } from '../apps/server/src/features/investigations/dependency-source.ts';
import { bulkServiceName } from '../apps/server/test/support/overview-seed.ts';
import { openStorage } from '../apps/server/src/storage/index.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { apiClient } from '../apps/server/test/support/api-client.ts';
import { degradeService, seedServiceWorld } from './workload/service-world.ts';
import { seedDemoWorld } from './workload/demo-world.ts';
import { median, percentile } from './support/process-cpu.ts';

const { values: args } = parseArgs({
  options: {
    spans: { type: 'string', default: '10000000' },
    services: { type: 'string', default: '200' },
    days: { type: 'string', default: '1' },
    calls: { type: 'string', default: '10' },
    /** Calls per 24 h case (a shared machine may need fewer than `--calls`: each reads a day of 200 services). */
    'day-calls': { type: 'string' },
    /** In-process runs per case after one warm-up. */
    runs: { type: 'string', default: '5' },
    only: { type: 'string' },
    'data-dir': { type: 'string' },
    'seed-only': { type: 'boolean', default: false },
  },
});
const calls = Number(args.calls);
const dayCalls = Number(args['day-calls'] ?? args.calls);
const runs = Number(args.runs);
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (...a: unknown[]) => console.error(...a),
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

interface Case {
  name: string;
  input: { from: number; to: number; service?: string };
  /** Calls through the API (default `--calls`). */
  calls?: number;
}

/** The top hypotheses in a few words: what the engine answered (same data, same answer). */
function answer(r: InvestigationResult): string {
  const top = r.hypotheses
    .slice(0, 2)
    .map(
      (h) =>
        `${h.kind}@${h.service}${h.target === undefined ? '' : `→${h.target}`} ${h.confidence.toFixed(2)}`,
    );
  const onset = r.onsetMs === null ? 'no onset' : `onset ${new Date(r.onsetMs).toISOString().slice(11, 16)}`;
  return `${onset}; ${top.length === 0 ? 'no hypothesis' : top.join(', ')}`;
}

const ms = (values: number[]) =>
  `p50 ${median(values).toFixed(0)} ms, p95 ${percentile(values, 95).toFixed(0)} ms`;

/** Each case through a server on `dataDir`, then in process on the same directory. */
async function measure(dataDir: string, cases: Case[]): Promise<void> {
  const server = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'error' } });
  try {
    const api = apiClient(server.httpUrl);
    for (const c of cases) {
      for (let i = 0; i < 2; i++) await api.investigations.run.query(c.input); // warm-up
      const times: number[] = [];
      let last: InvestigationResult | undefined;
      const n = c.calls ?? calls;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        last = await api.investigations.run.query(c.input);
        times.push(performance.now() - t0);
      }
      console.log(
        `  ${c.name.padEnd(30)} ${ms(times)} over ${n} calls (load ${load()}); ${last === undefined ? '' : answer(last)}`,
      );
    }
  } finally {
    await server.stop();
  }
  const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
  try {
    for (const c of cases) {
      const steps = new Map<string, number[]>();
      for (let i = 0; i <= runs; i++) {
        const timings: Record<string, number> = {};
        const t0 = performance.now();
        await runInvestigation(storage, c.input, spanDependencies, timings);
        timings['whole run'] = performance.now() - t0;
        if (i === 0) continue; // warm-up
        for (const [name, t] of Object.entries(timings)) steps.set(name, [...(steps.get(name) ?? []), t]);
      }
      console.log(
        `  in process, ${c.name}: ` +
          [...steps].map(([name, t]) => `${name} ${median(t).toFixed(0)}`).join(', ') +
          ` ms (medians of ${runs}; load ${load()})`,
      );
    }
  } finally {
    await storage.close();
  }
}

async function demo(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'apo-investigation-bench-demo-'));
  try {
    const endMs = Math.floor(Date.now() / MINUTE) * MINUTE;
    const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
    try {
      const t0 = performance.now();
      const spans = await seedDemoWorld(storage, { minutes: 180, endMs, faultFromMs: endMs - 10 * MINUTE });
      console.log(
        `demo world: ${spans.toLocaleString('en')} spans over 3 h (${(spans / 10_800).toFixed(0)} spans/s), ` +
          `7 services, payments' database slow for the last 10 min; seeded in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
    } finally {
      await storage.close();
    }
    const hour = { from: endMs - HOUR, to: endMs };
    await measure(dataDir, [
      { name: 'demo 1 h, all services', input: hour },
      { name: 'demo 1 h, gateway', input: { ...hour, service: 'gateway' } },
      { name: 'demo 1 h calm, all services', input: { from: endMs - 2 * HOUR, to: endMs - HOUR } },
    ]);
    console.log('  (target: ≤ 2 s server time for 1 h at the demo rate)');
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function large(): Promise<void> {
  const keptDir = args['data-dir'];
  const dataDir = keptDir ?? (await mkdtemp(join(tmpdir(), 'apo-investigation-bench-large-')));
  const marker = join(dataDir, 'investigation-bench-seeded-at');
  const seededAt = await readFile(marker, 'utf8').then(Number, () => undefined);
  const nowMs = seededAt ?? Date.now();
  const endMs = Math.floor(nowMs / MINUTE) * MINUTE;
  try {
    if (seededAt === undefined) {
      if (keptDir !== undefined) await mkdir(keptDir, { recursive: true });
      const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
      try {
        const world = {
          spans: Number(args.spans),
          services: Number(args.services),
          days: Number(args.days),
          nowMs,
        };
        await seedServiceWorld(storage, world);
        await degradeService(storage, {
          service: bulkServiceName(0),
          fromMs: endMs - 20 * MINUTE,
          toMs: endMs,
        });
      } finally {
        await storage.close();
      }
      if (keptDir !== undefined) await writeFile(marker, String(nowMs));
    } else
      console.log(
        `reusing the large world seeded ${((Date.now() - nowMs) / 60_000).toFixed(0)} min ago in ${dataDir}`,
      );
    if (args['seed-only']) return;
    const hour = { from: endMs - HOUR, to: endMs };
    const day = { from: endMs - DAY, to: endMs };
    const svc = bulkServiceName(0);
    console.log(
      `large world (${args.services} services, ${Number(args.spans).toLocaleString('en')} spans), ${svc} degraded for the last 20 min:`,
    );
    await measure(dataDir, [
      { name: '1 h, all services', input: hour },
      { name: `1 h, ${svc}`, input: { ...hour, service: svc } },
      { name: '1 h calm, all services', input: { from: endMs - 3 * HOUR, to: endMs - 2 * HOUR } },
      { name: '24 h, all services', input: day, calls: dayCalls },
      { name: `24 h, ${svc}`, input: { ...day, service: svc }, calls: dayCalls },
    ]);
    console.log('  (target: ≤ 5 s server time at 10 M spans / 24 h)');
  } finally {
    if (keptDir === undefined) await rm(dataDir, { recursive: true, force: true });
  }
}

console.log(`load average ${load()}`);
if (args.only !== 'large') await demo();
if (args.only !== 'demo') await large();
