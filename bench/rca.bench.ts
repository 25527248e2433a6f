/**
 * Root-cause accuracy of `investigations.run` on the demo shop's injected faults (issue 17). Against a
 * running local stack (`pnpm start`; only when named: `pnpm bench rca`, or this file):
 *
 *   node bench/rca.bench.ts [--url http://127.0.0.1:3300] [--data-dir <demo data dir>] [--only kind,kind@service]
 *                           [--max 180] [--recover 120] [--controls 2]
 *
 * For each scenario of the table it injects the fault through the fault CLI, calls `investigations.run`
 * (the last 15 minutes, no service named) every 15 s until the top answer is the same three times in a row
 * or `--max` seconds passed, clears the fault and lets the shop recover for `--recover` seconds. Scored on
 * service and kind: top-1, top-3, Avg@5 (mean over k = 1…5 of "correct within the top k"), and the time
 * from injection to the first correct top-1. Control windows (no fault) count hypotheses above 0.5.
 */
import { parseArgs } from 'node:util';
import { runFaultCli } from '../examples/demo-shop/src/cli/fault.ts';
import { SCENARIOS, type Scenario } from './support/rca-scenarios.ts';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3300' },
    'data-dir': { type: 'string' },
    only: { type: 'string' },
    max: { type: 'string', default: '180' },
    recover: { type: 'string', default: '120' },
    controls: { type: 'string', default: '2' },
  },
});
const POLL_MS = 15_000;
const WINDOW_MS = 15 * 60_000;
const MIN_OBSERVE_MS = 120_000;

interface Hyp {
  kind: string;
  service: string;
  confidence: number;
}

async function run(): Promise<{ hypotheses: Hyp[]; ms: number }> {
  const to = Date.now();
  const input = encodeURIComponent(JSON.stringify({ json: { from: to - WINDOW_MS, to } }));
  const t0 = performance.now();
  const res = await fetch(`${args.url}/trpc/investigations.run?input=${input}`);
  const body: unknown = await res.json();
  const data = (body as { result?: { data?: { json?: { hypotheses: Hyp[] } } } }).result?.data?.json;
  if (data === undefined) throw new Error(`investigations.run failed: ${JSON.stringify(body).slice(0, 300)}`);
  return { hypotheses: data.hypotheses, ms: performance.now() - t0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fault = (argv: string[]) => runFaultCli(argv, args['data-dir'] ?? '');

interface Outcome {
  scenario: Scenario;
  top1: boolean;
  top3: boolean;
  avg5: number;
  firstCorrectS: number | null;
  answer: string;
  serverMs: number[];
}

async function scenario(s: Scenario): Promise<Outcome> {
  const start = Date.now();
  if ((await fault([s.service, s.fault, ...s.params, '--for', `${Number(args.max) + 30}s`])) !== 0)
    throw new Error(`could not inject ${s.fault} into ${s.service}`);
  const correct = (h: Hyp | undefined) =>
    h !== undefined && h.service === s.service && s.expected.includes(h.kind);
  let firstCorrectS: number | null = null;
  let last = '';
  let same = 0;
  let answer: Hyp[] = [];
  const serverMs: number[] = [];
  while (Date.now() - start < Number(args.max) * 1000) {
    await sleep(POLL_MS);
    const r = await run();
    serverMs.push(r.ms);
    answer = r.hypotheses;
    if (firstCorrectS === null && correct(answer[0])) firstCorrectS = Math.round((Date.now() - start) / 1000);
    // Every poll's top three, so a miss shows how the answer moved (the run's own figures, not a summary).
    console.log(
      `  +${Math.round((Date.now() - start) / 1000)}s ${answer
        .slice(0, 3)
        .map((h) => `${h.kind}@${h.service} ${h.confidence.toFixed(2)}`)
        .join(', ')}`,
    );
    const key = answer[0] === undefined ? '' : `${answer[0].kind}@${answer[0].service}`;
    same = key === last && key !== '' ? same + 1 : 1;
    last = key;
    // Stable: the same answer three times in a row, after at least two minutes (signals need minutes to form).
    if (same >= 3 && Date.now() - start >= MIN_OBSERVE_MS) break;
  }
  await fault(['--clear', s.service]);
  const rank = answer.slice(0, 5).findIndex(correct);
  const avg5 = rank === -1 ? 0 : (5 - rank) / 5;
  const outcome = {
    scenario: s,
    top1: rank === 0,
    top3: rank >= 0 && rank < 3,
    avg5,
    firstCorrectS,
    answer: answer
      .slice(0, 3)
      .map((h) => `${h.kind}@${h.service} ${h.confidence.toFixed(2)}`)
      .join(', '),
    serverMs,
  };
  console.log(
    `${s.fault.padEnd(18)} ${s.service.padEnd(10)} top1=${outcome.top1 ? 1 : 0} top3=${outcome.top3 ? 1 : 0} avg5=${avg5.toFixed(2)} first=${firstCorrectS ?? '-'}s  ${outcome.answer}`,
  );
  await sleep(Number(args.recover) * 1000);
  return outcome;
}

// `--only db-slow,cpu@fraud`: every scenario of a kind, or one on a service.
const only = args.only?.split(',');
const chosen = SCENARIOS.filter(
  (s) => only === undefined || only.includes(s.fault) || only.includes(`${s.fault}@${s.service}`),
);
const controls: number[] = [];
for (let i = 0; i < Number(args.controls); i++) {
  const r = await run();
  const max = Math.max(0, ...r.hypotheses.map((h) => h.confidence));
  controls.push(max);
  console.log(
    `control ${i + 1}: ${r.hypotheses.length} hypotheses, max confidence ${max.toFixed(2)}, ${r.ms.toFixed(0)} ms`,
  );
  if (i + 1 < Number(args.controls)) await sleep(POLL_MS);
}
const outcomes: Outcome[] = [];
for (const s of chosen) outcomes.push(await scenario(s));

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const byKind = new Map<string, Outcome[]>();
for (const o of outcomes) byKind.set(o.scenario.fault, [...(byKind.get(o.scenario.fault) ?? []), o]);
console.log('\nkind                n  top-1  top-3  Avg@5  first correct top-1 (s)');
const line = (name: string, os: Outcome[]) =>
  console.log(
    `${name.padEnd(18)} ${String(os.length).padStart(2)}  ${mean(os.map((o) => (o.top1 ? 1 : 0))).toFixed(2)}   ${mean(os.map((o) => (o.top3 ? 1 : 0))).toFixed(2)}   ${mean(os.map((o) => o.avg5)).toFixed(2)}   ${os.map((o) => o.firstCorrectS ?? '-').join(', ')}`,
  );
for (const [kind, os] of byKind) line(kind, os);
line('overall', outcomes);
const times = outcomes.flatMap((o) => o.serverMs).sort((a, b) => a - b);
console.log(
  `investigations.run: median ${(times[times.length >> 1] ?? 0).toFixed(0)} ms over ${times.length} calls (15 min window + 30 min baseline)`,
);
console.log(
  `no-fault controls: ${controls.filter((c) => c > 0.5).length} of ${controls.length} with a hypothesis above 0.5`,
);
