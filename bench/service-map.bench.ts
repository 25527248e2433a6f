/**
 * The service map in Chromium: `node bench/service-map.bench.ts [--services 500] [--edges 3000] [--loads 5]`.
 *
 * A real server (fresh data directory) holds, written through the storage layer: `--services` services in
 * five tiers with `--edges` service→service edges (mostly to the next tier, some skipping one), their
 * structure in `topology_edges` and one minute of client-call rollups per edge, plus the services' own RED
 * (for their health). Headless Chromium opens the built console's service map for the last hour.
 *
 * Printed: layout + first paint (from the map's answer reaching the page to the canvas's first draw; the
 * layout runs in a worker), the worker's layout time and engine, and while panning and zooming the time of
 * each draw and the interval between frames (median, p95). Budgets: layout + first paint ≤ 1 s, frames
 * ≤ 16 ms median.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import type { RedClientRollupRow } from '../packages/shared/src/red/index.ts';
import {
  appendRedClientRows,
  appendTopologyEdgeRows,
  openStorage,
  RowBinaryWriter,
} from '../apps/server/src/storage/index.ts';
import type { TopologyEdgeRow } from '../apps/server/src/storage/index.ts';
import { seedBulkRedRollups } from '../apps/server/test/support/overview-seed.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { describeResult, ensureConsoleBuilt } from '../scripts/console-build.ts';
import { median, percentile } from './support/process-cpu.ts';
import { Rng } from './workload/common.ts';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '500' },
    edges: { type: 'string', default: '3000' },
    loads: { type: 'string', default: '5' },
  },
});
const services = Number(args.services);
const edgeCount = Number(args.edges);
const loads = Number(args.loads);
const CHROMIUM = '/usr/bin/chromium';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
if (!existsSync(CHROMIUM)) {
  console.error(`Debian's Chromium is missing (${CHROMIUM}): apt-get install -y chromium`);
  process.exit(2);
}
const built = await ensureConsoleBuilt();
console.log(describeResult(built));
if (built.result === 'failed') process.exit(1);

const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (...a: unknown[]) => console.error(...a),
};
const dataDir = await mkdtemp(join(tmpdir(), 'apo-service-map-bench-'));
const now = Math.floor(Date.now() / MINUTE) * MINUTE;
const name = (i: number) => `svc-${String(i).padStart(3, '0')}`;
const TIERS = 5;
const tierOf = (i: number) => Math.min(TIERS - 1, Math.floor((i / services) * TIERS));

const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
try {
  await seedBulkRedRollups(storage, { services, endpointsPerService: 1, fromMs: now - 2 * HOUR, toMs: now });
  const rng = new Rng(7);
  const pairs = new Set<string>();
  const edges: TopologyEdgeRow[] = [];
  const calls: RedClientRollupRow[] = [];
  while (edges.length < edgeCount) {
    const a = rng.int(services);
    const t = tierOf(a);
    if (t === TIERS - 1) continue;
    const target = Math.min(TIERS - 1, t + (rng.int(100) < 85 ? 1 : 2));
    const pool = Array.from({ length: services }, (_, j) => j).filter((j) => tierOf(j) === target);
    const b = pool[rng.int(pool.length)] ?? 0;
    if (pairs.has(`${a}>${b}`)) continue;
    pairs.add(`${a}>${b}`);
    const peer = `${name(b)}:8080`;
    edges.push({
      hourMs: Math.floor((now - 30 * MINUTE) / HOUR) * HOUR,
      seenWindowMs: now - 30 * MINUTE,
      callerCluster: 'default',
      callerService: name(a),
      callerNamespace: `ns-${a % 8}`,
      callerEndpoint: 'GET /api/items',
      calleeKind: 'service',
      calleeCluster: 'default',
      calleeName: name(b),
      calleeNamespace: '',
      calleeEndpoint: 'GET /api/items',
      callType: 'http',
      peer,
      system: 'http',
      dbNamespace: '',
      destination: '',
      role: '',
    });
    const count = 1 + rng.int(600);
    calls.push({
      cluster: 'default',
      minuteMs: now - 30 * MINUTE,
      service: name(a),
      instance: `${name(a)}-1`,
      kind: 'client',
      error: false,
      callType: 'http',
      peer,
      system: 'http',
      dbNamespace: '',
      operation: 'GET',
      target: '',
      role: '',
      count,
      errorCount: 0,
      durationSumMs: count * 12,
      bucketCounts: [0, 0, 0, 0, count, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    });
  }
  let w = new RowBinaryWriter();
  await storage.insertRowBinary(storage.tables.topology_edges, w.bytes(), appendTopologyEdgeRows(w, edges));
  w = new RowBinaryWriter();
  await storage.insertRowBinary(storage.tables.red_client_1m, w.bytes(), appendRedClientRows(w, calls, 1n));
  console.log(`seeded ${services} services, ${edges.length} edges`);
} finally {
  await storage.close();
}

const server = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'error' } });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const firstPaint: number[] = [];
  const layout: number[] = [];
  const engineMs: number[] = [];
  const draws: number[] = [];
  const frames: number[] = [];
  let engine = '';
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    // When the map's answer is on the page (its model element appears) and when the canvas first drew.
    await page.addInitScript(() => {
      const marks: Record<string, number> = {};
      Reflect.set(window, '__mapMarks', marks);
      new MutationObserver(() => {
        if (marks.data === undefined && document.querySelector('[data-testid="service-map-model"]'))
          marks.data = performance.now();
        if (marks.drawn === undefined && document.querySelector('canvas[data-draw-ms]'))
          marks.drawn = performance.now();
      }).observe(document, { subtree: true, childList: true, attributes: true });
    });
    await page.goto(`${server.httpUrl}/#/service-map?from=now-1h&to=now`);
    await page.waitForSelector('canvas[data-draw-ms]', { timeout: 60_000 });
    const marks = await page.evaluate(() => Reflect.get(window, '__mapMarks') as Record<string, number>);
    firstPaint.push((marks.drawn ?? 0) - (marks.data ?? 0));
    const model = page.getByTestId('service-map-model');
    layout.push(Number(await model.getAttribute('data-layout-ms')));
    engineMs.push(Number(await model.getAttribute('data-layout-engine-ms')));
    engine = (await model.getAttribute('data-engine')) ?? '';
    // Pan and zoom: each step waits for its frame, then reads that draw's time.
    const canvas = page.locator('canvas.map-canvas');
    const box = await canvas.boundingBox();
    if (box === null) throw new Error('no canvas');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const frameTimes = page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const times: number[] = [];
          const tick = (t: number) => {
            times.push(t);
            if (times.length < 90) requestAnimationFrame(tick);
            else resolve(times.slice(1).map((x, k) => x - (times[k] ?? x)));
          };
          requestAnimationFrame(tick);
        }),
    );
    for (let s = 0; s < 30; s++) {
      await page.mouse.wheel(0, s < 15 ? -120 : 120);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      draws.push(Number(await canvas.getAttribute('data-draw-ms')));
    }
    await page.mouse.down();
    for (let s = 0; s < 30; s++) {
      await page.mouse.move(box.x + box.width / 2 + s * 8, box.y + box.height / 2 + s * 4);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
      draws.push(Number(await canvas.getAttribute('data-draw-ms')));
    }
    await page.mouse.up();
    frames.push(...(await frameTimes));
    await context.close();
  }
  console.log(`\nService map, ${services} services / ${edgeCount} edges, ${loads} loads, headless Chromium`);
  console.log(
    `  layout + first paint: median ${median(firstPaint).toFixed(0)} ms, p95 ${percentile(firstPaint, 95).toFixed(0)} ms (budget ≤ 1,000 ms); ` +
      `layout in the worker (${engine}): median ${median(engineMs).toFixed(0)} ms, ${median(layout).toFixed(0)} ms with the messages`,
  );
  console.log(
    `  pan/zoom: draw median ${median(draws).toFixed(1)} ms, p95 ${percentile(draws, 95).toFixed(1)} ms; ` +
      `frame interval median ${median(frames).toFixed(1)} ms, p95 ${percentile(frames, 95).toFixed(1)} ms (budget ≤ 16 ms median)`,
  );
} finally {
  await browser.close();
  await server.dispose();
  await rm(dataDir, { recursive: true, force: true });
}
