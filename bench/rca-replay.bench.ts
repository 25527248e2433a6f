/**
 * Root-cause accuracy replayed (issue 17): `investigations.run`'s engine, in process, on the data a stack
 * recorded while `rca.bench.ts` injected faults into its demo shop. For each injection of the shop's fault
 * audit log it runs the engine over the 15 minutes before each offset after the injection (as the live
 * bench polls) and scores the answer at the last offset on service and kind — seconds instead of 5.5
 * minutes per scenario, so a change to the engine can be held against every recorded run at once.
 *
 *   node bench/rca-replay.bench.ts --data-dir <a copy of the stack's APO data dir> --faults <faults.jsonl>
 *                                  [--offsets 30,60,90,120] [--only kind,kind@service]
 *
 * Use a copy of the data directory (or a stopped stack's): the embedded engine opens it for itself. A
 * replay sees the minute of each offset whole, where a live poll sees it partial (up to 59 s of it that
 * had not happened yet): read its early answers as an upper bound. Offsets past the fault's clear are
 * skipped. Run by name only.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Hypothesis } from '../packages/shared/src/console/index.ts';
import { runInvestigation } from '../apps/server/src/features/investigations/investigation-engine.ts';
import { spanDependencies } from '../apps/server/src/features/investigations/dependency-source.ts';
import { openStorage } from '../apps/server/src/storage/index.ts';
import { expectedKinds } from './support/rca-scenarios.ts';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    faults: { type: 'string' },
    offsets: { type: 'string', default: '30,60,90,120' },
    only: { type: 'string' },
  },
});
if (args['data-dir'] === undefined || args.faults === undefined) {
  console.error('usage: node bench/rca-replay.bench.ts --data-dir <APO data dir> --faults <faults.jsonl>');
  process.exit(2);
}
const WINDOW_MS = 15 * 60_000;
const offsets = args.offsets.split(',').map(Number);
if (offsets.some((o) => !Number.isFinite(o) || o <= 0)) {
  console.error(`--offsets: seconds after each injection, comma-separated; got ${args.offsets}`);
  process.exit(2);
}

interface AuditLine {
  time: string;
  service: string;
  kind: string;
  action: string;
}

const lines = (await readFile(args.faults, 'utf8'))
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l): AuditLine => JSON.parse(l) as AuditLine);
const only = args.only?.split(',');
const injections = lines.flatMap((l, i) => {
  if (l.action !== 'inject') return [];
  if (only !== undefined && !only.includes(l.kind) && !only.includes(`${l.kind}@${l.service}`)) return [];
  const cleared = lines
    .slice(i + 1)
    .find((x) => x.service === l.service && x.kind === l.kind && x.action !== 'inject');
  const atMs = Date.parse(l.time);
  return [{ ...l, atMs, untilMs: cleared === undefined ? Infinity : Date.parse(cleared.time) }];
});

const storage = await openStorage(
  { engine: 'embedded', dataDir: args['data-dir'] },
  { info: () => undefined, warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) },
);
const show = (hs: Hypothesis[]) =>
  hs
    .slice(0, 3)
    .map((h) => `${h.kind}@${h.service} ${h.confidence.toFixed(2)}`)
    .join(', ') || 'nothing';

let top1 = 0;
let top3 = 0;
const firsts: number[] = [];
for (const f of injections) {
  const expected = expectedKinds(f.kind);
  const correct = (h: Hypothesis | undefined) =>
    h !== undefined && h.service === f.service && expected.includes(h.kind);
  let answer: Hypothesis[] = [];
  let first: number | null = null;
  const polls: string[] = [];
  for (const o of offsets.filter((x) => f.atMs + x * 1000 <= f.untilMs)) {
    const to = f.atMs + o * 1000;
    answer = (await runInvestigation(storage, { from: to - WINDOW_MS, to }, spanDependencies)).hypotheses;
    if (first === null && correct(answer[0])) first = o;
    polls.push(`  +${o}s ${show(answer)}`);
  }
  const rank = answer.slice(0, 5).findIndex(correct);
  if (rank === 0) top1++;
  if (rank >= 0 && rank < 3) top3++;
  if (first !== null) firsts.push(first);
  console.log(
    `${f.time.slice(0, 19)} ${`${f.kind}@${f.service}`.padEnd(30)} top1=${rank === 0 ? 1 : 0} top3=${rank >= 0 && rank < 3 ? 1 : 0} first=${first ?? '-'}s`,
  );
  for (const p of polls) console.log(p);
}
const n = injections.length;
console.log(
  `\n${n} injections: top-1 ${(top1 / Math.max(1, n)).toFixed(2)} (${top1}), top-3 ${(top3 / Math.max(1, n)).toFixed(2)} (${top3}); first correct top-1 at ${firsts.join(', ') || '-'} s`,
);
await storage.close();
