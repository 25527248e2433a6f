/**
 * The few fields the proxy keeps of each Kubernetes object. A pod as the API returns it is several KB (spec,
 * every condition, managed fields); thousands of them, plus every ReplicaSet a deployment's history keeps,
 * would cost the proxy tens of MB for data it never reads. Objects arrive in two shapes — deserialized by
 * the client's list calls (timestamps as Date) and raw JSON from watch streams (timestamps as strings) — and
 * everything here accepts both.
 */
import type { V1ContainerStatus, V1Job, V1ObjectMeta, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';

interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
}

/** A container that ended because the kernel killed it for memory (from the pod's container statuses). */
export interface OomKill {
  container: string;
  /** The id of the container that was killed; a restart gets a new id, so this names one termination. */
  containerId: string;
  exitCode: number;
  /** Nanoseconds since the epoch; 0n when the status does not say. */
  finishedAtNs: bigint;
}

export interface PodRecord {
  uid: string;
  namespace: string;
  name: string;
  node: string;
  /** '' when the pod has no IP of its own (see PodMetadata.podIp). */
  podIp: string;
  containerIds: string[];
  /** The controller named in ownerReferences (the one with `controller: true`). */
  owner: OwnerRef | undefined;
  /** The `pod-template-hash` label, which names a Deployment's ReplicaSet when that is not known yet. */
  templateHash: string;
  oomKills: OomKill[];
}

/** A ReplicaSet or Job: only its controller matters (Deployment, CronJob). */
export interface OwnedRecord {
  uid: string;
  namespace: string;
  name: string;
  owner: OwnerRef | undefined;
}

/** `containerd://0f3a…` → `0f3a…` (the runtime scheme is not part of the id OpenTelemetry reports). */
export function stripContainerScheme(id: string): string {
  const at = id.indexOf('://');
  return at >= 0 ? id.slice(at + 3) : id;
}

/**
 * RFC 3339 (`2025-06-01T10:00:00.123456Z`, as Kubernetes writes times) or a Date → nanoseconds since the
 * epoch; 0n when absent or unreadable. Strings keep their microseconds (a Date would drop them).
 */
export function timeNanos(value: unknown): bigint {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isFinite(ms) ? BigInt(ms) * 1_000_000n : 0n;
  }
  if (typeof value !== 'string' || value === '') return 0n;
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (!m) return 0n;
  const seconds = Date.parse(`${m[1]!}${m[3]!}`);
  if (!Number.isFinite(seconds)) return 0n;
  const fraction = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(seconds) * 1_000_000n + fraction;
}

function controllerOf(meta: V1ObjectMeta | undefined): OwnerRef | undefined {
  const ref = meta?.ownerReferences?.find((r) => r.controller === true);
  return ref === undefined ? undefined : { kind: ref.kind, name: ref.name, uid: ref.uid };
}

function oomKillsOf(statuses: readonly V1ContainerStatus[]): OomKill[] {
  const kills: OomKill[] = [];
  for (const s of statuses) {
    // The current state while the container stays dead (restartPolicy Never), the last state once it has
    // been restarted; both name the same termination by its container id, so it is reported once.
    for (const terminated of [s.state?.terminated, s.lastState?.terminated]) {
      if (terminated?.reason !== 'OOMKilled') continue;
      const containerId = stripContainerScheme(terminated.containerID ?? '');
      const finishedAtNs = timeNanos(terminated.finishedAt);
      if (kills.some((k) => k.container === s.name && k.containerId === containerId)) continue;
      kills.push({ container: s.name, containerId, exitCode: terminated.exitCode, finishedAtNs });
    }
  }
  return kills;
}

/** The pod's own fields, or undefined for an object without the identity every pod has. */
export function podRecordOf(pod: V1Pod): PodRecord | undefined {
  const meta = pod.metadata;
  if (meta?.uid === undefined || meta.name === undefined) return undefined;
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
  const containerIds: string[] = [];
  for (const s of statuses) {
    // A restarted container has a new id; records of the previous one may still be on their way.
    for (const id of [s.containerID, s.lastState?.terminated?.containerID]) {
      const bare = stripContainerScheme(id ?? '');
      if (bare !== '' && !containerIds.includes(bare)) containerIds.push(bare);
    }
  }
  const phase = pod.status?.phase ?? '';
  const ownIp = pod.spec?.hostNetwork !== true && phase !== 'Succeeded' && phase !== 'Failed';
  return {
    uid: meta.uid,
    namespace: meta.namespace ?? '',
    name: meta.name,
    node: pod.spec?.nodeName ?? '',
    podIp: ownIp ? (pod.status?.podIP ?? '') : '',
    containerIds,
    owner: controllerOf(meta),
    templateHash: meta.labels?.['pod-template-hash'] ?? '',
    oomKills: oomKillsOf(statuses),
  };
}

export function ownedRecordOf(obj: V1ReplicaSet | V1Job): OwnedRecord | undefined {
  const meta = obj.metadata;
  if (meta?.uid === undefined || meta.name === undefined) return undefined;
  return { uid: meta.uid, namespace: meta.namespace ?? '', name: meta.name, owner: controllerOf(meta) };
}
