/**
 * RED aggregator benchmark: `node bench/red.bench.ts` (options: --spans=512 --requests=32 --runs=9).
 *
 * The agent's hot path is decode → RED → sampling → encode; this measures the RED part on the standard
 * workload (bench/workload.ts, `--requests` requests of `--spans` spans, different seeds), encoded once:
 * - decode alone, and decode + `add()` — the difference is what RED costs on freshly decoded spans
 *   (new strings each time, as in the agent: their hashes are not cached yet);
 * - `add()` alone on spans decoded once (a lower bound: strings already hashed);
 * - variants: DB spans without db.operation.name / db.collection.name (operation and table come from the
 *   SQL statement, through the parse cache), every statement different (cache misses: the parser's own
 *   cost), and more endpoints than the series cap (folding into `__other__`);
 * - flush + OTLP encode of the resulting metrics, per flush.
 * A flush runs every `--flush-every` passes (default 16: ~260,000 spans, what an agent at 150,000 spans/s sees
 * in under two seconds; real intervals are longer). Figures are medians of
 * several runs after a warm-up, per CPU second of this process (process.cpuUsage, user + system).
 */
import {
  decodeTracesProto,
  encodeMetricsProto,
  encodeTracesProto,
} from '../packages/shared/src/otlp/index.ts';
import { createRedAggregator, RED_SERVER_METRIC } from '../packages/shared/src/red/index.ts';
import type { MetricsData, TracesData } from '../packages/shared/src/model/index.ts';
import type { RedAggregator } from '../packages/shared/src/red/index.ts';
import { countSpans, generateTraces } from './workload.ts';

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.slice(name.length + 3));
}

const spansPerRequest = option('spans', 512);
const requestCount = option('requests', 32);
const RUNS = Math.max(5, option('runs', 9));
const RUN_MS = 300;
/** Passes between flushes: the agent flushes on an interval (seconds), i.e. after hundreds of thousands of spans. */
const FLUSH_EVERY = Math.max(1, option('flush-every', 16));
const WARMUP_MS = 1500;
/** Agent target: ingest with RED and sampling, spans per CPU second overall. */
const AGENT_TARGET = 150_000;
const START_NS = 1_750_000_000_000_000_000n;

let sink: unknown;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** How many calls of `pass` take about RUN_MS, after warming it up. */
function callsPerRun(pass: () => unknown): number {
  const warmupEnd = performance.now() + WARMUP_MS;
  let passes = 0;
  while (performance.now() < warmupEnd) {
    sink = pass();
    passes++;
  }
  return Math.max(1, Math.round((passes * RUN_MS) / WARMUP_MS));
}

function cpuNsPerUnit(units: number, calls: number, pass: () => unknown): number {
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < calls; i++) sink = pass();
  const used = process.cpuUsage(cpuStart);
  return ((used.user + used.system) * 1000) / (calls * units);
}

/** Median CPU nanoseconds per unit of `pass()`, which processes `units` units per call. */
function nsPerUnit(units: number, pass: () => unknown): number {
  const calls = callsPerRun(pass);
  return median(Array.from({ length: RUNS }, () => cpuNsPerUnit(units, calls, pass)));
}

/**
 * `base` and `withExtra` run alternately, so load from other work on the machine hits both alike; the
 * result is the median of the per-pair differences (and the median of `base`).
 */
function pairedNs(
  units: number,
  base: () => unknown,
  withExtra: () => unknown,
): { extra: number; base: number } {
  const baseCalls = callsPerRun(base);
  const extraCalls = callsPerRun(withExtra);
  const bases: number[] = [];
  const differences: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const b = cpuNsPerUnit(units, baseCalls, base);
    bases.push(b);
    differences.push(cpuNsPerUnit(units, extraCalls, withExtra) - b);
  }
  return { extra: median(differences), base: median(bases) };
}

function workload(transform?: (data: TracesData, request: number) => void): Uint8Array[] {
  return Array.from({ length: requestCount }, (_, r) => {
    const data = generateTraces({
      spansPerRequest,
      seed: 1000 + r,
      startNs: START_NS + BigInt(r) * 10n ** 9n,
    });
    transform?.(data, r);
    return encodeTracesProto(data);
  });
}

function decoded(bytes: Uint8Array): TracesData {
  const result = decodeTracesProto(bytes);
  if (!result.ok) throw result.error;
  return result.value;
}

/** DB spans keep only the statement, so operation and table come from the SQL head parser. */
function statementsOnly(unique: boolean) {
  return (data: TracesData, request: number): void => {
    let n = 0;
    for (const rs of data.resourceSpans)
      for (const ss of rs.scopeSpans)
        for (const span of ss.spans) {
          const a = span.attributes;
          if (a['db.system.name'] === undefined) continue;
          delete a['db.operation.name'];
          delete a['db.collection.name'];
          // Literal values inlined, as un-parametrised code does: every statement text is different.
          if (unique) a['db.query.text'] = `${a['db.query.text'] as string} /* ${request}-${n++} */`;
        }
  };
}

/** Every server span a route of its own: far more series than the cap. */
function uniqueRoutes(data: TracesData, request: number): void {
  let n = 0;
  for (const rs of data.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const span of ss.spans)
        if (span.attributes['http.route'] !== undefined)
          span.attributes['http.route'] = `/api/v1/item-${request}-${n++}`;
}

interface Row {
  label: string;
  redNs: number;
  decodeNs?: number;
}

function measureVariant(label: string, requests: Uint8Array[], maxSeries?: number): Row {
  const spans = requests.reduce((n, bytes) => n + countSpans(decoded(bytes)), 0);
  let now = START_NS;
  let passes = 0;
  const aggregator: RedAggregator = createRedAggregator({ maxSeries, startTimeUnixNano: now });
  const { extra, base } = pairedNs(
    spans,
    // Same shape as the pass below (each request dropped after use), so both see the same GC work.
    () => {
      let resources = 0;
      for (const bytes of requests) resources += decoded(bytes).resourceSpans.length;
      return resources;
    },
    () => {
      for (const bytes of requests) aggregator.add(decoded(bytes).resourceSpans);
      return ++passes % FLUSH_EVERY === 0 ? aggregator.flush((now += 10n ** 10n)) : passes;
    },
  );
  return { label, redNs: extra, decodeNs: base };
}

const base = workload();
const spansPerPass = base.reduce((n, bytes) => n + countSpans(decoded(bytes)), 0);

// Correctness guard: one pass must count every entry span exactly once.
const check = createRedAggregator({ startTimeUnixNano: START_NS });
let entrySpans = 0;
for (const bytes of base) {
  const data = decoded(bytes);
  check.add(data.resourceSpans);
  for (const rs of data.resourceSpans)
    for (const ss of rs.scopeSpans) entrySpans += ss.spans.filter((s) => s.kind === 2).length;
}
const checkData = check.flush(START_NS + 10n ** 10n);
let counted = 0n;
for (const rm of checkData?.resourceMetrics ?? [])
  for (const sm of rm.scopeMetrics)
    for (const m of sm.metrics)
      if (m.name === RED_SERVER_METRIC && m.data.type === 'histogram')
        for (const p of m.data.points) counted += p.count;
if (counted !== BigInt(entrySpans)) throw new Error(`RED counted ${counted} entry spans of ${entrySpans}`);

const rows: Row[] = [
  measureVariant('standard workload (decode + add − decode)', base),
  measureVariant('DB operation/table from SQL, parse cache hits', workload(statementsOnly(false))),
  measureVariant('DB statements all different (parse cache misses)', workload(statementsOnly(true))),
  measureVariant('unique route per span, cap 1,000 series (folding)', workload(uniqueRoutes), 1000),
];

// add() alone on spans decoded once (their strings already hashed): the aggregator's floor.
const predecoded = base.map(decoded);
let now = START_NS;
const warm = createRedAggregator({ startTimeUnixNano: now });
let warmPasses = 0;
const warmNs = nsPerUnit(spansPerPass, () => {
  for (const data of predecoded) warm.add(data.resourceSpans);
  return ++warmPasses % FLUSH_EVERY === 0 ? warm.flush((now += 10n ** 10n)) : warmPasses;
});

// Flush + OTLP encode of one pass's series (the add() of that pass subtracted), per series.
warm.flush((now += 10n ** 10n));
for (const data of predecoded) warm.add(data.resourceSpans);
const seriesPerPass = warm.stats.series;
const addOnly = createRedAggregator({ startTimeUnixNano: now });
const flushPair = pairedNs(
  seriesPerPass,
  () => {
    for (const data of predecoded) addOnly.add(data.resourceSpans);
    return addOnly.stats.series;
  },
  () => {
    for (const data of predecoded) warm.add(data.resourceSpans);
    const flushed: MetricsData | null = warm.flush((now += 10n ** 10n));
    return flushed === null ? 0 : encodeMetricsProto(flushed).length;
  },
);
const flushNs = flushPair.extra;
if (sink === undefined) throw new Error('the benchmark produced no result');

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(`RED aggregator benchmark — Node ${process.version}, ${process.arch}`);
console.log(
  `workload: ${requestCount} requests × ${spansPerRequest} spans (${fmt(spansPerPass)} spans per pass, flush every ${FLUSH_EVERY} passes); ` +
    `median of ${RUNS} runs of ~${RUN_MS} ms after ${WARMUP_MS} ms warm-up; CPU time of this process`,
);
console.log('');
const header = ['variant', 'RED ns/span', 'RED spans/CPU-s', 'decode ns/span'];
const table = rows.map((r) => [
  r.label,
  r.redNs.toFixed(0),
  fmt(1e9 / r.redNs),
  r.decodeNs === undefined ? '' : r.decodeNs.toFixed(0),
]);
table.push(['add() alone on pre-decoded spans (floor)', warmNs.toFixed(0), fmt(1e9 / warmNs), '']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]): string =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table) console.log(line(row));
console.log(
  `\nflush + OTLP encode: ${(flushNs / 1e3).toFixed(2)} µs per series (${fmt(seriesPerPass)} series per pass of the standard workload: ` +
    `${((flushNs * seriesPerPass) / 1e6).toFixed(1)} ms per flush)`,
);

const standard = rows[0]!;
const budgetNs = 1e9 / AGENT_TARGET;
console.log(
  `\nAgent budget at ${fmt(AGENT_TARGET)} spans/CPU-s: ${fmt(budgetNs)} ns/span overall; RED takes ` +
    `${standard.redNs.toFixed(0)} ns (${((100 * standard.redNs) / budgetNs).toFixed(1)} %) on the standard workload — ` +
    `${standard.redNs < 1000 ? 'under' : 'NOT under'} 1 µs/span.`,
);
