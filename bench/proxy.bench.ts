/**
 * The proxy's relay path: the standard workload over OTLP/HTTP protobuf into a real apo-proxy, forwarded to
 * a real apo-server (embedded chDB). Workload: fixed, generated (512 spans per request, 11 attributes per
 * span, seeded), gzip level 1 as the agent sends it (`--identity`: uncompressed, so the proxy gzips).
 * Figures, medians of the rounds:
 *   - spans per CPU-second of the proxy process (all threads; target ≥ 300,000). A round is the load plus
 *     the drain of the proxy's queue, so the CPU of forwarding every accepted span is counted;
 *   - wire bytes per span proxy → server: request body bytes the server received per span (target ≤ 70).
 *
 *   node bench/proxy.bench.ts [--seconds 8] [--rounds 3] [--concurrency 8] [--export-concurrency N] [--identity] [--threads]
 *
 * --export-concurrency sets the proxy's `export.concurrency` (requests in flight to the server; default: the
 * proxy's own default), which bounds the server's group-commit flushes and so the wall throughput.
 *
 * --threads also prints where the proxy's CPU went, by thread name (main, libuv pool, V8 helpers).
 *
 * APO_BENCH_NODE_OPTIONS is passed to the proxy as NODE_OPTIONS.
 *
 * The load generator, the proxy and the server share this machine's cores, so wall throughput is a floor
 * set mostly by the server; the per-CPU-second figure counts only the proxy.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { encodeTracesProto } from '../packages/shared/src/otlp/index.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { startProxyProcess } from '../tests/stack/support/proxy-process.ts';
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
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    identity: { type: 'boolean', default: false },
    'export-concurrency': { type: 'string' },
    threads: { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const concurrency = Number(args.concurrency);

const spansPerRequest = 512;
const startNs = BigInt(Date.now()) * 1_000_000n;
const bodies = Array.from({ length: 32 }, (_, i) => {
  const raw = encodeTracesProto(
    generateTraces({ spansPerRequest, attributesPerSpan: 11, seed: i + 1, startNs }),
  );
  return args.identity ? Buffer.from(raw) : gzipSync(raw, { level: 1 });
});
const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' };
if (!args.identity) headers['content-encoding'] = 'gzip';

const server = await startServerProcess({ env: { APO_LOG_LEVEL: 'error' } });
const exportConcurrency = args['export-concurrency'];
let configArgs: string[] = [];
if (exportConcurrency !== undefined) {
  const file = join(mkdtempSync(join(tmpdir(), 'apo-proxy-bench-')), 'proxy.yaml');
  writeFileSync(file, `export:\n  concurrency: ${Number(exportConcurrency)}\n`);
  configArgs = ['--config', file];
}
const proxy = await startProxyProcess({
  args: configArgs,
  exportUrl: server.httpUrl,
  clusterId: 'bench',
  env: {
    APO_PROXY_LOG_LEVEL: 'error',
    // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the proxy's CPU goes.
    ...(process.env.APO_BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.APO_BENCH_NODE_OPTIONS } : {}),
  },
});
const pid = proxy.child.pid!;

function sample(text: string, series: string): number {
  for (const line of text.split('\n'))
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  return 0;
}

async function serverCounters(): Promise<{ bytes: number; spans: number }> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  return {
    bytes: sample(text, 'apo_ingest_received_bytes_total{signal="traces",transport="http"}'),
    spans: sample(text, 'apo_ingest_received_records_total{signal="traces",transport="http"}'),
  };
}

async function proxyCounters(): Promise<{ accepted: number; exported: number; queued: number }> {
  const text = await proxy.metrics();
  let accepted = 0;
  for (const line of text.split('\n'))
    if (line.startsWith('apo_proxy_received_items_total{') && line.includes('signal="traces"'))
      accepted += Number(line.slice(line.lastIndexOf(' ') + 1));
  return {
    accepted,
    exported: sample(text, 'apo_proxy_export_exported_items_total{signal="traces"}'),
    queued: sample(text, 'apo_proxy_export_queued_batches{signal="traces"}'),
  };
}

async function load(durationMs: number): Promise<number> {
  const end = Date.now() + durationMs;
  let requests = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; Date.now() < end; i += concurrency) {
        const res = await fetch(`${proxy.otlpHttpUrl}/v1/traces`, {
          method: 'POST',
          headers,
          body: bodies[i % bodies.length],
        });
        await res.arrayBuffer();
        if (res.status === 429 || res.status === 503) await new Promise((r) => setTimeout(r, 50));
        else if (res.status !== 200) throw new Error(`proxy answered ${res.status}`);
        else requests++;
      }
    }),
  );
  return requests;
}

async function drained(): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const c = await proxyCounters();
    if (c.queued === 0 && c.exported >= c.accepted) return;
    if (Date.now() > deadline) throw new Error(`the proxy did not drain: ${JSON.stringify(c)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

try {
  await load(2000); // warm-up: JIT, connections, the server's first parts
  await drained();
  const perCpu: number[] = [];
  const bytesPerSpan: number[] = [];
  const perWall: number[] = [];
  let forwarded = 0;
  const threads0 = args.threads ? threadCpuSeconds(pid) : undefined;
  for (let r = 0; r < rounds; r++) {
    const p0 = await proxyCounters();
    const s0 = await serverCounters();
    const cpu0 = processCpuSeconds(pid);
    const t0 = performance.now();
    await load(seconds * 1000);
    await drained();
    const wall = (performance.now() - t0) / 1000;
    const cpu = processCpuSeconds(pid) - cpu0;
    const p1 = await proxyCounters();
    const s1 = await serverCounters();
    const spans = p1.exported - p0.exported;
    forwarded += spans;
    perCpu.push(spans / cpu);
    perWall.push(spans / wall);
    bytesPerSpan.push((s1.bytes - s0.bytes) / (s1.spans - s0.spans));
    console.log(
      `round ${r + 1}: ${spans} spans forwarded in ${wall.toFixed(1)} s (load ${seconds} s + drain), proxy ${cpu.toFixed(2)} CPU-s → ` +
        `${Math.round(spans / cpu)} spans/CPU-s, ${bytesPerSpan.at(-1)!.toFixed(1)} wire B/span`,
    );
  }
  console.log(
    `\nProxy relay, OTLP/HTTP protobuf${args.identity ? ' (uncompressed in, gzipped by the proxy)' : ' + gzip L1'} → proxy → server`,
  );
  console.log(
    `  workload: ${spansPerRequest} spans/request, 11 attributes/span, concurrency ${concurrency}, ${rounds} × ${seconds} s`,
  );
  console.log(`  median spans per proxy CPU-second: ${Math.round(median(perCpu))}  (target ≥ 300,000)`);
  console.log(
    `  median wire bytes per span, proxy → server: ${median(bytesPerSpan).toFixed(1)}  (target ≤ 70)`,
  );
  console.log(`  median spans per wall second (server-bound): ${Math.round(median(perWall))}`);
  if (threads0 !== undefined) {
    const used = threadCpuSince(threads0, threadCpuSeconds(pid));
    console.log('  proxy CPU by thread (name: CPU-s, µs per forwarded span):');
    for (const [name, s] of used.filter(([, s]) => s >= 0.05))
      console.log(
        `    ${name.padEnd(18)} ${s.toFixed(2).padStart(6)}  ${((1e6 * s) / forwarded).toFixed(2).padStart(6)} µs`,
      );
  }
  const exportText = await proxy.metrics();
  console.log(
    `  exporter retries (server busy): ${sample(exportText, 'apo_proxy_export_retries_total{signal="traces"}')}, ` +
      `batches exported: ${sample(exportText, 'apo_proxy_export_exported_batches_total{signal="traces"}')}`,
  );
  console.log(`  proxy RSS at end: ${(processRssBytes(pid) / 1048576).toFixed(0)} MiB`);
} finally {
  await proxy.dispose();
  await server.dispose();
}
