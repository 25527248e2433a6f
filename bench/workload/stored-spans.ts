import type { TracesData } from '../../packages/shared/src/model/index.ts';
import { appendSpanRows, RowBinaryWriter } from '../../apps/server/src/storage/index.ts';
import type { Storage } from '../../apps/server/src/storage/index.ts';
import { generateTraces } from './traces.ts';

export interface StoredSpansOptions {
  /** How many spans to store (a multiple of 512 is reached, not exceeded by more than one request). */
  total: number;
  /** The spans end before this, spread evenly over the `spreadMs` before it. */
  nowMs: number;
  spreadMs: number;
  /** Services of the generated requests (the workload's default otherwise). */
  services?: number;
  /** Renames each request's resource, e.g. to the names the seeded rollups use, so spans and rollups meet. */
  renameResources?: (data: TracesData) => void;
}

/**
 * The standard workload's spans (512-span requests, 11 attributes per span) written straight through the
 * storage layer in 100 k-row inserts — how the benchmarks that need millions of stored spans behind a read
 * path seed them (~100 s per 10 M on a quiet machine), skipping OTLP ingest they do not measure.
 */
export async function storeWorkloadSpans(storage: Storage, options: StoredSpansOptions): Promise<number> {
  const { total, nowMs, spreadMs } = options;
  const nowNs = BigInt(nowMs) * 1_000_000n;
  const spreadNs = BigInt(spreadMs) * 1_000_000n;
  const w = new RowBinaryWriter(32 * 1024 * 1024);
  let stored = 0;
  let seed = 1;
  while (stored < total) {
    w.reset();
    let rows = 0;
    while (rows < 100_000 && stored + rows < total) {
      const startNs = nowNs - spreadNs + (spreadNs * BigInt(stored + rows)) / BigInt(Math.ceil(total * 1.05));
      const data = generateTraces({
        spansPerRequest: 512,
        attributesPerSpan: 11,
        ...(options.services === undefined ? {} : { services: options.services }),
        seed: seed++,
        startNs,
      });
      options.renameResources?.(data);
      rows += appendSpanRows(w, data, { cluster: 'default', flushId: 1n });
    }
    await storage.insertRowBinary(storage.tables.spans, w.bytes(), rows);
    stored += rows;
  }
  return stored;
}
