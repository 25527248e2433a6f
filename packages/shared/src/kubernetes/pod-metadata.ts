/**
 * The Kubernetes pod metadata a proxy publishes to the server (`PUT /v1/kubernetes/pods`) and the resource
 * attributes the server derives from it. Shared because it is a contract between two apps: the proxy builds
 * the snapshot, the server validates it with the same schema and attaches the same attribute names the
 * proxy puts on the events it forwards.
 */
import { z } from 'zod';

/** The resource attributes by which the server finds a record's pod, in the order it tries them. */
export const podLookupKeys = ['container.id', 'k8s.pod.uid', 'k8s.pod.ip'] as const;

/** Event records forwarded by the proxy carry this `event.name`. */
export const KUBERNETES_EVENT_NAME = 'k8s.event';

// Kubernetes names: a DNS subdomain is at most 253 characters, a uid is a 36-character UUID; container ids
// are 64 hex characters for every common runtime (leave room for others).
const kubeName = z.string().min(1).max(253);

export const podMetadataSchema = z.object({
  uid: z.string().min(1).max(64),
  namespace: kubeName,
  name: kubeName,
  /** The node the pod is scheduled on; '' while pending. */
  node: z.string().max(253),
  /**
   * The pod's own IP; '' when it has none of its own (pending, finished, or on the host network, where the
   * node's IP is shared by every host-network pod and would match the wrong one).
   */
  podIp: z.string().max(45),
  /** Ids of the pod's containers (init and ephemeral ones too), without the runtime scheme (`containerd://`). */
  containerIds: z.array(z.string().min(1).max(128)).max(256),
  /** The top controller: Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet, … or Pod (none). */
  workloadKind: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,62}$/, 'a Kubernetes kind such as Deployment'),
  workloadName: kubeName,
});

export type PodMetadata = z.infer<typeof podMetadataSchema>;

/** At most this many pods per cluster (Kubernetes supports 150,000 per cluster). */
export const MAX_SNAPSHOT_PODS = 200_000;

export const podSnapshotSchema = z.object({
  pods: z.array(podMetadataSchema).max(MAX_SNAPSHOT_PODS),
});

export type PodSnapshot = z.infer<typeof podSnapshotSchema>;

/** OpenTelemetry's per-kind workload attribute (`k8s.deployment.name`, …); undefined for other kinds. */
const workloadKeys: Readonly<Record<string, string>> = {
  Deployment: 'k8s.deployment.name',
  StatefulSet: 'k8s.statefulset.name',
  DaemonSet: 'k8s.daemonset.name',
  Job: 'k8s.job.name',
  CronJob: 'k8s.cronjob.name',
  ReplicaSet: 'k8s.replicaset.name',
  ReplicationController: 'k8s.replicationcontroller.name',
};

export function workloadAttributeKey(kind: string): string | undefined {
  return Object.hasOwn(workloadKeys, kind) ? workloadKeys[kind] : undefined;
}

/**
 * The resource attributes of a pod, as [key, value] pairs: the OpenTelemetry names (`k8s.namespace.name`,
 * `k8s.pod.name`, `k8s.pod.uid`, `k8s.node.name`, `k8s.deployment.name`, …) plus a uniform
 * `k8s.workload.kind` / `k8s.workload.name`, so "every record of this workload" is one filter whatever its
 * kind. Empty values are left out.
 */
export function podResourceAttributes(pod: PodMetadata): [string, string][] {
  const out: [string, string][] = [
    ['k8s.namespace.name', pod.namespace],
    ['k8s.pod.name', pod.name],
    ['k8s.pod.uid', pod.uid],
  ];
  if (pod.node !== '') out.push(['k8s.node.name', pod.node]);
  const key = workloadAttributeKey(pod.workloadKind);
  if (key !== undefined) out.push([key, pod.workloadName]);
  out.push(['k8s.workload.kind', pod.workloadKind], ['k8s.workload.name', pod.workloadName]);
  return out;
}
