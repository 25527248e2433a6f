/**
 * The embedded engine alone: pre-encoded RowBinary span flushes (the standard workload: 11 attributes per
 * span, realistic HTTP/DB spans, dated now so that they are kept and merged) inserted through the server's
 * own bulk path into a fresh chDB, then a few seconds for its background merges. No HTTP, no decoding: the
 * encoding happens before the clock starts. Figures: this process's CPU per stored row by thread (the
 * engine's insert pool, its merge threads, libuv), for several rows-per-insert sizes.
 *
 *   node bench/engine-insert.bench.ts [--rows 4096,8192,32768] [--total 491520] [--settle 5]
 *
 * Why: the server's ingest figure (ingest.bench.ts) depends on how large its group-commit flushes are, and
 * merges answer to part size more than to anything in the schema; this isolates that effect.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStorage } from '../apps/server/src/storage/open-storage.ts';
import { appendSpanRows } from '../apps/server/src/storage/rows/spans.ts';
import { RowBinaryWriter } from '../apps/server/src/storage/row-binary-writer.ts';
import { generateTraces } from './workload.ts';
import { threadCpuSeconds, threadCpuSince } from './support/process-cpu.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '4096,8192,32768' },
    total: { type: 'string', default: '491520' },
    settle: { type: 'string', default: '5' },
  },
});
const sizes = args.rows.split(',').map(Number);
const totalRows = Number(args.total);
const settleMs = Number(args.settle) * 1000;
if (
  sizes.some((n) => !Number.isInteger(n) || n < 512 || n % 512 !== 0) ||
  !(totalRows > 0) ||
  !(settleMs >= 0)
) {
  console.error(
    "usage: --rows <n,n,…> (multiples of 512, the workload's request size) --total <rows> --settle <seconds>",
  );
  process.exit(2);
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const startNs = BigInt(Date.now()) * 1_000_000n;

/** `count` distinct bodies of `rowsPerInsert` span rows each, encoded as the server's writer would. */
function encodeBodies(rowsPerInsert: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, b) => {
    const w = new RowBinaryWriter(rowsPerInsert * 1200);
    let rows = 0;
    for (let seed = b * 1000 + 1; rows < rowsPerInsert; seed++) {
      const data = generateTraces({ spansPerRequest: 512, attributesPerSpan: 11, seed, startNs });
      rows += appendSpanRows(w, data, { cluster: 'bench', flushId: BigInt(b) });
    }
    return w.bytes().slice();
  });
}

console.log(
  `Engine only: span rows into a fresh chDB, ${totalRows} rows per size, ${args.settle} s of merges after`,
);
for (const rowsPerInsert of sizes) {
  const inserts = Math.max(1, Math.round(totalRows / rowsPerInsert));
  const bodies = encodeBodies(rowsPerInsert, Math.min(inserts, 8));
  const dataDir = mkdtempSync(join(tmpdir(), 'apo-engine-bench-'));
  const storage = await openStorage({ engine: 'embedded', dataDir }, silent);
  try {
    const before = threadCpuSeconds(process.pid);
    const t0 = performance.now();
    for (let i = 0; i < inserts; i++) {
      await storage.insertRowBinary(storage.tables.spans, bodies[i % bodies.length]!, rowsPerInsert);
    }
    const insertWall = (performance.now() - t0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const used = threadCpuSince(before, threadCpuSeconds(process.pid));
    const rows = inserts * rowsPerInsert;
    const total = used.reduce((a, [, s]) => a + s, 0);
    const parts = await storage.client.query({
      query: `SELECT count() AS parts FROM system.parts WHERE database = {db:String} AND table = 'spans' AND active`,
      query_params: { db: storage.database },
      format: 'JSONEachRow',
    });
    const [{ parts: active } = { parts: '?' }] = await parts.json<{ parts: string }>();
    const byThread = used
      .filter(([, s]) => s >= 0.05)
      .map(([name, s]) => `${name} ${((1e6 * s) / rows).toFixed(2)}`)
      .join(', ');
    console.log(
      `  ${String(rowsPerInsert).padStart(6)} rows/insert × ${inserts}: ${((1e6 * total) / rows).toFixed(2)} µs/row ` +
        `(${byThread}); inserts took ${insertWall.toFixed(1)} s wall; ${active} active parts after`,
    );
  } finally {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
