/**
 * The kubernetes feature's reads: the pod snapshots proxies published, newest per cluster. Rows not merged
 * yet do not matter: readers take `argMax(…, published_at)`.
 */
import type { Storage } from '../../storage/index.ts';
import {
  computed,
  defineQuery,
  int64Number,
  readRows,
  storageTables,
  string,
  tableColumns,
} from '../../storage/index.ts';

const pods = tableColumns(storageTables.kubernetes_pods);

const newestPublishMs = computed(int64Number, `toUnixTimestamp64Milli(max(${pods.name('published_at')}))`);

const publishTimesQuery = defineQuery('kubernetes.publishTimes', {
  cluster: pods.read('cluster', string),
  published_ms: newestPublishMs,
});

const snapshotsQuery = defineQuery('kubernetes.snapshots', {
  cluster: pods.read('cluster', string),
  published_ms: newestPublishMs,
  /** `PodMetadata[]` as JSON; the caller validates it. Named apart from `pods`: see defineQuery. */
  pods_json: computed(string, `argMax(${pods.name('pods')}, ${pods.name('published_at')})`),
});

/** Each cluster's newest publish time (epoch ms). */
export function podPublishTimes(storage: Storage): Promise<{ cluster: string; published_ms: number }[]> {
  return readRows(
    storage,
    publishTimesQuery,
    `FROM ${storage.qualified(storage.tables.kubernetes_pods)} GROUP BY cluster`,
  );
}

/** The newest snapshot of each of `clusters`, with its publish time (epoch ms). */
export function podSnapshots(
  storage: Storage,
  clusters: readonly string[],
): Promise<{ cluster: string; published_ms: number; pods_json: string }[]> {
  return readRows(
    storage,
    snapshotsQuery,
    `FROM ${storage.qualified(storage.tables.kubernetes_pods)}
     WHERE cluster IN {clusters:Array(String)} GROUP BY cluster`,
    { clusters },
  );
}
