/**
 * Server ingest over OTLP/HTTP protobuf into embedded chDB.
 * Workload: fixed, generated (512 spans per request, 11 attributes per span, seeded).
 * Figures: spans stored per CPU-second of the whole server process (all threads, the engine's included),
 * wall-clock throughput, and the event loop's worst delay during the run. Target ≥ 100,000 spans/CPU-s.
 *
 *   node bench/ingest.bench.ts [--seconds 10] [--rounds 3] [--concurrency 32] [--rate SPANS_PER_S] [--gzip] [--flush-ms N] [--threads] [--batch-ids]
 *
 * By default `concurrency` senders each send their next request as soon as the last is answered: the server
 * runs flat out, sharing the two cores with the load generator. --rate sends requests at a fixed rate instead
 * (as independent agents do, at most `concurrency` in flight): the event loop's delay at a load the machine
 * can carry, rather than at saturation.
 *
 * --threads also prints where the server's CPU went, by thread name (the Node main thread, V8/libuv helpers,
 * the engine's pools), summed over the measured rounds.
 *
 * --batch-ids sends a unique X-APO-Batch-Id with every request, as agents and proxies do: the server then also
 * checks its ledger, hashes the decompressed body (SHA-256, bound to the id) and writes a ledger row per request.
 *
 * APO_BENCH_NODE_OPTIONS is passed to the server as NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { encodeTracesProto } from '../packages/shared/src/otlp/index.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { generateTraces } from './workload.ts';
import {
  median,
  processCpuSeconds,
  processRssBytes,
  threadCpuSeconds,
  threadCpuSince,
} from './support/process-cpu.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32' },
    gzip: { type: 'boolean', default: false },
    threads: { type: 'boolean', default: false },
    'flush-ms': { type: 'string' },
    rate: { type: 'string' },
    'batch-ids': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);
const rate = args.rate === undefined ? undefined : Number(args.rate);
if (rate !== undefined && !(rate > 0)) {
  console.error(`--rate must be a positive number of spans per second, got "${args.rate}"`);
  process.exit(2);
}

const spansPerRequest = 512;
// Spans of today: the workload's default start (June 2025) lies beyond the 7-day retention, and the engine then
// drops whole expired parts instead of merging them — merges are ~3/4 of the engine's cost per span on data
// that is kept (bench/README.md), so old timestamps overstated spans per CPU-second by about a third.
const startNs = BigInt(Date.now()) * 1_000_000n;
const bodies = Array.from({ length: 32 }, (_, i) => {
  const raw = encodeTracesProto(
    generateTraces({ spansPerRequest, attributesPerSpan: 11, seed: i + 1, startNs }),
  );
  return args.gzip ? gzipSync(raw, { level: 1 }) : Buffer.from(raw);
});
const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' };
if (args.gzip) headers['content-encoding'] = 'gzip';

const server = await startServerProcess({
  env: {
    APO_LOG_LEVEL: 'error',
    ...(process.env.APO_BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.APO_BENCH_NODE_OPTIONS } : {}),
    ...(args['flush-ms'] ? { APO_FLUSH_INTERVAL_MS: args['flush-ms'] } : {}),
  },
});
const pid = server.child.pid!;

/**
 * The main thread's time on a core and waiting for one (ns, from schedstat). On this 2-core machine the engine's
 * threads and the load generator compete with it, so part of any event-loop delay is time spent runnable but
 * not running: the bench prints that share next to the worst delay.
 */
function mainThreadSchedNs(pid: number): { running: number; waiting: number } {
  const [running = 0, waiting = 0] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8')
    .split(' ')
    .map(Number);
  return { running, waiting };
}

async function scrape(): Promise<{ stored: number; loopMaxMs: number }> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const stored = /^apo_storage_stored_rows_total\{table="spans"\} (\d+)$/m.exec(text);
  const loopMax = /^apo_server_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text);
  return { stored: Number(stored?.[1] ?? 0), loopMaxMs: Number(loopMax?.[1] ?? NaN) * 1000 };
}

let sent = 0;
const runId = Date.now().toString(36);

async function send(i: number): Promise<boolean> {
  const res = await fetch(`${server.httpUrl}/v1/traces`, {
    method: 'POST',
    headers: args['batch-ids'] ? { ...headers, 'x-apo-batch-id': `bench-${runId}-${++sent}` } : headers,
    body: bodies[i % bodies.length],
  });
  await res.arrayBuffer();
  if (res.status === 429) return false;
  if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
  return true;
}

/** Open loop: one request every 512 / rate seconds whatever the answers, at most `concurrency` in flight. */
async function loadAtRate(durationMs: number, spansPerSecond: number): Promise<number> {
  const intervalMs = (1000 * spansPerRequest) / spansPerSecond;
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  let requests = 0;
  for (let i = 0; performance.now() - start < durationMs; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
    const p: Promise<void> = send(i).then((ok) => {
      if (ok) requests++;
      inFlight.delete(p);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
  return requests;
}

async function load(durationMs: number): Promise<number> {
  if (rate !== undefined) return loadAtRate(durationMs, rate);
  const end = Date.now() + durationMs;
  let requests = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < end; i += concurrency) {
        if (await send(i)) requests++;
        else await new Promise((r) => setTimeout(r, 50)); // 429: back off as an exporter would
      }
    }),
  );
  return requests;
}

try {
  await load(2000); // warm-up: JIT, engine caches, first parts
  const perCpu: number[] = [];
  const perWall: number[] = [];
  const loopMax: number[] = [];
  const waitShare: number[] = [];
  let storedSpans = 0;
  const threads0 = args.threads ? threadCpuSeconds(pid) : undefined;
  for (let r = 0; r < rounds; r++) {
    const before = await scrape();
    const cpu0 = processCpuSeconds(pid);
    const sched0 = mainThreadSchedNs(pid);
    const t0 = performance.now();
    await load(seconds * 1000);
    const wall = (performance.now() - t0) / 1000;
    const after = await scrape();
    const cpu = processCpuSeconds(pid) - cpu0;
    const sched1 = mainThreadSchedNs(pid);
    const waited = sched1.waiting - sched0.waiting;
    waitShare.push(waited / (waited + sched1.running - sched0.running));
    const spans = after.stored - before.stored;
    storedSpans += spans;
    perCpu.push(spans / cpu);
    perWall.push(spans / wall);
    loopMax.push(after.loopMaxMs);
    console.log(
      `round ${r + 1}: ${spans} spans in ${wall.toFixed(1)} s wall, ${cpu.toFixed(2)} CPU-s → ` +
        `${Math.round(spans / cpu)} spans/CPU-s, ${Math.round(spans / wall)} spans/s, event loop max ${after.loopMaxMs.toFixed(1)} ms, ` +
        `main thread runnable but waiting for a core ${(100 * waitShare.at(-1)!).toFixed(0)} % of its busy time`,
    );
  }
  console.log('\nServer ingest, OTLP/HTTP protobuf' + (args.gzip ? ' + gzip' : '') + ' → embedded chDB');
  console.log(
    `  workload: ${spansPerRequest} spans/request, 11 attributes/span, ` +
      (rate === undefined
        ? `concurrency ${concurrency} (closed loop)`
        : `${rate} spans/s offered (open loop, at most ${concurrency} in flight)`) +
      `, ${rounds} × ${seconds} s`,
  );
  console.log(
    `  median spans per server CPU-second: ${Math.round(median(perCpu))}  (target ≥ 100,000; stretch 200,000)`,
  );
  console.log(`  median spans per wall second:       ${Math.round(median(perWall))}`);
  console.log(
    `  event loop worst delay (max of rounds): ${Math.max(...loopMax).toFixed(1)} ms  (target < 50 ms)`,
  );
  console.log(
    `  main thread waiting for a core (median share of its busy time): ${(100 * median(waitShare)).toFixed(0)} %  ` +
      '(the engine and the load generator share 2 cores with it)',
  );
  if (threads0 !== undefined) {
    const used = threadCpuSince(threads0, threadCpuSeconds(pid));
    const total = used.reduce((a, [, s]) => a + s, 0);
    console.log('  server CPU by thread (name: CPU-s, share, µs per stored span):');
    for (const [name, s] of used.filter(([, s]) => s >= 0.05)) {
      const share = ((100 * s) / total).toFixed(1).padStart(5);
      const perSpan = ((1e6 * s) / storedSpans).toFixed(2).padStart(6);
      console.log(`    ${name.padEnd(18)} ${s.toFixed(2).padStart(6)}  ${share} %  ${perSpan} µs`);
    }
  }
  console.log(`  server RSS at end: ${(processRssBytes(pid) / 1048576).toFixed(0)} MiB`);
} finally {
  await server.dispose();
}
