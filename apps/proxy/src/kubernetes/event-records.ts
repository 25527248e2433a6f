/**
 * Kubernetes events → OTLP log records carrying `event.name = k8s.event`, which the server stores in its
 * events table ("what changed around this time for this workload"). Each record travels as its own batch
 * whose id is derived from the event's uid and resourceVersion: a relist after a watch gap, or a proxy
 * restart, sends the same ids again and the server stores each occurrence once. A repeated event (the
 * kubelet's BackOff, count 7 → 8) is a new resourceVersion and so a new record, as it should be.
 */
import { createHash } from 'node:crypto';
import type { CoreV1Event } from '@kubernetes/client-node';
import { KUBERNETES_EVENT_NAME, workloadAttributeKey } from '@apo/shared/kubernetes';
import { type Attributes, type LogRecord, type LogsData } from '@apo/shared/model';
import { encodeLogsProto } from '@apo/shared/otlp';
import { gzipBody, type OutboundBatch } from '@apo/otlp-transport';
import type { ClusterIndex, Workload } from './cluster-index.ts';
import { timeNanos, type OomKill, type PodRecord } from './kube-objects.ts';

/**
 * Every Warning is forwarded (BackOff, FailedScheduling, Evicted, Failed image pulls, Unhealthy, FailedMount,
 * OOMKilling on nodes, …); of the Normal ones only scaling, which explains load and latency changes. The rest
 * (Scheduled, Pulled, Created, Started…) are the noise of every healthy rollout.
 */
const forwardedNormalReasons: ReadonlySet<string> = new Set(['ScalingReplicaSet', 'SuccessfulRescale']);

export function isForwardedEvent(event: CoreV1Event): boolean {
  return event.type === 'Warning' || forwardedNormalReasons.has(event.reason ?? '');
}

/** One event, ready to encode: `key` names the occurrence (and so the batch id). */
export interface KubeEventRecord {
  key: string;
  resource: Attributes;
  record: LogRecord;
}

const SEVERITY = { Warning: { number: 13, text: 'Warning' }, Normal: { number: 9, text: 'Normal' } } as const;

function attributes(entries: [string, string | bigint][]): Attributes {
  const out = Object.create(null) as Attributes;
  for (const [k, v] of entries) if (v !== '') out[k] = v;
  return out;
}

/** The resource of an event: where it happened, in the attribute names the server also puts on telemetry. */
function resourceOf(
  namespace: string,
  pod: PodRecord | undefined,
  workload: Workload | undefined,
  node: string,
): Attributes {
  const entries: [string, string][] = [['k8s.namespace.name', namespace]];
  if (pod !== undefined) entries.push(['k8s.pod.name', pod.name], ['k8s.pod.uid', pod.uid]);
  entries.push(['k8s.node.name', pod?.node || node]);
  if (workload !== undefined) {
    // The workload stands in for the service: it is what an operator calls it, and what OpenTelemetry's
    // Kubernetes operator names services after by default.
    entries.unshift(['service.name', workload.name]);
    const key = workloadAttributeKey(workload.kind);
    if (key !== undefined) entries.push([key, workload.name]);
    entries.push(['k8s.workload.kind', workload.kind], ['k8s.workload.name', workload.name]);
  }
  return attributes(entries);
}

/** The record of a Kubernetes Event, or undefined when it lacks the identity every event has. */
export function eventRecordOf(
  event: CoreV1Event,
  index: ClusterIndex,
  nowNs: bigint,
): KubeEventRecord | undefined {
  const uid = event.metadata.uid;
  const version = event.metadata.resourceVersion;
  if (uid === undefined || version === undefined) return undefined;
  const involved = event.involvedObject;
  const ref = {
    kind: involved.kind ?? '',
    namespace: involved.namespace ?? event.metadata.namespace ?? '',
    name: involved.name ?? '',
    uid: involved.uid ?? '',
  };
  const pod =
    ref.kind === 'Pod'
      ? (index.pods.byUid(ref.uid) ?? index.pods.byName(ref.namespace, ref.name))
      : undefined;
  const workload = index.workloadOfObject(ref);
  const node = ref.kind === 'Node' ? ref.name : (event.source?.host ?? '');
  const time =
    timeNanos(event.lastTimestamp) ||
    timeNanos(event.series?.lastObservedTime) ||
    timeNanos(event.eventTime) ||
    timeNanos(event.firstTimestamp) ||
    timeNanos(event.metadata.creationTimestamp) ||
    nowNs;
  const severity = event.type === 'Warning' ? SEVERITY.Warning : SEVERITY.Normal;
  const resource = resourceOf(ref.namespace, pod, workload, node);
  if (pod === undefined && ref.kind === 'Pod') {
    // A pod the proxy no longer (or not yet) knows: its name and uid still say which pod it was.
    resource['k8s.pod.name'] = ref.name;
    if (ref.uid !== '') resource['k8s.pod.uid'] = ref.uid;
  }
  return {
    key: `event:${uid}:${version}`,
    resource,
    record: {
      timeUnixNano: time,
      observedTimeUnixNano: nowNs,
      severityNumber: severity.number,
      severityText: event.type ?? severity.text,
      body: event.message ?? '',
      attributes: attributes([
        ['event.name', KUBERNETES_EVENT_NAME],
        ['k8s.event.reason', event.reason ?? ''],
        ['k8s.event.type', event.type ?? ''],
        ['k8s.event.count', BigInt(event.series?.count ?? event.count ?? 1)],
        ['k8s.event.uid', uid],
        ['k8s.event.source', event.reportingComponent || event.source?.component || ''],
        ['k8s.object.kind', ref.kind],
        ['k8s.object.name', ref.name],
        ['k8s.object.uid', ref.uid],
        ['k8s.object.field_path', involved.fieldPath ?? ''],
      ]),
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: KUBERNETES_EVENT_NAME,
    },
  };
}

/**
 * An OOM kill seen in a pod's container statuses. The kubelet reports these as a container state, not as an
 * Event (the node's `OOMKilling` event, where a node problem detector runs, does not name the pod), so the
 * proxy makes the event itself, in the same shape, with reason `OOMKilled`.
 */
export function oomKillRecordOf(
  pod: PodRecord,
  kill: OomKill,
  index: ClusterIndex,
  nowNs: bigint,
): KubeEventRecord {
  const workload = index.workloadOfPod(pod);
  return {
    key: `oom:${pod.uid}:${kill.container}:${kill.containerId || String(kill.finishedAtNs)}`,
    resource: resourceOf(pod.namespace, pod, workload, ''),
    record: {
      timeUnixNano: kill.finishedAtNs || nowNs,
      observedTimeUnixNano: nowNs,
      severityNumber: SEVERITY.Warning.number,
      severityText: SEVERITY.Warning.text,
      body: `container ${kill.container} of pod ${pod.namespace}/${pod.name} was killed for exceeding its memory (OOMKilled, exit code ${kill.exitCode})`,
      attributes: attributes([
        ['event.name', KUBERNETES_EVENT_NAME],
        ['k8s.event.reason', 'OOMKilled'],
        ['k8s.event.type', 'Warning'],
        ['k8s.event.count', 1n],
        ['k8s.event.source', 'apo-proxy (pod status)'],
        ['k8s.object.kind', 'Pod'],
        ['k8s.object.name', pod.name],
        ['k8s.object.uid', pod.uid],
        ['k8s.container.name', kill.container],
        ['container.id', kill.containerId],
        ['k8s.container.exit_code', BigInt(kill.exitCode)],
      ]),
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: KUBERNETES_EVENT_NAME,
    },
  };
}

/** 32 hex characters, like every other batch id, derived from the occurrence so a resend is recognised. */
export function batchIdOf(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

const scope = {
  name: 'apo-proxy/kubernetes',
  version: '',
  attributes: Object.create(null) as Attributes,
  droppedAttributesCount: 0,
};

function logsDataOf(e: KubeEventRecord): LogsData {
  return {
    resourceLogs: [
      {
        resource: { attributes: e.resource, droppedAttributesCount: 0 },
        scopeLogs: [{ scope, logRecords: [e.record], schemaUrl: '' }],
        schemaUrl: '',
      },
    ],
  };
}

/** The batch as the proxy's queue takes it: OTLP protobuf, gzip, one record. */
export async function eventBatchOf(e: KubeEventRecord): Promise<OutboundBatch> {
  return {
    signal: 'logs',
    batchId: batchIdOf(e.key),
    contentType: 'application/x-protobuf',
    contentEncoding: 'gzip',
    body: await gzipBody(encodeLogsProto(logsDataOf(e))),
    items: 1,
  };
}
