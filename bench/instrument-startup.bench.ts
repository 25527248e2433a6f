/**
 * Start-up cost of the preload: what `--import` / `--require @apo/agent/instrument` adds to a process.
 * Run: node bench/instrument-startup.bench.ts [runs] (default 9; medians are printed).
 *
 * Three figures per case:
 * - "to app": ms from process start until the app's first line runs (`performance.now()` there);
 * - "cpu to app": CPU ms (user + system) the process used by then: steadier than wall time on a busy machine;
 * - "wall": the whole `node … -e 0`-like run, exit flush included.
 * Each case runs against a local test OTLP receiver (the agent being up) unless it says "agent down".
 * A timing belongs in a benchmark, not a test: nothing here asserts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../packages/otlp-transport/src/testing/free-port.ts';
import { agentDir, PRELOAD } from '../apps/agent/test/instrument/fixture-process.ts';
import { startTestOtlpReceiver } from '../apps/agent/test/instrument/otlp-test-receiver.ts';

const runs = Number(process.argv[2] ?? 9);
const receiver = await startTestOtlpReceiver();
const closedPort = await freePort();
// An ESM main script: with a script the loader hook is installed (under -e it is not).
const scratch = mkdtempSync(join(tmpdir(), 'apo-preload-bench-'));
const emptyScript = join(scratch, 'empty.mjs');
const printStart =
  'const c = process.cpuUsage(); console.log(performance.now(), (c.user + c.system) / 1000);';
writeFileSync(emptyScript, `${printStart}\n`);

interface Case {
  name: string;
  args: string[];
  env?: Record<string, string>;
}
const up = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
const down = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${closedPort}` };
const printNow = ['-e', printStart];
const cases: Case[] = [
  { name: 'node -e 0 (baseline)', args: printNow },
  { name: '--import, -e', args: ['--import', PRELOAD, ...printNow], env: up },
  { name: '--require, -e', args: ['--require', PRELOAD, ...printNow], env: up },
  { name: 'node script.mjs (baseline)', args: [emptyScript] },
  { name: '--import, script, sync loader hook', args: ['--import', PRELOAD, emptyScript], env: up },
  {
    name: '--import, script, async loader (module.register)',
    args: ['--import', PRELOAD, emptyScript],
    env: { ...up, APO_INSTRUMENT_ESM_LOADER: 'async' },
  },
  { name: '--require, script', args: ['--require', PRELOAD, emptyScript], env: up },
  { name: '--import, -e, agent down', args: ['--import', PRELOAD, ...printNow], env: down },
  {
    name: '--import, -e, OTEL_SDK_DISABLED=true',
    args: ['--import', PRELOAD, ...printNow],
    env: { OTEL_SDK_DISABLED: 'true' },
  },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

const run = promisify(execFile);
const results = new Map<string, { toApp: number[]; cpu: number[]; wall: number[] }>(
  cases.map((c) => [c.name, { toApp: [], cpu: [], wall: [] }]),
);
for (let round = 0; round < runs; round++) {
  // Interleaved, so drift in machine load touches every case alike. Asynchronous, so the receiver in this
  // process keeps answering.
  for (const c of cases) {
    const started = performance.now();
    const { stdout } = await run(process.execPath, c.args, { cwd: agentDir, env: c.env ?? {} });
    const entry = results.get(c.name)!;
    entry.wall.push(performance.now() - started);
    const [toApp, cpu] = (stdout.trim().split('\n')[0] ?? '').split(' ').map(Number);
    entry.toApp.push(toApp ?? NaN);
    entry.cpu.push(cpu ?? NaN);
  }
}
await receiver.close();
rmSync(scratch, { recursive: true, force: true });

const baseline = (name: string) => results.get(name)!;
console.log(`preload start-up cost, median of ${runs} runs (Node ${process.version})`);
console.log(
  'case'.padEnd(52),
  'to app'.padStart(8),
  'cpu to app'.padStart(11),
  'wall'.padStart(8),
  '  added: cpu to app / wall',
);
for (const c of cases) {
  const r = results.get(c.name)!;
  const base = baseline(c.args.includes(emptyScript) ? 'node script.mjs (baseline)' : 'node -e 0 (baseline)');
  const added = `+${(median(r.cpu) - median(base.cpu)).toFixed(0)} ms / +${(median(r.wall) - median(base.wall)).toFixed(0)} ms`;
  console.log(
    c.name.padEnd(52),
    `${median(r.toApp).toFixed(0)} ms`.padStart(8),
    `${median(r.cpu).toFixed(0)} ms`.padStart(11),
    `${median(r.wall).toFixed(0)} ms`.padStart(8),
    `  ${r === base ? '' : added}`,
  );
}
