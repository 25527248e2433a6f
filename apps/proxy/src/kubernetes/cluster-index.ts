/**
 * What the proxy knows of the cluster: pods, and the ReplicaSets and Jobs between a pod and its top
 * workload. A pod's workload is its top controller — a Deployment through its ReplicaSet, a CronJob through
 * its Job, a StatefulSet or DaemonSet directly, the pod itself when nothing controls it — because that is the
 * name an operator knows and the one that stays the same across rollouts.
 */
import type { PodMetadata } from '@apo/shared/kubernetes';
import type { OwnedRecord, PodRecord } from './kube-objects.ts';

export interface Workload {
  kind: string;
  name: string;
}

/** One kind of object, by uid, with a (namespace, name) index for events that name objects that way. */
class ObjectStore<T extends { uid: string; namespace: string; name: string }> {
  readonly #byUid = new Map<string, T>();
  readonly #byName = new Map<string, T>();

  get size(): number {
    return this.#byUid.size;
  }

  static #key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  byUid(uid: string): T | undefined {
    return this.#byUid.get(uid);
  }

  byName(namespace: string, name: string): T | undefined {
    return this.#byName.get(ObjectStore.#key(namespace, name));
  }

  /** Returns the previous version, if any. */
  put(record: T): T | undefined {
    const before = this.#byUid.get(record.uid);
    this.#byUid.set(record.uid, record);
    this.#byName.set(ObjectStore.#key(record.namespace, record.name), record);
    return before;
  }

  delete(uid: string): void {
    const record = this.#byUid.get(uid);
    if (record === undefined) return;
    this.#byUid.delete(uid);
    const key = ObjectStore.#key(record.namespace, record.name);
    // A pod re-created under the same name (StatefulSet) may already hold the name.
    if (this.#byName.get(key) === record) this.#byName.delete(key);
  }

  /** Everything at once, after a (re)list: what the list no longer holds is gone. */
  replaceAll(records: readonly T[]): void {
    this.#byUid.clear();
    this.#byName.clear();
    for (const r of records) this.put(r);
  }

  values(): IterableIterator<T> {
    return this.#byUid.values();
  }
}

export class ClusterIndex {
  readonly pods = new ObjectStore<PodRecord>();
  readonly replicaSets = new ObjectStore<OwnedRecord>();
  readonly jobs = new ObjectStore<OwnedRecord>();

  /** The top workload of a pod. */
  workloadOfPod(pod: PodRecord): Workload {
    const owner = pod.owner;
    if (owner === undefined) return { kind: 'Pod', name: pod.name };
    if (owner.kind === 'ReplicaSet') {
      const rs = this.replicaSets.byUid(owner.uid);
      if (rs !== undefined) return rs.owner ?? { kind: 'ReplicaSet', name: rs.name };
      // The ReplicaSet is not known (yet, or the proxy may not list them): a Deployment names its
      // ReplicaSets `<deployment>-<pod-template-hash>`, and every pod carries that hash as a label.
      const suffix = `-${pod.templateHash}`;
      if (pod.templateHash !== '' && owner.name.endsWith(suffix) && owner.name.length > suffix.length)
        return { kind: 'Deployment', name: owner.name.slice(0, -suffix.length) };
      return { kind: 'ReplicaSet', name: owner.name };
    }
    if (owner.kind === 'Job') {
      const job = this.jobs.byUid(owner.uid);
      return job?.owner ?? { kind: 'Job', name: owner.name };
    }
    return { kind: owner.kind, name: owner.name };
  }

  /**
   * The workload an event's object belongs to, where the proxy can tell: a pod's top controller, a
   * ReplicaSet's Deployment, a Job's CronJob, or the object itself when it is a workload.
   */
  workloadOfObject(ref: {
    kind: string;
    namespace: string;
    name: string;
    uid: string;
  }): Workload | undefined {
    switch (ref.kind) {
      case 'Pod': {
        const pod = this.pods.byUid(ref.uid) ?? this.pods.byName(ref.namespace, ref.name);
        return pod === undefined ? undefined : this.workloadOfPod(pod);
      }
      case 'ReplicaSet': {
        const rs = this.replicaSets.byUid(ref.uid) ?? this.replicaSets.byName(ref.namespace, ref.name);
        return rs?.owner ?? { kind: 'ReplicaSet', name: ref.name };
      }
      case 'Job': {
        const job = this.jobs.byUid(ref.uid) ?? this.jobs.byName(ref.namespace, ref.name);
        return job?.owner ?? { kind: 'Job', name: ref.name };
      }
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'CronJob':
        return { kind: ref.kind, name: ref.name };
      default:
        return undefined;
    }
  }

  /** What the server attaches to records: one entry per pod the proxy knows. */
  snapshot(): PodMetadata[] {
    const out: PodMetadata[] = [];
    for (const pod of this.pods.values()) {
      // Every pod has a namespace; an object without one would make the server refuse the whole snapshot.
      if (pod.namespace === '') continue;
      const workload = this.workloadOfPod(pod);
      out.push({
        uid: pod.uid,
        namespace: pod.namespace,
        name: pod.name,
        node: pod.node,
        podIp: pod.podIp,
        containerIds: pod.containerIds,
        workloadKind: workload.kind,
        workloadName: workload.name,
      });
    }
    return out;
  }
}
