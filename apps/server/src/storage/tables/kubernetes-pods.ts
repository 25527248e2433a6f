/**
 * The latest Kubernetes pod snapshot of each cluster, as its proxy published it (PUT /v1/kubernetes/pods),
 * so a restarted server attaches pod metadata from its first request rather than after the proxy's next
 * publish. One row per publish; ReplacingMergeTree keeps the newest per cluster as parts merge, and readers
 * take `argMax(…, published_at)` so rows not merged yet do not matter. The pods are one JSON document
 * (compressed about tenfold by ZSTD): the server only ever reads a cluster's snapshot whole.
 */
import { defineTable } from './table-def.ts';
import type { WritableColumn } from './table-def.ts';

export interface PodSnapshotRow {
  cluster: string;
  /** Epoch milliseconds, strictly increasing per cluster (the version merges keep). */
  publishedAtMs: number;
  podCount: number;
  /** `PodMetadata[]` as JSON. */
  podsJson: string;
}

const columns: WritableColumn<PodSnapshotRow>[] = [
  {
    name: 'cluster',
    type: 'LowCardinality(String)',
    write: (w, r) => {
      w.string(r.cluster);
    },
  },
  {
    name: 'published_at',
    type: 'DateTime64(3)',
    write: (w, r) => {
      w.dateTime64Millis(r.publishedAtMs);
    },
  },
  {
    name: 'pod_count',
    type: 'UInt32',
    write: (w, r) => {
      w.uint32(r.podCount);
    },
  },
  {
    name: 'pods',
    type: 'String',
    codec: 'ZSTD(3)',
    write: (w, r) => {
      w.string(r.podsJson);
    },
  },
];

export const kubernetesPodsTable = defineTable<PodSnapshotRow>({
  name: 'kubernetes_pods',
  columns,
  engine: 'ReplacingMergeTree',
  versionColumn: 'published_at',
  orderBy: 'cluster',
  // Tiny, and every server reads all of it at start-up: one replica on every node in cluster mode.
  placement: { kind: 'everywhere' },
});
