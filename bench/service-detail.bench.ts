/**
 * The service detail page through the real server's tRPC API, 24 h range: p50 / p95 of each procedure the
 * page calls (RED series, endpoints, delay source, calls vs a day earlier, instances, errors, hosts and
 * lights) and of the whole page (all of them at once, as the console sends them). Target: p95 ≤ 100 ms.
 *
 * Data: workload/service-world.ts (the overview bench's generators, demo shape) — RED rollups of 200
 * services × 20 endpoints per minute over `--days` (2: the range and the day before), client-call rollups,
 * 10 M spans of the standard workload over the last 24 h renamed to those services, process and host
 * metrics, 1 M logs and a restart per service.
 *
 * Before the server starts, `services.delaySource` is also measured in process on the same data, from spans
 * alone and then from the topology job's per-minute table once the job's delay-source part has computed the
 * day's windows (its CPU per window printed: the job's extra cost at this rate).
 *
 *   node bench/service-detail.bench.ts [--spans 10000000] [--services 200] [--days 2] [--calls 30]
 *     [--data-dir DIR] [--skip-windows]
 *
 * `--data-dir DIR` keeps the seeded data (and the computed windows) in DIR and reuses it on the next run:
 * seeding 10 M spans and computing the day's 1,438 windows take ~20 min. A reused world is read as of
 * the time it was seeded (its ranges end then). `--skip-windows` leaves out the in-process delay-source A/B
 * and the windows it computes (the API's delay source then reads spans for uncomputed minutes).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bulkServiceName } from '../apps/server/test/support/overview-seed.ts';
import { delaySource } from '../apps/server/src/features/delay/delay-source.ts';
import { computeDelayWindow } from '../apps/server/src/features/delay/delay-source-window.ts';
import { recordWindow } from '../apps/server/src/features/topology/topology-window.ts';
import { openStorage } from '../apps/server/src/storage/index.ts';
import type { Storage } from '../apps/server/src/storage/index.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { apiClient } from '../apps/server/test/support/api-client.ts';
import { seedServiceWorld } from './workload/service-world.ts';
import { median, percentile } from './support/process-cpu.ts';

const { values: args } = parseArgs({
  options: {
    spans: { type: 'string', default: '10000000' },
    services: { type: 'string', default: '200' },
    days: { type: 'string', default: '2' },
    calls: { type: 'string', default: '30' },
    'data-dir': { type: 'string' },
    'skip-windows': { type: 'boolean', default: false },
  },
});
const spanTarget = Number(args.spans);
const services = Number(args.services);
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
const dataDir = keptDir ?? (await mkdtemp(join(tmpdir(), 'apo-service-detail-bench-')));
const seededMarker = join(dataDir, 'service-detail-bench-seeded-at');
const windowsMarker = join(dataDir, 'service-detail-bench-windows-computed');
const seededAt = await readFile(seededMarker, 'utf8').then(Number, () => undefined);
const windowsComputed = await readFile(windowsMarker, 'utf8').then(
  () => true,
  () => false,
);
const nowMs = seededAt ?? Date.now();
/** The end of every range: now, or when a reused world was seeded. */
const rangeEnd = (): number => (seededAt === undefined ? Date.now() : nowMs);

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * `services.delaySource` over 24 h in process (server time, same data): from spans alone (no window
 * computed: the read before the job's table), then after the job's delay-source part has computed every
 * due window of the day (timed per window: the job's extra CPU at this rate). The windows are recorded as
 * the job records them; their edges are not computed here (topology.bench.ts measures those).
 */
async function delaySourceAB(storage: Storage): Promise<void> {
  const input = (n: number) => ({ service: bulkServiceName(n % services), from: nowMs - DAY, to: nowMs });
  const measure = async (label: string) => {
    for (let i = 0; i < 3; i++) await delaySource(storage, input(i));
    const ms: number[] = [];
    let sampled = 0;
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      const answer = await delaySource(storage, input(i + 7));
      ms.push(performance.now() - t);
      sampled += answer.endpoints.reduce((a, e) => a + e.sampledRequests, 0);
    }
    console.log(
      `  delaySource 24 h in process, ${label}: p50 ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms ` +
        `(${(sampled / calls).toFixed(0)} stored requests per service; load ${loadavg()[0]?.toFixed(1)})`,
    );
  };
  if (windowsComputed) {
    await measure('from the job’s table (the last minutes from spans; windows computed by an earlier run)');
    return;
  }
  await measure('from spans (no window computed)');
  const first = Math.floor((nowMs - DAY) / MINUTE) * MINUTE;
  // The newest window the job would have computed by now (grace 2 min, as the server's default).
  const lastDue = Math.floor((nowMs - 120_000) / MINUTE) * MINUTE - MINUTE;
  const wall: number[] = [];
  const cpu: number[] = [];
  let rows = 0;
  for (let w = first; w <= lastDue; w += MINUTE) {
    const t = performance.now();
    const c = cpuMs();
    const delayRows = await computeDelayWindow(storage, w);
    wall.push(performance.now() - t);
    cpu.push(cpuMs() - c);
    rows += delayRows;
    await recordWindow(storage, w, Date.now(), { edgeRows: 0, delayRows });
  }
  console.log(
    `  job's delay-source part, ${wall.length} windows at ${(spanTarget / 86_400).toFixed(0)} spans/s: wall p50 ` +
      `${median(wall).toFixed(0)} ms, p95 ${percentile(wall, 95).toFixed(0)} ms; CPU p50 ${median(cpu).toFixed(0)} ms, ` +
      `p95 ${percentile(cpu, 95).toFixed(0)} ms per window (${rows.toLocaleString('en')} rows)`,
  );
  if (keptDir !== undefined) await writeFile(windowsMarker, String(wall.length));
  await measure('from the job’s table (the last minutes from spans)');
}

try {
  const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
  try {
    if (seededAt === undefined) {
      await seedServiceWorld(storage, { spans: spanTarget, services, days, nowMs });
      if (keptDir !== undefined) await writeFile(seededMarker, String(nowMs));
    } else
      console.log(
        `reusing the world seeded ${((Date.now() - nowMs) / 60_000).toFixed(0)} min ago in ${dataDir}`,
      );
    if (!args['skip-windows']) await delaySourceAB(storage);
  } finally {
    await storage.close();
  }

  const server = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'error' } });
  try {
    const api = apiClient(server.httpUrl);
    const procedures = {
      red: (i: Input) => api.services.red.query(i),
      redEndpoints: (i: Input) => api.services.redEndpoints.query(i),
      delaySource: (i: Input) => api.services.delaySource.query(i),
      calls: (i: Input) => api.services.calls.query({ ...i, compareWith: 'day' }),
      instances: (i: Input) => api.services.instances.query(i),
      errors: (i: Input) => api.services.errors.query(i),
      infrastructure: (i: Input) => api.services.infrastructure.query(i),
    };
    type Input = { service: string; from: number; to: number };
    const input = (n: number): Input => ({
      service: bulkServiceName(n % services),
      from: rangeEnd() - DAY,
      to: rangeEnd(),
    });
    for (let i = 0; i < 3; i++) for (const p of Object.values(procedures)) await p(input(i)); // warm-up
    const times = new Map<string, number[]>();
    for (let i = 0; i < calls; i++) {
      for (const [name, call] of Object.entries(procedures)) {
        const t0 = performance.now();
        await call(input(i + 7));
        times.set(name, [...(times.get(name) ?? []), performance.now() - t0]);
      }
      // The page: every panel's request at once.
      const t0 = performance.now();
      await Promise.all(Object.values(procedures).map((p) => p(input(i + 11))));
      times.set('whole page', [...(times.get('whole page') ?? []), performance.now() - t0]);
    }
    const sample = await api.services.delaySource.query(input(3));
    console.log(
      `service detail, 24 h, ${calls} services (${spanTarget.toLocaleString('en')} spans, ${services} services); ` +
        `delay source of one service read ${sample.endpoints.reduce((a, e) => a + e.sampledRequests, 0)} stored requests`,
    );
    for (const [name, ms] of times)
      console.log(
        `  ${name.padEnd(15)} p50 ${median(ms).toFixed(1)} ms, p95 ${percentile(ms, 95).toFixed(1)} ms`,
      );
    console.log(
      '  (target: p95 ≤ 100 ms per procedure; call time = server time + a loopback round trip + decode)',
    );
  } finally {
    await server.stop();
  }
} finally {
  if (keptDir === undefined) await rm(dataDir, { recursive: true, force: true });
}
