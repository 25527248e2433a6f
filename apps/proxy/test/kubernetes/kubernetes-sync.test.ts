/**
 * The proxy's Kubernetes side against a LOCAL STAND-IN of the Kubernetes API (test/kubernetes/support/
 * kube-api-stand-in.ts: recorded-shape objects served as paged JSON lists and chunked watch streams). Real
 * client library, real HTTP, real encoding; what is checked is what the proxy publishes (the pod snapshot)
 * and what it queues (event batches, decoded back with the shared codec).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PodMetadata } from '@apo/shared/kubernetes';
import type { OutboundBatch } from '@apo/otlp-transport';
import { pino } from 'pino';
import { startKubernetesSync, type KubernetesSync } from '../../src/kubernetes/index.ts';
import { batchIdOf } from '../../src/kubernetes/event-records.ts';
import {
  ago,
  clusterEvents,
  clusterJobs,
  clusterPods,
  clusterReplicaSets,
  containerIds,
  kubeEvent,
  pod,
  uids,
} from './support/cluster-fixtures.ts';
import { KubeApiStandIn } from './support/kube-api-stand-in.ts';
import { decodeEventBatch, eventually, type DecodedEvent } from './support/polling.ts';

const PODS = '/api/v1/pods';
const EVENTS = '/api/v1/events';
const REPLICA_SETS = '/apis/apps/v1/replicasets';
const JOBS = '/apis/batch/v1/jobs';

let api: KubeApiStandIn;
let sync: KubernetesSync | undefined;
let snapshots: PodMetadata[][];
let batches: OutboundBatch[];
/** The events the stand-in serves: their times are relative to now, so they are made once per test. */
let servedEvents: ReturnType<typeof clusterEvents>;

const log = pino({ level: 'silent' });

beforeEach(async () => {
  api = await KubeApiStandIn.start();
  api.serve(PODS, 'PodList', clusterPods());
  api.serve(REPLICA_SETS, 'ReplicaSetList', clusterReplicaSets());
  api.serve(JOBS, 'JobList', clusterJobs());
  servedEvents = clusterEvents();
  api.serve(EVENTS, 'EventList', servedEvents);
  snapshots = [];
  batches = [];
});

afterEach(async () => {
  await sync?.close();
  sync = undefined;
  await api.close();
});

async function start(extra: { debounceMs?: number } = {}): Promise<KubernetesSync> {
  sync = await startKubernetesSync({
    kubeConfig: api.kubeConfig(),
    log,
    enqueue: (batch) => {
      batches.push(batch);
    },
    publishSnapshot: (pods) => {
      snapshots.push(pods);
      return Promise.resolve();
    },
    debounceMs: extra.debounceMs ?? 20,
    backoffMs: { first: 50, max: 200 },
  });
  return sync;
}

const byName = (pods: PodMetadata[]) => new Map(pods.map((p) => [p.name, p]));
const latest = () => snapshots[snapshots.length - 1] ?? [];
const events = (): DecodedEvent[] => batches.map(decodeEventBatch);
const reasons = () => events().map((e) => e.record.attributes['k8s.event.reason']);

describe('Kubernetes sync against a local stand-in of the Kubernetes API', () => {
  it('publishes one snapshot with every pod, its containers and its top workload', async () => {
    await start();
    const first = await eventually(() => snapshots[0], 'the first snapshot');
    const pods = byName(first);
    expect(first).toHaveLength(7);
    expect(pods.get('checkout-7d9f8b6c5d-x2x4z')).toEqual({
      uid: uids.checkoutA,
      namespace: 'shop',
      name: 'checkout-7d9f8b6c5d-x2x4z',
      node: 'node-a',
      podIp: '10.244.1.11',
      containerIds: [containerIds.checkoutA],
      workloadKind: 'Deployment',
      workloadName: 'checkout',
    });
    // ReplicaSet not listed: the pod-template-hash names the Deployment. The OOM-killed container's id stays,
    // for records of it still on their way.
    expect(pods.get('cart-5c6d7f8b9-q8w7e')).toMatchObject({
      workloadKind: 'Deployment',
      workloadName: 'cart',
      containerIds: [containerIds.cart, containerIds.cartOomKilled],
    });
    // Init containers too, whatever the runtime's scheme (cri-o:// here).
    expect(pods.get('postgres-0')).toMatchObject({
      workloadKind: 'StatefulSet',
      workloadName: 'postgres',
      containerIds: [containerIds.postgresInit, containerIds.postgres],
    });
    // Host network: the node's IP is not the pod's own, so it is not published for IP matching.
    expect(pods.get('node-exporter-m9z8x')).toMatchObject({
      namespace: 'monitoring',
      workloadKind: 'DaemonSet',
      workloadName: 'node-exporter',
      podIp: '',
    });
    // A finished pod's IP may already belong to another pod.
    expect(pods.get('nightly-report-28930140-7xk2p')).toMatchObject({
      workloadKind: 'CronJob',
      workloadName: 'nightly-report',
      podIp: '',
    });
    expect(pods.get('debug-shell')).toMatchObject({ workloadKind: 'Pod', workloadName: 'debug-shell' });
    // The stand-in pages lists two objects at a time: all seven came through the continue tokens.
    expect(api.requestsFor(PODS, 'list').map((r) => r.continueToken)).toEqual([undefined, '2', '4', '6']);
  });

  it('forwards warnings, scaling and OOM kills as k8s.event records linked to their workloads', async () => {
    const s = await start();
    await eventually(() => (batches.length >= 4 ? true : undefined), 'four event batches');
    const got = events();
    // Pulled (Normal, not scaling) and the three-hour-old Failed pull are left out.
    expect(new Set(reasons())).toEqual(
      new Set(['BackOff', 'ScalingReplicaSet', 'FailedScheduling', 'OOMKilled']),
    );

    const backOff = got.find((e) => e.record.attributes['k8s.event.reason'] === 'BackOff')!;
    expect(backOff.record.eventName).toBe('k8s.event');
    expect(backOff.record.attributes['event.name']).toBe('k8s.event');
    expect(backOff.record.severityText).toBe('Warning');
    expect(backOff.record.severityNumber).toBe(13);
    expect(backOff.record.body).toBe(
      'Back-off restarting failed container checkout in pod checkout-7d9f8b6c5d-x2x4z_shop',
    );
    expect(backOff.record.attributes).toMatchObject({
      'k8s.event.type': 'Warning',
      'k8s.event.count': 7n,
      'k8s.event.source': 'kubelet',
      'k8s.object.kind': 'Pod',
      'k8s.object.name': 'checkout-7d9f8b6c5d-x2x4z',
      'k8s.object.field_path': 'spec.containers{checkout}',
    });
    expect({ ...backOff.resource.attributes }).toEqual({
      'service.name': 'checkout',
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'checkout-7d9f8b6c5d-x2x4z',
      'k8s.pod.uid': uids.checkoutA,
      'k8s.node.name': 'node-a',
      'k8s.deployment.name': 'checkout',
      'k8s.workload.kind': 'Deployment',
      'k8s.workload.name': 'checkout',
    });
    const fixture = servedEvents[0]!;
    expect(backOff.record.timeUnixNano).toBe(BigInt(Date.parse(fixture.lastTimestamp)) * 1_000_000n);

    const scaling = got.find((e) => e.record.attributes['k8s.event.reason'] === 'ScalingReplicaSet')!;
    expect(scaling.record.severityText).toBe('Normal');
    expect(scaling.resource.attributes['k8s.workload.name']).toBe('checkout');
    expect(scaling.resource.attributes['k8s.deployment.name']).toBe('checkout');

    // A pod the proxy does not know (still pending): named, but no workload to link.
    const pending = got.find((e) => e.record.attributes['k8s.event.reason'] === 'FailedScheduling')!;
    expect(pending.resource.attributes['k8s.pod.name']).toBe('checkout-7d9f8b6c5d-pending');
    expect(pending.resource.attributes['k8s.workload.name']).toBeUndefined();

    const oom = got.find((e) => e.record.attributes['k8s.event.reason'] === 'OOMKilled')!;
    expect(oom.record.attributes).toMatchObject({
      'k8s.container.name': 'cart',
      'container.id': containerIds.cartOomKilled,
      'k8s.container.exit_code': 137n,
    });
    expect(oom.resource.attributes).toMatchObject({
      'k8s.pod.uid': uids.cart,
      'k8s.workload.kind': 'Deployment',
      'k8s.workload.name': 'cart',
    });
    expect(oom.batchId).toBe(batchIdOf(`oom:${uids.cart}:cart:${containerIds.cartOomKilled}`));

    // Batch ids come from the event's uid and resourceVersion: a resend is the same batch to the server.
    expect(new Set(got.map((e) => e.batchId)).size).toBe(got.length);
    expect(got.every((e) => /^[0-9a-f]{32}$/.test(e.batchId))).toBe(true);
    expect(s.stats().events).toMatchObject({ forwarded: 4, dropped: 0, backlog: 0 });
  });

  it('resumes a disconnected watch from the last resourceVersion and misses nothing', async () => {
    await start();
    await eventually(() => snapshots[0], 'the first snapshot');
    await eventually(() => (api.openWatches(PODS) === 1 ? true : undefined), 'the pod watch');

    const added = pod({
      name: 'checkout-7d9f8b6c5d-n3w1p',
      uid: 'b1b2b3b4-0000-4000-8000-000000000099',
      node: 'node-c',
      podIP: '10.244.3.20',
      owners: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'checkout-7d9f8b6c5d',
          uid: uids.checkoutRs,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      labels: { app: 'checkout', 'pod-template-hash': '7d9f8b6c5d' },
      containers: [],
    });
    const rvSeen = api.apply(PODS, 'ADDED', added);
    await eventually(() => byName(latest()).get('checkout-7d9f8b6c5d-n3w1p'), 'the added pod in a snapshot');

    // The connection drops; while the proxy is away, the new pod gets its container and another pod goes.
    expect(api.disconnectWatches(PODS)).toBe(1);
    const started = {
      ...added,
      status: {
        ...added.status,
        containerStatuses: [
          {
            name: 'checkout',
            containerID: `containerd://${'5e'.repeat(32)}`,
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: ago(1000) } },
          },
        ],
      },
    };
    api.apply(PODS, 'MODIFIED', started);
    api.apply(
      PODS,
      'DELETED',
      clusterPods().find((p) => p.metadata.name === 'debug-shell')!,
    );

    await eventually(() => {
      const pods = byName(latest());
      return pods.get('checkout-7d9f8b6c5d-n3w1p')?.containerIds[0] === '5e'.repeat(32) &&
        !pods.has('debug-shell')
        ? true
        : undefined;
    }, 'the changes made during the disconnection');
    const watches = api.requestsFor(PODS, 'watch');
    // Resumed from the version it had seen, without listing again.
    expect(watches.map((w) => w.resourceVersion)).toContain(rvSeen);
    expect(api.requestsFor(PODS, 'list').filter((r) => r.continueToken === undefined)).toHaveLength(1);
    expect(byName(latest()).get('checkout-7d9f8b6c5d-n3w1p')).toMatchObject({
      workloadKind: 'Deployment',
      workloadName: 'checkout',
      node: 'node-c',
    });
  });

  it.each(['status', 'event'] as const)(
    'lists again after 410 Gone (reported as %s) and drops what was deleted meanwhile',
    async (goneAs) => {
      api.goneAs = goneAs;
      const s = await start();
      await eventually(() => snapshots[0], 'the first snapshot');
      await eventually(() => (api.openWatches(PODS) === 1 ? true : undefined), 'the pod watch');
      expect(byName(latest()).has('postgres-0')).toBe(true);

      // Disconnected, and the history the proxy would resume from is compacted away with the deletion in it.
      api.disconnectWatches(PODS);
      api.apply(
        PODS,
        'DELETED',
        clusterPods().find((p) => p.metadata.name === 'postgres-0')!,
      );
      api.compact(PODS);

      await eventually(
        () => (byName(latest()).has('postgres-0') ? undefined : true),
        'postgres-0 gone after the relist',
      );
      expect(latest()).toHaveLength(6);
      expect(api.requestsFor(PODS, 'watch').some((w) => w.status === 410)).toBe(true);
      expect(api.requestsFor(PODS, 'list').filter((r) => r.continueToken === undefined)).toHaveLength(2);
      const podWatch = s.stats().watches.find((w) => w.resource === 'pods')!;
      expect(podWatch.relistsAfterGone).toBe(1);
      expect(podWatch.lists).toBe(2);
    },
  );

  it('does not queue listed events again after a relist; a repeated event is a new record', async () => {
    await start();
    await eventually(() => (batches.length >= 4 ? true : undefined), 'the first events');
    await eventually(() => (api.openWatches(EVENTS) === 1 ? true : undefined), 'the event watch');
    const before = batches.length;

    // Disconnected; an event goes by (a Normal one the proxy ignores) and the history is compacted past it.
    api.disconnectWatches(EVENTS);
    api.apply(
      EVENTS,
      'ADDED',
      kubeEvent({
        reason: 'Started',
        type: 'Normal',
        message: 'Started container checkout',
        involved: { kind: 'Pod', name: 'checkout-7d9f8b6c5d-x2x4z' },
      }),
    );
    api.compact(EVENTS);
    await eventually(
      () =>
        api.requestsFor(EVENTS, 'list').filter((r) => r.continueToken === undefined).length === 2
          ? true
          : undefined,
      'the event relist',
    );
    await eventually(
      () => (api.openWatches(EVENTS) === 1 ? true : undefined),
      'the event watch after the relist',
    );
    expect(batches.length).toBe(before);

    // The kubelet counts the back-off again: same event object, count 8, new resourceVersion.
    const backOff = servedEvents[0]!;
    const again = {
      ...backOff,
      metadata: { ...backOff.metadata, uid: 'e0000000-0000-4000-8000-00000000b0ff' },
      count: 8,
      lastTimestamp: ago(1000),
    };
    api.apply(EVENTS, 'ADDED', again);
    const rv = api.apply(EVENTS, 'MODIFIED', { ...again, count: 9 });
    await eventually(() => (batches.length === before + 2 ? true : undefined), 'two new records');
    const last = events().slice(-2);
    expect(last.map((e) => e.record.attributes['k8s.event.count'])).toEqual([8n, 9n]);
    expect(last[1]!.batchId).toBe(batchIdOf(`event:${again.metadata.uid}:${rv}`));
  });

  it('publishes without ReplicaSets and Jobs it may not list, and names workloads from the pods alone', async () => {
    api.failNext(REPLICA_SETS, 403);
    api.failNext(JOBS, 403);
    const s = await start();
    const first = byName(await eventually(() => snapshots[0], 'the first snapshot'));
    expect(first.get('checkout-7d9f8b6c5d-x2x4z')).toMatchObject({
      workloadKind: 'Deployment',
      workloadName: 'checkout',
    });
    // Without the Job, its CronJob is unknown: the Job is the workload.
    expect(first.get('nightly-report-28930140-7xk2p')).toMatchObject({
      workloadKind: 'Job',
      workloadName: 'nightly-report-28930140',
    });
    const stats = s.stats();
    expect(stats.synced).toBe(true);
    expect(stats.watches.find((w) => w.resource === 'replicasets')).toMatchObject({
      synced: false,
      lastError: expect.stringContaining('403') as unknown,
    });
  });

  it('sends a new snapshot when a ReplicaSet appears that names the workload differently', async () => {
    await start();
    await eventually(() => snapshots[0], 'the first snapshot');
    await eventually(() => (api.openWatches(REPLICA_SETS) === 1 ? true : undefined), 'the ReplicaSet watch');
    // cart's ReplicaSet turns out to belong to an Argo Rollout, not a Deployment.
    api.apply(REPLICA_SETS, 'ADDED', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'cart-5c6d7f8b9',
        namespace: 'shop',
        uid: uids.cartRs,
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Rollout',
            name: 'cart-rollout',
            uid: 'r0',
            controller: true,
          },
        ],
      },
    });
    await eventually(
      () => (byName(latest()).get('cart-5c6d7f8b9-q8w7e')?.workloadKind === 'Rollout' ? true : undefined),
      'the snapshot naming the Rollout',
    );
    expect(byName(latest()).get('cart-5c6d7f8b9-q8w7e')?.workloadName).toBe('cart-rollout');
  });
});
