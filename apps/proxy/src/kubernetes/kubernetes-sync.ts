/**
 * The proxy's Kubernetes side: it watches pods (and the ReplicaSets and Jobs between a pod and its
 * workload), publishes a snapshot of pod metadata to the server — which attaches it to records at ingest, so
 * the proxy can forward agents' batches as bytes — and forwards Kubernetes events (warnings, scaling, OOM
 * kills) as OTLP event records through the proxy's own queue.
 *
 * Nothing here blocks the proxy: start-up returns at once, an unreachable API server or a missing
 * permission is retried in the background and shows in `stats()`.
 */
import { AppsV1Api, BatchV1Api, CoreV1Api, Watch } from '@kubernetes/client-node';
import type { CoreV1Event, KubeConfig, V1Job, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { OutboundBatch } from '@apo/otlp-transport';
import type { Logger } from 'pino';
import { ClusterIndex } from './cluster-index.ts';
import { EventForwarder, type EventForwarderStats } from './event-forwarder.ts';
import { eventRecordOf, isForwardedEvent, oomKillRecordOf, type KubeEventRecord } from './event-records.ts';
import { ownedRecordOf, podRecordOf, type PodRecord } from './kube-objects.ts';
import { Reflector, type ReflectorStats } from './reflector.ts';
import { SnapshotSchedule, type PublishSnapshot, type SnapshotStats } from './snapshot-publisher.ts';

export interface KubernetesSyncOptions {
  kubeConfig: KubeConfig;
  log: Logger;
  /** The proxy's queue towards the server (the same one agents' batches take). */
  enqueue: (batch: OutboundBatch) => Promise<void> | void;
  publishSnapshot: PublishSnapshot;
  /** Publish the snapshot at least this often, changed or not (default 5 min). */
  resyncMs?: number;
  /** Quiet time after a change before the snapshot is published (default 1 s). */
  debounceMs?: number;
  /** Forward Kubernetes events (default true). */
  events?: boolean;
  /** Events and OOM kills older than this when first seen are history, not news (default 1 h, as Kubernetes keeps events). */
  maxEventAgeMs?: number;
  /** Retry delays after a failed list/watch (default 1 s doubling to 30 s). */
  backoffMs?: { first: number; max: number };
  /** Page size of list calls (default 500). */
  pageSize?: number;
}

export interface KubernetesStats {
  /** True once pods are listed (and ReplicaSets/Jobs listed or found unavailable). */
  synced: boolean;
  pods: number;
  replicaSets: number;
  jobs: number;
  snapshot: SnapshotStats;
  events: EventForwarderStats & { seen: number; ignored: number };
  watches: ReflectorStats[];
}

export interface KubernetesSync {
  stats(): KubernetesStats;
  close(): Promise<void>;
}

/** Keys of the occurrences already handed on, so a relist does not queue them again (the server would drop them). */
class RecentKeys {
  readonly #keys = new Set<string>();
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }
  /** True the first time a key is seen. */
  add(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.#max) this.#keys.delete(this.#keys.values().next().value!);
    return true;
  }
}

/** Pod fields the snapshot carries: a status update that changes none of them publishes nothing. */
function snapshotFieldsChanged(before: PodRecord | undefined, after: PodRecord): boolean {
  return (
    before === undefined ||
    before.node !== after.node ||
    before.podIp !== after.podIp ||
    before.owner?.uid !== after.owner?.uid ||
    before.containerIds.join() !== after.containerIds.join()
  );
}

/**
 * Starts watching and returns at once (a Promise so that a later version may check access first without
 * changing callers).
 */
export function startKubernetesSync(options: KubernetesSyncOptions): Promise<KubernetesSync> {
  const { kubeConfig, log } = options;
  const maxAgeNs = BigInt(options.maxEventAgeMs ?? 3_600_000) * 1_000_000n;
  const limit = options.pageSize ?? 500;
  const index = new ClusterIndex();
  const watch = new Watch(kubeConfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  const schedule = new SnapshotSchedule({
    build: () => index.snapshot(),
    publish: options.publishSnapshot,
    log,
    ...(options.resyncMs === undefined ? {} : { resyncMs: options.resyncMs }),
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
  });
  const forwarder = new EventForwarder({ enqueue: options.enqueue, log });
  const recent = new RecentKeys(50_000);
  const eventCounts = { seen: 0, ignored: 0 };
  const nowNs = () => BigInt(Date.now()) * 1_000_000n;
  const common = { watch, log, ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }) };
  let ready = false;
  const changed = () => {
    if (ready) schedule.changed();
  };

  const offer = (record: KubeEventRecord | undefined) => {
    if (record === undefined) return;
    eventCounts.seen++;
    if (record.record.timeUnixNano < nowNs() - maxAgeNs || !recent.add(record.key)) {
      eventCounts.ignored++;
      return;
    }
    forwarder.forward(record);
  };
  const checkOomKills = (pod: PodRecord) => {
    // Before the first sync a pod's workload may not be known yet; becomeReady() looks at every pod then.
    if (options.events === false || !ready) return;
    for (const kill of pod.oomKills) offer(oomKillRecordOf(pod, kill, index, nowNs()));
  };

  const pods = new Reflector<V1Pod>({
    ...common,
    resource: 'pods',
    path: '/api/v1/pods',
    list: (token) => core.listPodForAllNamespaces({ limit, _continue: token }),
    onList: (items) => {
      const records = items.flatMap((p) => podRecordOf(p) ?? []);
      index.pods.replaceAll(records);
      for (const pod of records) checkOomKills(pod);
      changed();
      becomeReady();
    },
    onEvent: (type, object) => {
      const record = podRecordOf(object);
      if (record === undefined) return;
      if (type === 'DELETED') {
        index.pods.delete(record.uid);
        changed();
        return;
      }
      const before = index.pods.put(record);
      if (snapshotFieldsChanged(before, record)) changed();
      checkOomKills(record);
    },
    onFailure: () => becomeReady(),
  });

  const owned = (resource: 'replicasets' | 'jobs') => {
    const store = resource === 'replicasets' ? index.replicaSets : index.jobs;
    return {
      ...common,
      resource,
      onList: (items: (V1ReplicaSet | V1Job)[]) => {
        store.replaceAll(items.flatMap((o) => ownedRecordOf(o) ?? []));
        changed();
        becomeReady();
      },
      onEvent: (type: string, object: V1ReplicaSet | V1Job) => {
        const record = ownedRecordOf(object);
        if (record === undefined) return;
        if (type === 'DELETED') store.delete(record.uid);
        else if (store.put(record)?.owner?.uid === record.owner?.uid) return;
        changed();
      },
      onFailure: () => becomeReady(),
    };
  };
  const replicaSets = new Reflector<V1ReplicaSet>({
    ...owned('replicasets'),
    path: '/apis/apps/v1/replicasets',
    list: (token) => apps.listReplicaSetForAllNamespaces({ limit, _continue: token }),
  });
  const jobs = new Reflector<V1Job>({
    ...owned('jobs'),
    path: '/apis/batch/v1/jobs',
    list: (token) => batch.listJobForAllNamespaces({ limit, _continue: token }),
  });

  const events = new Reflector<CoreV1Event>({
    ...common,
    resource: 'events',
    path: '/api/v1/events',
    list: (token) => core.listEventForAllNamespaces({ limit, _continue: token }),
    onList: (items) => {
      for (const e of items) if (isForwardedEvent(e)) offer(eventRecordOf(e, index, nowNs()));
    },
    onEvent: (type, e) => {
      if (type !== 'DELETED' && isForwardedEvent(e)) offer(eventRecordOf(e, index, nowNs()));
    },
  });

  /**
   * The first snapshot waits for pods and for the objects that name their workloads, so the server never
   * gets a partial one; ReplicaSets or Jobs that cannot be listed (no permission) do not hold it up — pods
   * then fall back to what their own metadata says. Events wait too: an event names a workload only once
   * the proxy knows the pods.
   */
  function becomeReady(): void {
    if (ready || !pods.stats.synced) return;
    const settled = (r: { stats: Readonly<ReflectorStats> }) => r.stats.synced || r.stats.failures > 0;
    if (!settled(replicaSets) || !settled(jobs)) return;
    ready = true;
    log.info(
      { pods: index.pods.size, replicaSets: index.replicaSets.size, jobs: index.jobs.size },
      'kubernetes metadata synced',
    );
    schedule.start();
    if (options.events !== false) {
      for (const pod of index.pods.values()) checkOomKills(pod);
      events.start();
    }
  }

  const reflectors = [pods, replicaSets, jobs, events] as const;
  pods.start();
  replicaSets.start();
  jobs.start();
  log.info({ server: kubeConfig.getCurrentCluster()?.server }, 'watching the Kubernetes API');

  return Promise.resolve({
    stats: () => ({
      synced: ready,
      pods: index.pods.size,
      replicaSets: index.replicaSets.size,
      jobs: index.jobs.size,
      snapshot: schedule.stats,
      events: { ...forwarder.stats, ...eventCounts },
      watches: reflectors.map((r) => r.stats),
    }),
    close: async () => {
      await Promise.all(reflectors.map((r) => r.stop()));
      await schedule.close();
      await forwarder.close();
    },
  });
}
