/**
 * The latest pod snapshot of every cluster: in memory for ingest (one Map lookup per request to find the
 * cluster's index), and in `kubernetes_pods` so a restart keeps it. A publish is stored first and swapped in
 * after, so what ingest uses has always been persisted; publishes of one cluster are applied in the order
 * they arrived, and the last one wins.
 */
import { podSnapshotSchema, type PodMetadata } from '@apo/shared/kubernetes';
import type { Logger } from 'pino';
import type { Storage } from '../../storage/index.ts';
import { RowBinaryWriter } from '../../storage/index.ts';
import { writeRow } from '../../storage/tables/table-def.ts';
import { podPublishTimes, podSnapshots } from './kubernetes-queries.ts';
import { ClusterPodIndex } from './pod-index.ts';

export interface ClusterPods {
  cluster: string;
  /** Pods in the snapshot. */
  pods: number;
  /** Epoch ms of the publish (server clock). */
  publishedAt: number;
}

interface ClusterState {
  index: ClusterPodIndex;
  publishedAt: number;
}

export class PodDirectory {
  readonly #storage: Storage;
  readonly #clusters = new Map<string, ClusterState>();
  /** Per cluster, the publish being stored: the next waits for it, so they apply in arrival order. */
  readonly #turns = new Map<string, Promise<void>>();

  private constructor(storage: Storage) {
    this.#storage = storage;
  }

  /** Reads the stored snapshots; one that no longer validates is skipped (logged), not fatal. */
  static async load(storage: Storage, log: Pick<Logger, 'warn' | 'info'>): Promise<PodDirectory> {
    const directory = new PodDirectory(storage);
    const loaded = await directory.refresh(log);
    if (loaded > 0) log.info({ clusters: loaded }, 'Kubernetes pod snapshots loaded');
    return directory;
  }

  /**
   * Takes the snapshots stored since by other servers (several servers on one ClickHouse cluster: a proxy's
   * publish reaches one of them). Reads only the publish times unless one is newer than what is in memory.
   * Returns how many clusters were (re)loaded.
   */
  async refresh(log: Pick<Logger, 'warn'>): Promise<number> {
    const latest = await podPublishTimes(this.#storage);
    const stale = latest
      .filter((r) => r.published_ms > (this.#clusters.get(r.cluster)?.publishedAt ?? 0))
      .map((r) => r.cluster);
    if (stale.length === 0) return 0;
    const rows = await podSnapshots(this.#storage, stale);
    let loaded = 0;
    for (const row of rows) {
      const publishedAt = row.published_ms;
      // A publish through this server may have landed while the query ran.
      if (publishedAt <= (this.#clusters.get(row.cluster)?.publishedAt ?? 0)) continue;
      const stored: unknown = JSON.parse(row.pods_json);
      const parsed = podSnapshotSchema.safeParse({ pods: stored });
      if (!parsed.success) {
        log.warn({ cluster: row.cluster }, 'stored Kubernetes pod snapshot is not valid any more; ignored');
        continue;
      }
      this.#clusters.set(row.cluster, { index: new ClusterPodIndex(parsed.data.pods), publishedAt });
      loaded++;
    }
    return loaded;
  }

  /** The hot path: the index of a cluster, or undefined when no proxy published one. */
  index(cluster: string): ClusterPodIndex | undefined {
    return this.#clusters.get(cluster)?.index;
  }

  /** By cluster id. */
  clusters(): ClusterPods[] {
    return [...this.#clusters]
      .map(([cluster, s]) => ({ cluster, pods: s.index.pods, publishedAt: s.publishedAt }))
      .sort((a, b) => a.cluster.localeCompare(b.cluster));
  }

  /** Stores a cluster's new snapshot, then uses it. Rejects (and keeps the previous one) when storing fails. */
  replace(cluster: string, pods: readonly PodMetadata[]): Promise<void> {
    const previous = this.#turns.get(cluster) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(() => this.#store(cluster, pods));
    this.#turns.set(cluster, turn);
    void turn
      .finally(() => {
        if (this.#turns.get(cluster) === turn) this.#turns.delete(cluster);
      })
      .catch(() => undefined);
    return turn;
  }

  async #store(cluster: string, pods: readonly PodMetadata[]): Promise<void> {
    // The version merges keep: strictly increasing even within one millisecond or after a clock step back.
    const publishedAt = Math.max(Date.now(), (this.#clusters.get(cluster)?.publishedAt ?? 0) + 1);
    const index = new ClusterPodIndex(pods);
    const w = new RowBinaryWriter(1024 + pods.length * 256);
    const table = this.#storage.tables.kubernetes_pods;
    writeRow(w, table.columns, {
      cluster,
      publishedAtMs: publishedAt,
      podCount: pods.length,
      podsJson: JSON.stringify(pods),
    });
    await this.#storage.insertRowBinary(table, w.bytes(), 1);
    this.#clusters.set(cluster, { index, publishedAt });
  }
}
