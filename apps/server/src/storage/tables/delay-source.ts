/**
 * The delay source's per-minute split of stored requests (PRODUCT.md §2.3), written by the topology job
 * (jobs/topology-job.ts) for each one-minute window once its grace period has passed: per cluster, service,
 * entry endpoint and RED latency bucket, how many stored requests (entry spans) started in the window,
 * their summed duration, and the summed time their own client / producer calls covered
 * (features/delay/delay-source.ts says how). `services.delaySource` then reads a few thousand rows for a
 * day instead of the day's stored spans and their traces' calls.
 *
 * One row per window and key. ReplacingMergeTree on that key, version `computed_at`: recomputing a window
 * writes its rows again, and merges keep the newest. Unlike the topology edges these are sums, so readers
 * must not add up unmerged copies: they take the newest row per key (`argMax(…, computed_at)`) before
 * summing. A recompute only ever sees more spans than the computation before it (late spans), so every key
 * of the older rows is in the newer ones and the newest copies are the window's answer.
 */
import { defineTable } from './table-def.ts';
import type { WritableColumn } from './table-def.ts';

export interface DelaySourceRow {
  /** Start of the window (a minute), ms since the epoch. */
  windowMs: number;
  /** When the job computed it, ms: the version merges keep. */
  computedAtMs: number;
  cluster: string;
  service: string;
  endpoint: string;
  /** The RED latency bucket of the requests' durations (packages/shared/src/red, upper bounds inclusive). */
  bucket: number;
  requests: number;
  durationNs: bigint;
  /** Of `durationNs`, the time covered by the requests' own calls (their union, clipped to the request). */
  dependencyNs: bigint;
}

const LC = 'LowCardinality(String)';

const columns: WritableColumn<DelaySourceRow>[] = [
  {
    name: 'window',
    type: "DateTime('UTC')",
    codec: 'Delta, ZSTD(1)',
    write: (w, r) => {
      w.uint32(r.windowMs / 1000);
    },
  },
  {
    name: 'computed_at',
    type: 'DateTime64(3)',
    write: (w, r) => {
      w.dateTime64Millis(r.computedAtMs);
    },
  },
  {
    name: 'cluster',
    type: LC,
    write: (w, r) => {
      w.string(r.cluster);
    },
  },
  {
    name: 'service',
    type: LC,
    write: (w, r) => {
      w.string(r.service);
    },
  },
  {
    name: 'endpoint',
    type: LC,
    write: (w, r) => {
      w.string(r.endpoint);
    },
  },
  {
    name: 'bucket',
    type: 'UInt8',
    write: (w, r) => {
      w.uint8(r.bucket);
    },
  },
  {
    name: 'requests',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.requests);
    },
  },
  {
    name: 'duration_ns',
    type: 'UInt64',
    write: (w, r) => {
      w.uint64(r.durationNs);
    },
  },
  {
    name: 'dependency_ns',
    type: 'UInt64',
    write: (w, r) => {
      w.uint64(r.dependencyNs);
    },
  },
];

export const delaySourceTable = defineTable<DelaySourceRow>({
  name: 'delay_source_1m',
  columns,
  engine: 'ReplacingMergeTree',
  versionColumn: 'computed_at',
  partitionBy: 'toDate(window)',
  // A service's range is one run of the key, like the rollups it is weighted with.
  orderBy: '(cluster, service, window, endpoint, bucket)',
  // As long as the rollups it is read with (and the topology job's other table).
  ttl: { expression: 'window', unit: 'DAY', retention: 'red' },
  settings: { ttl_only_drop_parts: 1 },
  placement: { kind: 'sharded', shardingKey: 'cityHash64(cluster, service)' },
});
