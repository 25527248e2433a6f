/**
 * Objects as a Kubernetes API server returns them (the field names, nesting and value formats of
 * `kubectl get … -o json` on a 1.30 cluster, trimmed to what matters plus some of the usual noise), with
 * timestamps shifted to "now" so age filters see them as recent.
 *
 * The cluster: Deployment checkout (ReplicaSet checkout-7d9f8b6c5d, two pods), Deployment cart whose
 * ReplicaSet is not listed (its pod names the workload through pod-template-hash) and whose pod was
 * OOM-killed, StatefulSet postgres, DaemonSet node-exporter on the host network, CronJob nightly-report
 * (Job nightly-report-28930140, a finished pod), and a bare pod.
 */
export const ago = (ms: number): string => new Date(Date.now() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const hex = (seed: string): string => seed.repeat(64 / seed.length + 1).slice(0, 64);

export const containerIds = {
  checkoutA: hex('a1'),
  checkoutB: hex('b2'),
  cart: hex('c3'),
  cartOomKilled: hex('c4'),
  postgres: hex('d5'),
  postgresInit: hex('d6'),
  exporter: hex('e7'),
  report: hex('f8'),
  debug: hex('09'),
} as const;

function owner(kind: string, name: string, uid: string, apiVersion = 'apps/v1') {
  return [{ apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true }];
}

function running(name: string, id: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    containerID: `containerd://${id}`,
    image: `registry.example.com/${name}:1.4.2`,
    imageID: `registry.example.com/${name}@sha256:${hex('ab')}`,
    ready: true,
    restartCount: 0,
    started: true,
    state: { running: { startedAt: ago(3_600_000) } },
    lastState: {},
    ...extra,
  };
}

interface PodOptions {
  name: string;
  uid: string;
  node: string;
  podIP: string;
  owners?: ReturnType<typeof owner>;
  labels?: Record<string, string>;
  containers: Record<string, unknown>[];
  initContainers?: Record<string, unknown>[];
  phase?: string;
  hostNetwork?: boolean;
  namespace?: string;
}

export function pod(o: PodOptions) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace ?? 'shop',
      uid: o.uid,
      creationTimestamp: ago(7_200_000),
      labels: o.labels ?? {},
      annotations: { 'kubectl.kubernetes.io/restartedAt': ago(86_400_000) },
      ...(o.owners === undefined ? {} : { ownerReferences: o.owners }),
      managedFields: [
        { manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: ago(7_200_000) },
      ],
    },
    spec: {
      nodeName: o.node,
      ...(o.hostNetwork === true ? { hostNetwork: true } : {}),
      serviceAccountName: 'default',
      containers: o.containers.map((c) => ({ name: c.name, image: c.image, resources: {} })),
      restartPolicy: 'Always',
    },
    status: {
      phase: o.phase ?? 'Running',
      hostIP: '10.0.0.11',
      hostIPs: [{ ip: '10.0.0.11' }],
      podIP: o.podIP,
      podIPs: [{ ip: o.podIP }],
      startTime: ago(7_200_000),
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: ago(7_000_000) }],
      ...(o.initContainers === undefined ? {} : { initContainerStatuses: o.initContainers }),
      containerStatuses: o.containers,
      qosClass: 'Burstable',
    },
  };
}

export const uids = {
  checkoutDeployment: '2f0c6c4e-3b7a-4f0e-9a57-0d8b5e9a1c01',
  checkoutRs: '6a1f5b1e-7c44-4d3b-8e0a-2b9c1d7e4f02',
  checkoutA: '9d6e8f7a-1b2c-4d3e-8f4a-5b6c7d8e9f03',
  checkoutB: '0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c04',
  cartRs: '1b2c3d4e-5f6a-4b8c-9d0e-1f2a3b4c5d05',
  cart: '2c3d4e5f-6a7b-4c9d-8e1f-2a3b4c5d6e06',
  postgresSts: '3d4e5f6a-7b8c-4d0e-9f2a-3b4c5d6e7f07',
  postgres: '4e5f6a7b-8c9d-4e1f-8a3b-4c5d6e7f8a08',
  exporterDs: '5f6a7b8c-9d0e-4f2a-9b4c-5d6e7f8a9b09',
  exporter: '6a7b8c9d-0e1f-4a3b-8c5d-6e7f8a9b0c10',
  cronJob: '7b8c9d0e-1f2a-4b4c-9d6e-7f8a9b0c1d11',
  job: '8c9d0e1f-2a3b-4c5d-8e7f-8a9b0c1d2e12',
  report: '9d0e1f2a-3b4c-4d6e-9f8a-9b0c1d2e3f13',
  debug: 'a0e1f2a3-b4c5-4e7f-8a9b-0c1d2e3f4a14',
} as const;

export function clusterPods() {
  return [
    pod({
      name: 'checkout-7d9f8b6c5d-x2x4z',
      uid: uids.checkoutA,
      node: 'node-a',
      podIP: '10.244.1.11',
      owners: owner('ReplicaSet', 'checkout-7d9f8b6c5d', uids.checkoutRs),
      labels: { app: 'checkout', 'pod-template-hash': '7d9f8b6c5d' },
      containers: [running('checkout', containerIds.checkoutA)],
    }),
    pod({
      name: 'checkout-7d9f8b6c5d-9kq2m',
      uid: uids.checkoutB,
      node: 'node-b',
      podIP: '10.244.2.12',
      owners: owner('ReplicaSet', 'checkout-7d9f8b6c5d', uids.checkoutRs),
      labels: { app: 'checkout', 'pod-template-hash': '7d9f8b6c5d' },
      containers: [running('checkout', containerIds.checkoutB)],
    }),
    pod({
      name: 'cart-5c6d7f8b9-q8w7e',
      uid: uids.cart,
      node: 'node-a',
      podIP: '10.244.1.13',
      owners: owner('ReplicaSet', 'cart-5c6d7f8b9', uids.cartRs),
      labels: { app: 'cart', 'pod-template-hash': '5c6d7f8b9' },
      containers: [
        running('cart', containerIds.cart, {
          restartCount: 1,
          lastState: {
            terminated: {
              exitCode: 137,
              reason: 'OOMKilled',
              startedAt: ago(900_000),
              finishedAt: ago(120_000),
              containerID: `containerd://${containerIds.cartOomKilled}`,
            },
          },
        }),
      ],
    }),
    pod({
      name: 'postgres-0',
      uid: uids.postgres,
      node: 'node-b',
      podIP: '10.244.2.14',
      owners: owner('StatefulSet', 'postgres', uids.postgresSts),
      labels: { app: 'postgres', 'statefulset.kubernetes.io/pod-name': 'postgres-0' },
      containers: [running('postgres', containerIds.postgres)],
      initContainers: [
        {
          name: 'init-permissions',
          containerID: `cri-o://${containerIds.postgresInit}`,
          ready: true,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(7_100_000) } },
        },
      ],
    }),
    pod({
      name: 'node-exporter-m9z8x',
      uid: uids.exporter,
      namespace: 'monitoring',
      node: 'node-a',
      podIP: '10.0.0.11',
      hostNetwork: true,
      owners: owner('DaemonSet', 'node-exporter', uids.exporterDs),
      containers: [running('node-exporter', containerIds.exporter)],
    }),
    pod({
      name: 'nightly-report-28930140-7xk2p',
      uid: uids.report,
      node: 'node-b',
      podIP: '10.244.2.15',
      phase: 'Succeeded',
      owners: owner('Job', 'nightly-report-28930140', uids.job, 'batch/v1'),
      containers: [
        {
          ...running('report', containerIds.report),
          state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(1_800_000) } },
        },
      ],
    }),
    pod({
      name: 'debug-shell',
      uid: uids.debug,
      node: 'node-a',
      podIP: '10.244.1.16',
      containers: [running('shell', containerIds.debug)],
    }),
  ];
}

/** Only checkout's: cart's ReplicaSet is left out on purpose (not yet seen, or not listable). */
export function clusterReplicaSets() {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'checkout-7d9f8b6c5d',
        namespace: 'shop',
        uid: uids.checkoutRs,
        labels: { app: 'checkout', 'pod-template-hash': '7d9f8b6c5d' },
        ownerReferences: owner('Deployment', 'checkout', uids.checkoutDeployment),
      },
      spec: { replicas: 2, selector: { matchLabels: { app: 'checkout' } } },
      status: { replicas: 2, readyReplicas: 2 },
    },
  ];
}

export function clusterJobs() {
  return [
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'nightly-report-28930140',
        namespace: 'shop',
        uid: uids.job,
        ownerReferences: owner('CronJob', 'nightly-report', uids.cronJob, 'batch/v1'),
      },
      spec: { completions: 1 },
      status: { succeeded: 1 },
    },
  ];
}

let eventSeq = 0;

export function kubeEvent(o: {
  reason: string;
  type: 'Normal' | 'Warning';
  message: string;
  involved: { kind: string; name: string; uid?: string; namespace?: string; fieldPath?: string };
  lastSeenAgoMs?: number;
  count?: number;
  uid?: string;
}) {
  const name = `${o.involved.name}.${(++eventSeq).toString(16).padStart(16, '0')}`;
  const namespace = o.involved.namespace ?? 'shop';
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name,
      namespace,
      uid: o.uid ?? `e0000000-0000-4000-8000-${String(eventSeq).padStart(12, '0')}`,
      creationTimestamp: ago(o.lastSeenAgoMs ?? 60_000),
    },
    involvedObject: {
      kind: o.involved.kind,
      namespace,
      name: o.involved.name,
      ...(o.involved.uid === undefined ? {} : { uid: o.involved.uid }),
      apiVersion: o.involved.kind === 'Pod' ? 'v1' : 'apps/v1',
      ...(o.involved.fieldPath === undefined ? {} : { fieldPath: o.involved.fieldPath }),
    },
    reason: o.reason,
    message: o.message,
    source: { component: o.involved.kind === 'Pod' ? 'kubelet' : 'deployment-controller', host: 'node-a' },
    firstTimestamp: ago((o.lastSeenAgoMs ?? 60_000) + 300_000),
    lastTimestamp: ago(o.lastSeenAgoMs ?? 60_000),
    count: o.count ?? 1,
    type: o.type,
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
  };
}

export function clusterEvents() {
  return [
    kubeEvent({
      reason: 'BackOff',
      type: 'Warning',
      message: 'Back-off restarting failed container checkout in pod checkout-7d9f8b6c5d-x2x4z_shop',
      involved: {
        kind: 'Pod',
        name: 'checkout-7d9f8b6c5d-x2x4z',
        uid: uids.checkoutA,
        fieldPath: 'spec.containers{checkout}',
      },
      count: 7,
    }),
    kubeEvent({
      reason: 'Pulled',
      type: 'Normal',
      message: 'Container image "registry.example.com/checkout:1.4.2" already present on machine',
      involved: { kind: 'Pod', name: 'checkout-7d9f8b6c5d-x2x4z', uid: uids.checkoutA },
    }),
    kubeEvent({
      reason: 'ScalingReplicaSet',
      type: 'Normal',
      message: 'Scaled up replica set checkout-7d9f8b6c5d to 2',
      involved: { kind: 'Deployment', name: 'checkout', uid: uids.checkoutDeployment },
    }),
    kubeEvent({
      reason: 'FailedScheduling',
      type: 'Warning',
      message: '0/3 nodes are available: 3 Insufficient memory.',
      involved: {
        kind: 'Pod',
        name: 'checkout-7d9f8b6c5d-pending',
        uid: 'ffffffff-0000-4000-8000-000000000001',
      },
    }),
    kubeEvent({
      reason: 'Failed',
      type: 'Warning',
      message: 'Failed to pull image "registry.example.com/report:9.9": not found',
      involved: { kind: 'Pod', name: 'nightly-report-28930140-7xk2p', uid: uids.report },
      lastSeenAgoMs: 3 * 3_600_000,
    }),
  ];
}
