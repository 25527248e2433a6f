/**
 * Host collection: CPU per collection cycle of the agent's host collector, side by side with Debian's
 * node_exporter serving one scrape of the same host with its default collectors. Target: ratio ≤ 1.
 *
 *   node bench/host-collector.bench.ts [--cycles 30] [--runs 9]
 *
 * Ours: process.cpuUsage (user + system, every thread of this process, libuv's pool included) around
 * `cycles` sequential collect() calls, per cycle, median of `runs`; also with encodeMetricsProto of the
 * result. node_exporter: utime + stime of its process from /proc/<pid>/stat around `cycles` sequential
 * scrapes (text format, no compression, body read to the end), per scrape, median of `runs`. It runs as a
 * plain child on a free loopback port (never as a service); without the binary
 * (apt-get install prometheus-node-exporter) only our figures are printed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { parseArgs } from 'node:util';
import { type Metric } from '../packages/shared/src/model/index.ts';
import { encodeMetricsProto } from '../packages/shared/src/otlp/index.ts';
import { createHostCollector, HOST_METRICS_SCOPE } from '../apps/agent/src/collectors/host/index.ts';
import { median, processCpuSeconds } from './support/process-cpu.ts';
import { freePort } from '../packages/otlp-transport/src/testing/free-port.ts';

const { values: args } = parseArgs({
  options: { cycles: { type: 'string', default: '30' }, runs: { type: 'string', default: '9' } },
});
const cycles = Number(args.cycles);
const runs = Number(args.runs);
const BINARY = '/usr/bin/prometheus-node-exporter';

function points(metrics: readonly Metric[]): number {
  let n = 0;
  for (const m of metrics) if ('points' in m.data) n += m.data.points.length;
  return n;
}

// --- Ours. ---
const collector = createHostCollector();
const collectorWithoutTcpStates = createHostCollector({ tcpConnectionStates: false });
let lastMetrics: Metric[] = [];
for (let i = 0; i < 10; i++) lastMetrics = await collector.collect(); // warm-up (JIT, caches)
for (let i = 0; i < 10; i++) await collectorWithoutTcpStates.collect();

async function measureOurs(encode: boolean, which = collector): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let run = 0; run < runs; run++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < cycles; i++) {
      lastMetrics = await which.collect();
      if (encode) {
        encodeMetricsProto({
          resourceMetrics: [
            {
              resource: {
                attributes: Object.create(null) as Record<string, never>,
                droppedAttributesCount: 0,
              },
              scopeMetrics: [{ scope: HOST_METRICS_SCOPE, metrics: lastMetrics, schemaUrl: '' }],
              schemaUrl: '',
            },
          ],
        });
      }
    }
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000 / cycles);
    wall.push((performance.now() - start) / cycles);
  }
  return { cpuMs: median(cpu), wallMs: median(wall) };
}

const withoutTcpStates = await measureOurs(false, collectorWithoutTcpStates);
const pointsWithoutTcpStates = points(lastMetrics);
const collectOnly = await measureOurs(false);
const collectAndEncode = await measureOurs(true);
const ourPoints = points(lastMetrics);
collector.close();
collectorWithoutTcpStates.close();

// --- node_exporter. ---

function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/metrics', headers: { Accept: 'text/plain;version=0.0.4' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface Theirs {
  cpuMs: number;
  wallMs: number;
  samples: number;
}

/** CPU per scrape of a node_exporter started with `flags`, or undefined without the binary. */
async function measureNodeExporter(flags: string[]): Promise<Theirs | undefined> {
  if (!existsSync(BINARY)) return undefined;
  const port = await freePort();
  const exporter = spawn(BINARY, [`--web.listen-address=127.0.0.1:${port}`, ...flags], { stdio: 'ignore' });
  try {
    const deadline = Date.now() + 20_000;
    let page = '';
    while (page === '') {
      page = await scrape(port).catch(async (error: unknown) => {
        if (Date.now() > deadline || exporter.exitCode !== null) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return '';
      });
    }
    for (let i = 0; i < 5; i++) page = await scrape(port); // warm-up
    const cpu: number[] = [];
    const wall: number[] = [];
    for (let run = 0; run < runs; run++) {
      const cpuStart = processCpuSeconds(exporter.pid!);
      const start = performance.now();
      for (let i = 0; i < cycles; i++) page = await scrape(port);
      cpu.push(((processCpuSeconds(exporter.pid!) - cpuStart) * 1000) / cycles);
      wall.push((performance.now() - start) / cycles);
    }
    const samples = page.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
    return { cpuMs: median(cpu), wallMs: median(wall), samples };
  } finally {
    exporter.kill();
  }
}

const theirs = await measureNodeExporter([]);
// node_exporter's default set has no TCP-state collector; ours counts states every cycle, so this is the like-for-like.
const theirsWithTcpStates = await measureNodeExporter(['--collector.tcpstat']);

// --- Report. ---
const row = (label: string, f: { cpuMs: number; wallMs: number }, n: number): string[] => [
  label,
  f.cpuMs.toFixed(2),
  f.wallMs.toFixed(2),
  String(n),
];
const rows: string[][] = [
  ['', 'CPU ms / cycle', 'wall ms / cycle', 'points'],
  row('ours: collect()', collectOnly, ourPoints),
  row('ours: collect() + encodeMetricsProto', collectAndEncode, ourPoints),
  row('ours: collect(), tcpConnectionStates: false', withoutTcpStates, pointsWithoutTcpStates),
];
if (theirs) rows.push(row('node_exporter: 1 scrape, default collectors', theirs, theirs.samples));
if (theirsWithTcpStates) {
  rows.push(
    row('node_exporter: 1 scrape, default + tcpstat', theirsWithTcpStates, theirsWithTcpStates.samples),
  );
}
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
for (const [index, row] of rows.entries()) {
  console.log(
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
  );
  if (index === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
const sockets = ['/proc/net/tcp', '/proc/net/tcp6']
  .map((path) => readFileSync(path, 'latin1').trimEnd().split('\n').length - 1)
  .reduce((a, b) => a + b, 0);
console.log(
  `\n${cycles} cycles per run, median of ${runs} runs; node_exporter CPU has 10 ms tick resolution per run.\n` +
    `TCP sockets on the host at the end: ${sockets} (the TCP-state part of a cycle grows with them).`,
);
if (theirs && theirsWithTcpStates) {
  const ratio = collectOnly.cpuMs / theirs.cpuMs;
  console.log(
    `ratio ours / node_exporter default (CPU per cycle): ${ratio.toFixed(2)} — target ≤ 1: ${ratio <= 1 ? 'met' : 'NOT met'}`,
  );
  console.log(`  with encoding: ${(collectAndEncode.cpuMs / theirs.cpuMs).toFixed(2)}`);
  console.log(
    `  like for like, both counting TCP states: ${(collectOnly.cpuMs / theirsWithTcpStates.cpuMs).toFixed(2)}`,
  );
  console.log(
    `  like for like, neither counting TCP states: ${(withoutTcpStates.cpuMs / theirs.cpuMs).toFixed(2)}`,
  );
} else {
  console.log(
    `node_exporter not measured: ${BINARY} is not installed (apt-get install -y prometheus-node-exporter).`,
  );
}
