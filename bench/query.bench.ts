/**
 * Read latency with 1 M and 10 M spans stored (embedded chDB), measured through the real server's tRPC API:
 * `traces.byId` p50 / p99 (target p99 ≤ 50 ms at 10 M) and a filtered `traces.search` p50 (target ≤ 150 ms).
 * Data: the standard generated workload (512-span requests, 11 attributes per span), spread over the last
 * 6 hours, written straight through the storage layer's bulk path to save time.
 *
 *   node bench/query.bench.ts [--sizes 1000000,10000000] [--lookups 200]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { appendSpanRows, openStorage, RowBinaryWriter } from '../apps/server/src/storage/index.ts';
import { startServerProcess } from '../apps/server/test/support/server-process.ts';
import { apiClient } from '../apps/server/test/support/api-client.ts';
import { generateTraces } from './workload.ts';
import { median, percentile } from './support/process-cpu.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000000,10000000' },
    lookups: { type: 'string', default: '200' },
  },
});
const sizes = args.sizes.split(',').map(Number);
const lookups = Number(args.lookups);
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: (...a: unknown[]) => console.error(...a),
};

const dataDir = await mkdtemp(join(tmpdir(), 'apo-query-bench-'));
const nowNs = BigInt(Date.now()) * 1_000_000n;
const spreadNs = 6n * 3_600_000_000_000n;
const sampleTraceIds: string[] = [];
let stored = 0;
let seed = 1;

/** Appends generated spans until `target` are stored; keeps a sample of trace ids to look up. */
async function loadUntil(target: number): Promise<void> {
  const storage = await openStorage({ engine: 'embedded', dataDir }, quiet);
  try {
    const t0 = performance.now();
    const w = new RowBinaryWriter(32 * 1024 * 1024);
    while (stored < target) {
      w.reset();
      let rows = 0;
      while (rows < 100_000 && stored + rows < target) {
        const startNs = nowNs - spreadNs + (spreadNs * BigInt(stored + rows)) / BigInt(target * 1.05);
        const data = generateTraces({ spansPerRequest: 512, attributesPerSpan: 11, seed: seed++, startNs });
        rows += appendSpanRows(w, data, { cluster: 'default', flushId: 1n });
        if (seed % 37 === 0) sampleTraceIds.push(data.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId);
      }
      await storage.insertRowBinary(storage.tables.spans, w.bytes(), rows);
      stored += rows;
    }
    console.log(`loaded ${stored} spans in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await storage.client.command({ query: `OPTIMIZE TABLE ${storage.database}.trace_index FINAL` });
  } finally {
    await storage.close();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

try {
  for (const size of sizes) {
    await loadUntil(size);
    const server = await startServerProcess({ dataDir, env: { APO_LOG_LEVEL: 'error' } });
    try {
      const api = apiClient(server.httpUrl);
      const ids = Array.from(
        { length: lookups },
        (_, i) => sampleTraceIds[(i * 7919) % sampleTraceIds.length]!,
      );
      for (const id of ids.slice(0, 20)) await api.traces.byId.query({ traceId: id }); // warm-up
      const byId: number[] = [];
      for (const id of ids) byId.push(await timed(() => api.traces.byId.query({ traceId: id })));

      const window = { from: Date.now() - 3 * 3_600_000, to: Date.now() };
      const services = await api.services.list.query(window);
      const searches = [
        { ...window, service: services[0]!.name, status: 'error' as const, limit: 50 },
        { ...window, service: services[1 % services.length]!.name, minDurationMs: 100, limit: 50 },
        { ...window, attributes: [{ key: 'http.route', value: '/api/v1/orders/{id}' }], limit: 50 },
      ];
      const search: number[] = [];
      for (let i = 0; i < 60; i++)
        search.push(await timed(() => api.traces.search.query(searches[i % searches.length]!)));

      console.log(`\n${(size / 1e6).toFixed(0)} M spans stored`);
      console.log(
        `  traces.byId   p50 ${median(byId).toFixed(1)} ms, p99 ${percentile(byId, 99).toFixed(1)} ms over ${byId.length} lookups (target p99 ≤ 50 ms at 10 M)`,
      );
      console.log(
        `  traces.search p50 ${median(search).toFixed(1)} ms, p99 ${percentile(search, 99).toFixed(1)} ms over ${search.length} filtered searches (target p50 ≤ 150 ms)`,
      );
    } finally {
      await server.stop();
    }
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
