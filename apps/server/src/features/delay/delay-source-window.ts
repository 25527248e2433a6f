/**
 * One window of the delay source's table, computed by the topology job beside the window's edges
 * (features/topology/topology-window.ts): the window's sums per endpoint and latency bucket, written to
 * `delay_source_1m`. Writing a window again writes its rows again with a newer version; readers keep the
 * newest (storage/tables/delay-source.ts).
 */
import { appendDelaySourceRows, RowBinaryWriter } from '../../storage/index.ts';
import type { Storage } from '../../storage/index.ts';
import { windowDelaySums } from './delay-queries.ts';

/** Computes and stores the delay-source sums of [windowMs, windowMs + 1 min); returns the rows written. */
export async function computeDelayWindow(
  storage: Storage,
  windowMs: number,
  computedAtMs = Date.now(),
): Promise<number> {
  const sums = await windowDelaySums(storage, windowMs);
  if (sums.length === 0) return 0;
  const w = new RowBinaryWriter();
  const n = appendDelaySourceRows(
    w,
    sums.map((s) => ({
      windowMs,
      computedAtMs,
      cluster: s.cluster,
      service: s.service,
      endpoint: s.endpoint,
      bucket: s.bucket,
      requests: s.requests,
      durationNs: s.duration_ns,
      dependencyNs: s.dependency_ns,
    })),
  );
  await storage.insertRowBinary(storage.tables.delay_source_1m, w.bytes(), n);
  return n;
}
