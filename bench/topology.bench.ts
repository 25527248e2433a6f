/**
 * The dependency topology: `node bench/topology.bench.ts [--spans 10000000] [--services 200] [--calls 40]
 * [--dense 3000000]`.
 *
 * Data, written straight through the storage layer (as overview.bench.ts does):
 * - `--spans` spans over the last 24 h in the demo's shape, across `--services` services in four tiers
 *   (gateways → front services → back services → leaf services), each service calling 2–3 services of the
 *   next tier over HTTP (client span + the callee's server span, another service) and one database: ~15
 *   spans a trace;
 * - the 100 % client-call rollups of every edge, one row per minute per edge and instance, over 24 h + 1 day
 *   earlier (the comparison);
 * - the topology job run over the last 65 windows.
 *
 * Printed: the job's time and CPU per one-minute window at this rate (≈ 116 spans/s at 10 M / 24 h, above
 * the demo shop's ≈ 40), and on one extra minute of `--dense` spans (3 M ≈ 50k spans/s), each also for the
 * job's delay-source part alone (features/delay/delay-source-window.ts); then
 * `topology.neighbours` and `topology.map` for the last hour, in process (server time): p50 / p95.
 * Target: p95 ≤ 100 ms for 1 h.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HEALTH_THRESHOLDS } from '../packages/shared/src/console/index.ts';
import type { Span, TracesData } from '../packages/shared/src/model/index.ts';
import type { RedClientRollupRow } from '../packages/shared/src/red/index.ts';
import { neighbours, serviceMap } from '../apps/server/src/features/topology/topology-graph.ts';
import { computeDelayWindow } from '../apps/server/src/features/delay/delay-source-window.ts';
import { computeWindow } from '../apps/server/src/features/topology/topology-window.ts';
import {
  appendRedClientRows,
  appendSpanRows,
  openStorage,
  RowBinaryWriter,
} from '../apps/server/src/storage/index.ts';
import type { Storage } from '../apps/server/src/storage/index.ts';
import { attrs, Rng } from './workload/common.ts';
import { median, percentile } from './support/process-cpu.ts';

const { values: args } = parseArgs({
  options: {
    spans: { type: 'string', default: '10000000' },
    services: { type: 'string', default: '200' },
    calls: { type: 'string', default: '40' },
    dense: { type: 'string', default: '3000000' },
    keep: { type: 'boolean', default: false },
  },
});
const spanTarget = Number(args.spans);
const serviceCount = Number(args.services);
const calls = Number(args.calls);
const dense = Number(args.dense);
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (...a: unknown[]) => console.error(...a),
};
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MS = 1_000_000n;
const nowMs = Math.floor(Date.now() / MINUTE) * MINUTE;

// The graph: four tiers; each service calls 2–3 of the next tier and one database.
const name = (i: number) => `svc-${String(i).padStart(3, '0')}`;
const tierOf = (i: number) => Math.min(3, Math.floor((i / serviceCount) * 4));
const rng = new Rng(42);
const downstream: number[][] = Array.from({ length: serviceCount }, (_, i) => {
  const t = tierOf(i);
  if (t === 3) return [];
  const pool = Array.from({ length: serviceCount }, (_, j) => j).filter((j) => tierOf(j) === t + 1);
  const picks = new Set<number>();
  while (picks.size < 2 + rng.int(2)) picks.add(pool[rng.int(pool.length)] ?? 0);
  return [...picks];
});
const roots = Array.from({ length: serviceCount }, (_, i) => i).filter((i) => tierOf(i) === 0);
const dbOf = (i: number) => `db-${i % 40}`;

let spanNo = 0;
const id = (n: number, width: number) => n.toString(16).padStart(width, '0');
function mkSpan(
  trace: string,
  parent: string,
  kind: 2 | 3,
  nm: string,
  startNs: bigint,
  durMs: number,
  a: [string, string][],
): Span {
  return {
    traceId: trace,
    spanId: id(++spanNo, 16),
    traceState: '',
    parentSpanId: parent,
    flags: 1,
    name: nm,
    kind,
    startTimeUnixNano: startNs,
    endTimeUnixNano: startNs + BigInt(durMs) * MS,
    attributes: attrs(a),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  };
}

/** One trace from a root service down the tiers; spans grouped by service. */
function trace(startNs: bigint, out: Map<number, Span[]>): number {
  const traceId = id(spanNo + 1, 32);
  let count = 0;
  const visit = (svc: number, parent: string, at: bigint, depth: number) => {
    const list = out.get(svc) ?? [];
    out.set(svc, list);
    const server = mkSpan(traceId, parent, 2, 'GET /api/items', at, 40, [
      ['http.request.method', 'GET'],
      ['http.route', '/api/items'],
    ]);
    list.push(server);
    list.push(
      mkSpan(traceId, server.spanId, 3, 'SELECT', at + MS, 3, [
        ['db.system.name', 'postgresql'],
        ['db.namespace', dbOf(svc)],
        ['server.address', dbOf(svc)],
        ['db.query.text', 'SELECT * FROM items WHERE id = $1'],
      ]),
    );
    count += 2;
    const next = downstream[svc] ?? [];
    if (depth >= 3 || next.length === 0) return;
    for (const callee of next.slice(0, 2)) {
      const client = mkSpan(traceId, server.spanId, 3, 'GET', at + 2n * MS, 20, [
        ['http.request.method', 'GET'],
        ['server.address', name(callee)],
        ['server.port', '8080'],
      ]);
      list.push(client);
      count++;
      visit(callee, client.spanId, at + 3n * MS, depth + 1);
    }
  };
  visit(roots[rng.int(roots.length)] ?? 0, '', startNs, 0);
  return count;
}

function tracesData(bySvc: Map<number, Span[]>): TracesData {
  return {
    resourceSpans: [...bySvc].map(([svc, spans]) => ({
      resource: {
        attributes: attrs([
          ['service.name', name(svc)],
          ['service.instance.id', `${name(svc)}-1`],
        ]),
        droppedAttributesCount: 0,
      },
      schemaUrl: '',
      scopeSpans: [
        {
          scope: { name: 'bench', version: '', attributes: attrs([]), droppedAttributesCount: 0 },
          schemaUrl: '',
          spans,
        },
      ],
    })),
  };
}

/** `total` spans spread evenly over [fromMs, toMs). */
async function loadSpans(storage: Storage, total: number, fromMs: number, toMs: number): Promise<number> {
  const w = new RowBinaryWriter(64 * 1024 * 1024);
  let stored = 0;
  while (stored < total) {
    const bySvc = new Map<number, Span[]>();
    let batch = 0;
    while (batch < 100_000 && stored + batch < total) {
      const at = fromMs + ((toMs - fromMs) * (stored + batch)) / total;
      batch += trace(BigInt(Math.floor(at)) * MS, bySvc);
    }
    w.reset();
    const rows = appendSpanRows(w, tracesData(bySvc), { cluster: 'default', flushId: 1n });
    await storage.insertRowBinary(storage.tables.spans, w.bytes(), rows);
    stored += rows;
  }
  return stored;
}

async function loadRollups(storage: Storage): Promise<number> {
  let rows = 0;
  const buckets = (n: number) => [0, 0, 0, 0, n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  for (const shift of [0, DAY]) {
    for (let m = nowMs - DAY - shift; m < nowMs - shift; m += HOUR) {
      const batch: RedClientRollupRow[] = [];
      for (let minute = m; minute < m + HOUR; minute += MINUTE) {
        for (let svc = 0; svc < serviceCount; svc++) {
          const base = {
            cluster: 'default',
            minuteMs: minute,
            service: name(svc),
            instance: `${name(svc)}-1`,
            kind: 'client',
            error: false,
            system: '',
            dbNamespace: '',
            operation: '',
            target: '',
            role: '',
          };
          batch.push({
            ...base,
            callType: 'db',
            peer: dbOf(svc),
            system: 'postgresql',
            dbNamespace: dbOf(svc),
            operation: 'SELECT',
            target: 'items',
            count: 60,
            errorCount: 0,
            durationSumMs: 180,
            bucketCounts: buckets(60),
          });
          for (const callee of downstream[svc] ?? [])
            batch.push({
              ...base,
              callType: 'http',
              peer: `${name(callee)}:8080`,
              system: 'http',
              operation: 'GET',
              count: 30,
              errorCount: 0,
              durationSumMs: 600,
              bucketCounts: buckets(30),
            });
        }
      }
      const w = new RowBinaryWriter();
      const n = appendRedClientRows(w, batch, 1n);
      await storage.insertRowBinary(storage.tables.red_client_1m, w.bytes(), n);
      rows += n;
    }
  }
  return rows;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Times `compute` on each window; it returns the rows it wrote. */
async function timeWindows(
  windows: number[],
  compute: (windowMs: number) => Promise<number>,
): Promise<{ wall: number[]; cpu: number[]; rows: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let rows = 0;
  for (const w of windows) {
    const t0 = performance.now();
    const c0 = cpuMs();
    rows += await compute(w);
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  return { wall, cpu, rows };
}

/** The whole job's window (edges and delay-source sums), and the delay-source part alone. */
const jobWindow = (storage: Storage) => async (w: number) => (await computeWindow(storage, w)).edgeRows;
const delayWindow = (storage: Storage) => (w: number) => computeDelayWindow(storage, w);
const timing = (t: { wall: number[]; cpu: number[] }) =>
  `per window wall p50 ${median(t.wall).toFixed(0)} ms, p95 ${percentile(t.wall, 95).toFixed(0)} ms; ` +
  `CPU p50 ${median(t.cpu).toFixed(0)} ms, p95 ${percentile(t.cpu, 95).toFixed(0)} ms per minute of data`;

const dataDir = await mkdtemp(join(tmpdir(), 'apo-topology-bench-'));
try {
  const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
  try {
    let t0 = performance.now();
    const spans = await loadSpans(storage, spanTarget, nowMs - DAY, nowMs);
    console.log(
      `spans: ${spans.toLocaleString('en')} over 24 h (${serviceCount} services) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
    t0 = performance.now();
    const rollups = await loadRollups(storage);
    console.log(
      `rollups: ${rollups.toLocaleString('en')} rows of red_client_1m in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );

    const windows = Array.from({ length: 65 }, (_, i) => nowMs - (65 - i) * MINUTE);
    const rate = spans / 86_400;
    // The delay source's part first, alone (its rows are written again by the whole job just after).
    const delay = await timeWindows(windows, delayWindow(storage));
    console.log(
      `job's delay-source part at ${rate.toFixed(0)} spans/s: ${timing(delay)} (${delay.rows} rows over ${windows.length} windows)`,
    );
    const job = await timeWindows(windows, jobWindow(storage));
    console.log(
      `job at ${rate.toFixed(0)} spans/s: ${timing(job)} (${job.rows} edge rows over ${windows.length} windows)`,
    );

    const range = {
      from: nowMs - HOUR,
      to: nowMs,
      compareWith: 'day' as const,
      thresholds: DEFAULT_HEALTH_THRESHOLDS,
    };
    for (const [label, call] of [
      [
        'topology.neighbours',
        (i: number) => neighbours(storage, { ...range, service: name(roots.length + (i % 40)) }),
      ],
      ['topology.map', () => serviceMap(storage, range)],
    ] as const) {
      for (let i = 0; i < 5; i++) await call(i);
      const times: number[] = [];
      let size = 0;
      for (let i = 0; i < calls; i++) {
        const t = performance.now();
        const answer = await call(i);
        times.push(performance.now() - t);
        size = JSON.stringify(answer).length;
      }
      console.log(
        `${label} 1 h: p50 ${median(times).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms over ${calls} calls (~${(size / 1024).toFixed(0)} KiB; target p95 ≤ 100 ms)`,
      );
    }

    if (dense > 0) {
      // One minute at ≈ 50k spans/s, two days ahead so it is alone in its window.
      const minute = nowMs + 2 * DAY;
      console.log(`dense minute at ${minute}`);
      t0 = performance.now();
      const denseSpans = await loadSpans(storage, dense, minute, minute + MINUTE);
      console.log(
        `dense minute: ${denseSpans.toLocaleString('en')} spans loaded in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
      );
      const twice = (t: { wall: number[]; cpu: number[] }) =>
        `wall ${t.wall.map((x) => x.toFixed(0)).join(' / ')} ms, CPU ${t.cpu.map((x) => x.toFixed(0)).join(' / ')} ms per minute of data (computed twice)`;
      const dd = await timeWindows([minute, minute], delayWindow(storage));
      console.log(`job's delay-source part at ${(denseSpans / 60).toFixed(0)} spans/s: ${twice(dd)}`);
      const d = await timeWindows([minute, minute], jobWindow(storage));
      console.log(`job at ${(denseSpans / 60).toFixed(0)} spans/s: ${twice(d)}`);
    }
  } finally {
    await storage.close();
  }
} finally {
  if (args.keep) console.log(`data kept in ${dataDir}`);
  else await rm(dataDir, { recursive: true, force: true });
}
