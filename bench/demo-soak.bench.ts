/**
 * Soak: the local stack with the demo shop under its default traffic for an hour (not part of the test command,
 * and left out of a plain `pnpm bench`: run `pnpm bench demo-soak` or this file). Every minute it samples the
 * resident memory of each component and the disk used by each data directory, then compares the last quarter
 * of the run with the second quarter: the shop's memory and disk must level off, not keep growing.
 *
 *   node bench/demo-soak.bench.ts [--minutes 60] [--interval 60] [--rps 10] [--day 10m]
 *
 * The traffic runs above the shop's default (3 requests/s, 20-minute days) so that an hour covers several
 * compressed days and the purges, rotations and caches reach their steady state within the run.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack } from '../tests/stack/support/local-stack.ts';
import { median } from './support/process-cpu.ts';
import { sampleGroups, type TreeProcess } from './support/process-tree.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '60' },
    interval: { type: 'string', default: '60' },
    rps: { type: 'string', default: '10' },
    day: { type: 'string', default: '10m' },
  },
});
const minutes = Number(args.minutes);
const intervalS = Number(args.interval);

function componentOf(p: TreeProcess): string | undefined {
  const c = p.cmdline;
  if (c.includes('apps/server/')) return 'server';
  if (c.includes('apps/proxy/')) return 'proxy';
  if (c.includes('apps/agent/')) return 'agent';
  if (c.includes('demo-shop')) return 'shop';
  return undefined;
}

/** Bytes of every file below `dir` (0 when it does not exist yet). */
function diskBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    try {
      total += e.isDirectory() ? diskBytes(path) : statSync(path).size;
    } catch {
      // removed while walking (merged parts, rotated segments)
    }
  }
  return total;
}

const stack = await startLocalStack({ env: { DEMO_TRAFFIC_RPS: args.rps, DEMO_TRAFFIC_DAY: args.day } });
const dirs = {
  'server data': join(stack.dir, 'server'),
  'agent data': join(stack.dir, 'agent'),
  'proxy data': join(stack.dir, 'proxy'),
  'shop data': join(stack.dir, 'demo'),
  logs: join(stack.dir, 'stack', 'logs'),
};
const series = new Map<string, number[]>();
const record = (name: string, value: number) => series.set(name, [...(series.get(name) ?? []), value]);
const mb = (b: number) => (b / 2 ** 20).toFixed(1);

try {
  const samples = Math.max(4, Math.round((minutes * 60) / intervalS));
  console.log(
    `soak: ${minutes} min at ${args.rps} requests/s on average (${args.day} days), a sample every ${intervalS} s (${samples} samples)`,
  );
  for (let i = 1; i <= samples; i++) {
    await new Promise((r) => setTimeout(r, intervalS * 1000));
    if (stack.child.exitCode !== null) throw new Error(`the stack stopped:\n${stack.output()}`);
    const groups = sampleGroups(stack.child.pid!, componentOf);
    for (const name of ['server', 'proxy', 'agent', 'shop'])
      record(`${name} RSS`, groups.get(name)?.rssBytes ?? 0);
    for (const [name, dir] of Object.entries(dirs)) record(name, diskBytes(dir));
    const line = [...series].map(([name, values]) => `${name} ${mb(values.at(-1)!)}`).join(', ');
    console.log(`  ${String(Math.round((i * intervalS) / 60)).padStart(3)} min  ${line} (MB)`);
  }

  // The first quarter is warm-up (caches, JIT, first merges); compare the second quarter with the last one.
  console.log('\nGrowth, median of the last quarter vs median of the second quarter:');
  let unbounded = 0;
  for (const [name, values] of series) {
    const q = Math.max(1, Math.floor(values.length / 4));
    const early = median(values.slice(q, 2 * q));
    const late = median(values.slice(-q));
    const growth = early === 0 ? 0 : (100 * (late - early)) / early;
    // Only the shop is judged: the server's and agent's data grow with what they store until retention.
    const judged = name.startsWith('shop');
    const verdict = !judged ? '' : growth > 25 ? '  ← still growing' : '  bounded';
    if (judged && growth > 25) unbounded++;
    console.log(
      `  ${name.padEnd(12)} ${mb(early).padStart(8)} → ${mb(late).padStart(8)} MB  (${growth >= 0 ? '+' : ''}${growth.toFixed(0)} %)${verdict}`,
    );
  }
  console.log(
    unbounded === 0 ? '\nshop memory and disk: bounded' : `\n${unbounded} shop figure(s) still growing`,
  );
  process.exitCode = unbounded === 0 ? 0 : 1;
} finally {
  await stack.dispose();
}
