/**
 * Export pipeline benchmark: `node bench/disk-queue.bench.ts` (options: --batches=4000 --requests=3000 --runs=5).
 *
 * 1. gzip levels 1–6 on the standard workload (512 spans / 512 log records per request, encoded with our
 *    protobuf encoder): compressed size and CPU per MB of input — picks the default of `gzipBody`.
 * 2. DiskQueue: append throughput (8 concurrent producers, group commit) under each fsync policy, take + ack
 *    throughput, recovery (open) speed, and the heap before and after queueing ~100 MB (it must stay flat).
 * 3. HTTP client: node:http with a keep-alive agent against undici's global `fetch`, same bodies, same
 *    concurrency, against a server in another process — CPU of the sending process per request.
 * 4. End to end: DiskQueue → BatchExporter → that server: batches per second and sender CPU per batch.
 *
 * Figures are medians of several runs where a run is short; CPU is process.cpuUsage (user + system, all
 * threads of this process — zlib's thread-pool work included).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { encodeLogsProto, encodeTracesProto } from '../packages/shared/src/otlp/index.ts';
import {
  BatchExporter,
  DiskQueue,
  gzipBody,
  newBatchId,
  type OutboundBatch,
} from '../packages/otlp-transport/src/index.ts';
import { median } from './support/process-cpu.ts';
import { generateLogs, generateTraces } from './workload.ts';

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.slice(name.length + 3));
}
const BATCHES = option('batches', 4000);
const REQUESTS = option('requests', 3000);
const RUNS = option('runs', 5);
// pino is a dependency of the pipeline package, not of the workspace root: a no-op logger of the same type.
type Log = Parameters<typeof DiskQueue.open>[0]['log'];
const noop = (): void => undefined;
const log = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop } as unknown as Log;
const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

// A full collection before each heap reading, without asking for --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

console.log(`Export pipeline benchmark — Node ${process.version}, ${process.arch}`);

// --- 1. gzip levels ---
const traceBody = encodeTracesProto(generateTraces({ spansPerRequest: 512 }));
const logBody = encodeLogsProto(generateLogs({ recordsPerRequest: 512 }));
console.log(
  `\n1. gzip on the standard workload: traces ${fmt(traceBody.length)} B, logs ${fmt(logBody.length)} B per request`,
);
console.log('level  traces ratio  logs ratio  CPU ms per MB in  MB/CPU-s');
for (let level = 1; level <= 6; level++) {
  const ratios = [traceBody, logBody].map((b) => b.length / gzipSync(b, { level }).length);
  const perRun: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = process.cpuUsage();
    let bytes = 0;
    while (bytes < 40 << 20) {
      gzipSync(traceBody, { level });
      gzipSync(logBody, { level });
      bytes += traceBody.length + logBody.length;
    }
    perRun.push((cpuSeconds(start) * 1000) / (bytes / (1 << 20)));
  }
  const msPerMb = median(perRun);
  console.log(
    `${String(level).padStart(5)}  ${fmt(ratios[0]!, 2).padStart(12)}  ${fmt(ratios[1]!, 2).padStart(10)}  ${fmt(msPerMb, 2).padStart(16)}  ${fmt(1000 / msPerMb).padStart(8)}`,
  );
}

// The body every later section queues and sends: one traces request, gzipped at the default level.
const body = await gzipBody(traceBody);
const makeBatch = (): OutboundBatch => ({
  signal: 'traces',
  batchId: newBatchId(),
  contentType: 'application/x-protobuf',
  contentEncoding: 'gzip',
  body,
  items: 512,
});

// --- 2. DiskQueue ---
console.log(`\n2. DiskQueue, ${fmt(BATCHES)} batches of ${fmt(body.length)} B (8 concurrent producers)`);
console.log('fsync      append batches/s  append MB/s  append CPU µs/batch  take+ack batches/s  open MB/s');
for (const fsync of ['never', 'interval', 'always'] as const) {
  const dir = await mkdtemp(join(tmpdir(), 'apo-bench-queue-'));
  try {
    const queue = await DiskQueue.open({ dir, maxBytes: 4 * 2 ** 30, fsync, log });
    let next = 0;
    const producer = async (): Promise<void> => {
      while (next++ < BATCHES) await queue.append(makeBatch());
    };
    const cpu = process.cpuUsage();
    let start = performance.now();
    await Promise.all(Array.from({ length: 8 }, producer));
    const appendSeconds = (performance.now() - start) / 1000;
    const appendCpu = cpuSeconds(cpu);
    await queue.close();

    start = performance.now();
    const reopened = await DiskQueue.open({ dir, maxBytes: 4 * 2 ** 30, fsync, log });
    const openSeconds = (performance.now() - start) / 1000;
    start = performance.now();
    const consumer = async (): Promise<void> => {
      for (;;) {
        const controller = new AbortController();
        setImmediate(() => {
          controller.abort();
        });
        const record = await reopened.take(controller.signal);
        if (record === null) return;
        await reopened.ack(record);
      }
    };
    await Promise.all(Array.from({ length: 4 }, consumer));
    const drainSeconds = (performance.now() - start) / 1000;
    await reopened.close();
    const mb = (BATCHES * body.length) / (1 << 20);
    console.log(
      `${fsync.padEnd(9)}  ${fmt(BATCHES / appendSeconds).padStart(16)}  ${fmt(mb / appendSeconds, 1).padStart(11)}  ${fmt((appendCpu / BATCHES) * 1e6, 1).padStart(19)}  ${fmt(BATCHES / drainSeconds).padStart(18)}  ${fmt(mb / openSeconds).padStart(9)}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

{
  const dir = await mkdtemp(join(tmpdir(), 'apo-bench-queue-'));
  try {
    const queue = await DiskQueue.open({ dir, maxBytes: 4 * 2 ** 30, fsync: 'never', log });
    const small = new Uint8Array(4096).fill(7);
    const count = 25_000;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let n = 0; n < count; n += 1000) {
      await Promise.all(
        Array.from({ length: 1000 }, () => queue.append({ ...makeBatch(), body: small, items: 1 })),
      );
    }
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(
      `memory: ${fmt(count)} batches (${fmt((count * 4096) / (1 << 20))} MB) queued → heap ${fmt(heapBefore / (1 << 20), 1)} MB → ${fmt(heapAfter / (1 << 20), 1)} MB` +
        `; index entries ${queue.indexEntries()}`,
    );
    await queue.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// --- 3. HTTP client: node:http vs fetch ---
const serverCode = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': 0 }); res.end(); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;
const server = spawn(process.execPath, ['-e', serverCode], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => {
  server.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
});
const url = `http://127.0.0.1:${port}/v1/traces`;
const headers = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'gzip',
  'x-apo-batch-id': newBatchId(),
};
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const viaNodeHttp = (): Promise<void> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'content-length': String(body.length) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) resolve();
          else reject(new Error(`status ${res.statusCode}`));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
const fetchBody = new Uint8Array(body); // fetch's types want an ArrayBuffer-backed view
const viaFetch = async (): Promise<void> => {
  const res = await fetch(url, { method: 'POST', headers, body: fetchBody });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
};
async function measureClient(send: () => Promise<void>): Promise<{ perSecond: number; cpuUs: number }> {
  const rates: number[] = [];
  const cpus: number[] = [];
  for (let run = 0; run < RUNS + 1; run++) {
    let left = REQUESTS;
    const cpu = process.cpuUsage();
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (left-- > 0) await send();
      }),
    );
    if (run === 0) continue; // warm-up: connections, JIT
    rates.push(REQUESTS / ((performance.now() - start) / 1000));
    cpus.push((cpuSeconds(cpu) / REQUESTS) * 1e6);
  }
  return { perSecond: median(rates), cpuUs: median(cpus) };
}
console.log(
  `\n3. HTTP client, ${fmt(REQUESTS)} POSTs of ${fmt(body.length)} B, 4 concurrent, server in another process`,
);
console.log('client                     requests/s  sender CPU µs/request');
for (const [label, send] of [
  ['node:http keep-alive', viaNodeHttp],
  ['fetch (undici)', viaFetch],
] as const) {
  const figure = await measureClient(send);
  console.log(
    `${label.padEnd(25)}  ${fmt(figure.perSecond).padStart(10)}  ${fmt(figure.cpuUs, 1).padStart(21)}`,
  );
}
agent.destroy();

// --- 4. End to end: queue → exporter → server ---
{
  const dir = await mkdtemp(join(tmpdir(), 'apo-bench-export-'));
  try {
    const queue = await DiskQueue.open({ dir, maxBytes: 4 * 2 ** 30, log });
    for (let n = 0; n < BATCHES; n += 500) {
      await Promise.all(Array.from({ length: Math.min(500, BATCHES - n) }, () => queue.append(makeBatch())));
    }
    const exporter = new BatchExporter({ queue, baseUrl: `http://127.0.0.1:${port}`, log });
    const cpu = process.cpuUsage();
    const start = performance.now();
    exporter.start();
    while (exporter.stats().signals.traces.exportedBatches < BATCHES) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - start) / 1000;
    const cpuUs = (cpuSeconds(cpu) / BATCHES) * 1e6;
    await exporter.close();
    await queue.close();
    console.log(
      `\n4. End to end (disk queue → BatchExporter, concurrency 4 → server): ${fmt(BATCHES / seconds)} batches/s ` +
        `(${fmt((BATCHES * 512) / seconds)} spans/s), sender CPU ${fmt(cpuUs, 1)} µs per batch (read + send + ack)`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
server.kill();
