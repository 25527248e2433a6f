/**
 * OTLP codec benchmark: `node bench/codec.bench.ts` (options: --spans=512 --attributes=11 --runs=9).
 *
 * Encodes the standard workload (bench/workload.ts) once, then measures decode and encode throughput
 * for our codec and for protobufjs driven by the OTLP .proto definitions (the reference implementation).
 * Each figure is the median of several timed runs after a warm-up, reported per wall-clock second and
 * per CPU second (process.cpuUsage, user + system: what one core delivers, GC threads included).
 */
import { decodeTracesJson, decodeTracesProto, encodeTracesProto } from '../packages/shared/src/otlp/index.ts';
import { assertModelEqual } from '../packages/shared/src/otlp/testing/model-equality.ts';
import {
  referenceOtlpJson,
  referenceTypes,
} from '../packages/shared/src/otlp/testing/otlp-proto-reference.ts';
import { countSpans, generateTraces } from './workload.ts';

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : Number(arg.slice(name.length + 3));
}

const spansPerRequest = option('spans', 512);
const attributesPerSpan = option('attributes', 11);
const RUNS = Math.max(7, option('runs', 9));
/** Each timed run lasts about this long, so timer resolution and scheduling noise stay small. */
const RUN_MS = 250;
const WARMUP_MS = 1500;

interface Figure {
  label: string;
  wallPerSecond: number;
  cpuPerSecond: number;
  msPerRequest: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

let sink: unknown;

/** Runs `work` (one request of `spans` spans) repeatedly; returns median spans/s by wall time and per CPU second. */
function measure(label: string, spans: number, work: () => unknown): Figure {
  const warmupEnd = performance.now() + WARMUP_MS;
  let iterations = 0;
  while (performance.now() < warmupEnd) {
    sink = work();
    iterations++;
  }
  const perRun = Math.max(1, Math.round((iterations * RUN_MS) / WARMUP_MS));
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < perRun; i++) sink = work();
    const seconds = (performance.now() - start) / 1000;
    const used = process.cpuUsage(cpuStart);
    const cpuSeconds = (used.user + used.system) / 1e6;
    wall.push((perRun * spans) / seconds);
    cpu.push((perRun * spans) / cpuSeconds);
  }
  const wallPerSecond = median(wall);
  return { label, wallPerSecond, cpuPerSecond: median(cpu), msPerRequest: (spans / wallPerSecond) * 1000 };
}

// --- The workload, encoded once. ---
const traces = generateTraces({ spansPerRequest, attributesPerSpan });
const spans = countSpans(traces);
const protoBytes = encodeTracesProto(traces);
const ref = referenceTypes();
const jsonText = JSON.stringify(referenceOtlpJson(ref.traces, protoBytes));
const jsonBytes = new TextEncoder().encode(jsonText);
const referenceMessage = ref.traces.decode(protoBytes);

// Correctness guard: the figures mean nothing if the decoders do not give the workload back.
const fromProto = decodeTracesProto(protoBytes);
const fromJson = decodeTracesJson(jsonBytes);
if (!fromProto.ok) throw fromProto.error;
if (!fromJson.ok) throw fromJson.error;
assertModelEqual(fromProto.value, traces);
assertModelEqual(fromJson.value, traces);

/** What the server decodes with (its configuration's defaults): the limits' checks cost too. */
const serverLimits = {
  maxAttributes: 128,
  maxValueLength: 16 * 1024,
  maxEventsPerSpan: 128,
  maxLinksPerSpan: 128,
  maxValueEntries: 1_000,
  maxAttributeBytes: 64 * 1024,
};

const LONGS_AS_BIGINT = { longs: BigInt, bytes: String } as const;
const decodeFigures = [
  measure('ours: decodeTracesProto → model', spans, () => decodeTracesProto(protoBytes)),
  measure('ours: decodeTracesJson → model (bytes in)', spans, () => decodeTracesJson(jsonBytes)),
  measure("ours: decodeTracesProto, the server's limits", spans, () =>
    decodeTracesProto(protoBytes, serverLimits),
  ),
  measure("ours: decodeTracesJson, the server's limits", spans, () =>
    decodeTracesJson(jsonBytes, serverLimits),
  ),
  measure('protobufjs: Type.decode (raw messages, Long)', spans, () => ref.traces.decode(protoBytes)),
  measure('protobufjs: decode + toObject (BigInt)', spans, () =>
    ref.traces.toObject(ref.traces.decode(protoBytes), LONGS_AS_BIGINT),
  ),
  measure('JSON.parse of the same OTLP/JSON (floor)', spans, () => JSON.parse(jsonText) as unknown),
];
const encodeFigures = [
  measure('ours: encodeTracesProto ← model', spans, () => encodeTracesProto(traces)),
  measure('protobufjs: Type.encode ← decoded messages', spans, () =>
    ref.traces.encode(referenceMessage).finish(),
  ),
];
// Reading the sink keeps the engine from treating the measured work as dead code.
if (sink === undefined) throw new Error('the benchmark produced no result');

// --- Report. ---
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
function table(title: string, figures: Figure[]): void {
  console.log(`\n${title}`);
  const header = ['', 'spans/s (wall)', 'spans/CPU-s', 'ms/request'];
  const rows = figures.map((f) => [
    f.label,
    fmt(f.wallPerSecond),
    fmt(f.cpuPerSecond),
    f.msPerRequest.toFixed(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

console.log(`OTLP codec benchmark — Node ${process.version}, ${process.arch}`);
console.log(
  `workload: ${spans} spans/request, ${attributesPerSpan} attributes/span, ${traces.resourceSpans.length} resources; ` +
    `protobuf ${fmt(protoBytes.length)} B, OTLP/JSON ${fmt(jsonBytes.length)} B; median of ${RUNS} runs of ~${RUN_MS} ms after ${WARMUP_MS} ms warm-up`,
);
table('Decode', decodeFigures);
table('Encode', encodeFigures);

const [oursProto, , , , pbjsRaw, pbjsObject] = decodeFigures;
const [oursEncode, pbjsEncode] = encodeFigures;
console.log('\nRatios (per CPU second)');
console.log(
  `  decode, ours / protobufjs raw decode:         ${(oursProto!.cpuPerSecond / pbjsRaw!.cpuPerSecond).toFixed(2)}x`,
);
console.log(
  `  decode, ours / protobufjs decode + toObject:  ${(oursProto!.cpuPerSecond / pbjsObject!.cpuPerSecond).toFixed(2)}x`,
);
console.log(
  `  encode, ours / protobufjs encode:             ${(oursEncode!.cpuPerSecond / pbjsEncode!.cpuPerSecond).toFixed(2)}x`,
);
const target = 400_000;
console.log(
  `\nTarget: protobuf decode ≥ ${fmt(target)} spans per CPU second — ${oursProto!.cpuPerSecond >= target ? 'met' : 'NOT met'} ` +
    `(${fmt(oursProto!.cpuPerSecond)}).`,
);
