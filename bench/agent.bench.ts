/**
 * The agent's cost, with RED and tail sampling on (the defaults).
 *
 * 1. Ingest: the fixed workload (512 spans per request, 11 attributes per span) posted over OTLP/HTTP
 *    protobuf as fast as the agent takes it: spans per CPU-second of the agent process. Target ≥ 150,000.
 * 2. Footprint at 10,000 spans/s + 1,000 log lines/s + host metrics (sampling on, default hold): agent CPU
 *    (target ≤ 10 % of a core) and RSS (≤ 150 MB); then idle (≤ 0.5 %, ≤ 70 MB).
 *
 * The next hop is a stand-in: a local HTTP server in this process that answers 200 to every batch, so the
 * figures are the agent's alone (the server has its own benchmark).
 *
 *   node bench/agent.bench.ts [--seconds 10] [--concurrency 8] [--footprint-seconds 30] [--idle-seconds 20]
 */
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { encodeTracesProto } from '../packages/shared/src/otlp/index.ts';
import { sampleValue, startAgentProcess } from '../tests/stack/support/agent-process.ts';
import { processCpuSeconds, processRssBytes } from './support/process-cpu.ts';
import { generateTraces } from './workload.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    'footprint-seconds': { type: 'string', default: '30' },
    'idle-seconds': { type: 'string', default: '20' },
  },
});
const spansPerRequest = 512;
const began = Date.now();
const time = () => `[${((Date.now() - began) / 1000).toFixed(0)} s]`;

// Stand-in next hop: counts what arrives and answers like a server that stored it.
let received = 0;
const sink = createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    received++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

const dir = await mkdtemp(join(tmpdir(), 'apo-agent-bench-'));
const logFile = join(dir, 'app.log');
await writeFile(logFile, '');
const config = join(dir, 'agent.yaml');
await writeFile(
  config,
  `sampling:\n  shareDecisions: false\nlogs:\n  sources:\n    - include: ["${logFile}"]\n      service: bench-app\n      startAt: beginning\n`,
);
// A fresh agent per phase: the burst of phase 1 must not leave its heap to the footprint figures.
// Measured as shipped: the bundle (see apps/agent/rolldown.config.mjs), built here first.
const agentDir = fileURLToPath(new URL('../apps/agent/', import.meta.url));
const built = spawnSync(join(agentDir, 'node_modules/.bin/rolldown'), ['-c', 'rolldown.config.mjs'], {
  cwd: agentDir,
  encoding: 'utf8',
});
if (built.status !== 0) throw new Error(`building the agent bundle failed:\n${built.stderr}`);
const startAgent = (name: string) =>
  startAgentProcess({
    entry: join(agentDir, 'dist/apo-agent.mjs'),
    exportUrl: sinkUrl,
    dataDir: join(dir, name),
    env: {
      APO_AGENT_CONFIG: config,
      ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
      ...(process.env.APO_BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.APO_BENCH_NODE_OPTIONS } : {}),
    },
  });
let agent = await startAgent('ingest');
let pid = agent.child.pid!;

const bodies = Array.from(
  { length: 16 },
  (_, i) =>
    new Uint8Array(
      encodeTracesProto(generateTraces({ spansPerRequest, attributesPerSpan: 11, seed: i + 1 })),
    ),
);
async function post(body: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const res = await fetch(`${agent.otlpHttpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
  await res.arrayBuffer();
  return res.ok;
}

// 1. Ingest throughput.
{
  const seconds = Number(args.seconds);
  let spans = 0;
  let i = 0;
  const cpu0 = processCpuSeconds(pid);
  const t0 = performance.now();
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: Number(args.concurrency) }, async () => {
      while (Date.now() < end) if (await post(bodies[i++ % bodies.length]!)) spans += spansPerRequest;
    }),
  );
  const cpu = processCpuSeconds(pid) - cpu0;
  const wall = (performance.now() - t0) / 1000;
  console.log('Agent ingest, OTLP/HTTP protobuf, RED + tail sampling on');
  console.log(
    `  workload: ${spansPerRequest} spans/request, 11 attributes/span, concurrency ${args.concurrency}, ${seconds} s`,
  );
  console.log(`  spans per agent CPU-second: ${Math.round(spans / cpu)}  (target ≥ 150,000)`);
  console.log(`  spans per wall second:      ${Math.round(spans / wall)}`);
  console.log(
    `  agent RSS after (held bytes bounded at 96 MiB): ${(processRssBytes(pid) / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(`  ${time()} phase 1 done`);
}

await agent.dispose();
agent = await startAgent('footprint');
pid = agent.child.pid!;

// 2. Footprint at a steady 10,000 spans/s (20 requests of 512 per second ≈ 10,240) + 1,000 log lines/s.
{
  const seconds = Number(args['footprint-seconds']);
  const line = (n: number) =>
    `${new Date().toISOString()} INFO request handled trace_id=${n.toString(16).padStart(32, '0')} path=/items/${n} status=200 took=12ms\n`;
  let n = 0;
  const traffic = setInterval(() => {
    for (let k = 0; k < 2; k++) void post(bodies[n++ % bodies.length]!).catch(() => undefined);
    void appendFile(logFile, Array.from({ length: 100 }, (_, k) => line(n * 100 + k)).join(''));
  }, 100);
  await new Promise((r) => setTimeout(r, 5000)); // warm-up
  const cpu0 = processCpuSeconds(pid);
  let rssMax = 0;
  const rssTimer = setInterval(() => (rssMax = Math.max(rssMax, processRssBytes(pid))), 1000);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  clearInterval(traffic);
  clearInterval(rssTimer);
  const share = (processCpuSeconds(pid) - cpu0) / seconds;
  console.log('Agent footprint at 10,240 spans/s + 1,000 log lines/s + host metrics (sampling on)');
  console.log(`  CPU: ${(share * 100).toFixed(1)} % of a core  (target ≤ 10 %)`);
  console.log(`  RSS max: ${(rssMax / 2 ** 20).toFixed(0)} MiB  (target ≤ 150 MiB)`);
  const m = await agent.metrics();
  const mem = (kind: string) => sampleValue(m, `apo_agent_memory_bytes{kind="${kind}"}`) / 2 ** 20;
  console.log(
    `  memory now: heap used ${mem('heap_used').toFixed(0)} MiB of ${mem('heap_total').toFixed(0)}, array buffers ${mem('array_buffers').toFixed(0)} MiB, held requests ${(sampleValue(m, 'apo_agent_sampler_held_bytes') / 2 ** 20).toFixed(0)} MiB`,
  );
}

// 3. Idle.
{
  await new Promise((r) => setTimeout(r, 20_000)); // held traces leave, timers settle
  const seconds = Number(args['idle-seconds']);
  const cpu0 = processCpuSeconds(pid);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const share = (processCpuSeconds(pid) - cpu0) / seconds;
  console.log('Agent idle (host metrics every 15 s)');
  console.log(`  CPU: ${(share * 100).toFixed(2)} % of a core  (target ≤ 0.5 %)`);
  console.log(`  RSS: ${(processRssBytes(pid) / 2 ** 20).toFixed(0)} MiB  (target ≤ 70 MiB)`);
  console.log(`  batches the stand-in next hop received: ${received}`);
}

await agent.dispose();
sink.close();
await rm(dir, { recursive: true, force: true });
