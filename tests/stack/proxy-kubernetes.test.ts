/**
 * Kubernetes through the real proxy process into the real server, against a LOCAL STAND-IN of the Kubernetes
 * API (recorded-shape pods, ReplicaSets, Jobs and Events served as JSON lists and watch streams; no cluster
 * runs here). The proxy reads a kubeconfig file like any operator would give it, publishes the pod snapshot
 * to the server and queues the events; spans sent through it by container id come out with their pod,
 * workload and node.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../../apps/server/test/support/api-client.ts';
import { startServerProcess, type ServerProcess } from '../../apps/server/test/support/server-process.ts';
import {
  clusterEvents,
  clusterJobs,
  clusterPods,
  clusterReplicaSets,
  containerIds,
} from '../../apps/proxy/test/kubernetes/support/cluster-fixtures.ts';
import { KubeApiStandIn } from '../../apps/proxy/test/kubernetes/support/kube-api-stand-in.ts';
import { eventually } from './support/agent-process.ts';
import { numberedTraces, postTraces, startProxyProcess, type ProxyProcess } from './support/proxy-process.ts';
import { attributeValue } from '../../packages/shared/src/model/index.ts';

const CLUSTER = 'prod-eu';

describe('proxy with Kubernetes on (real proxy and server processes, Kubernetes API stand-in)', () => {
  let server: ServerProcess;
  let api: ApiClient;
  let kube: KubeApiStandIn;
  let proxy: ProxyProcess;
  const from = Date.now() - 3_600_000;

  beforeAll(async () => {
    kube = await KubeApiStandIn.start();
    kube.serve('/api/v1/pods', 'PodList', clusterPods());
    kube.serve('/apis/apps/v1/replicasets', 'ReplicaSetList', clusterReplicaSets());
    kube.serve('/apis/batch/v1/jobs', 'JobList', clusterJobs());
    kube.serve('/api/v1/events', 'EventList', clusterEvents());
    const kubeconfig = join(await mkdtemp(join(tmpdir(), 'apo-kubeconfig-')), 'config');
    await writeFile(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{ name: stand-in, cluster: { server: "${kube.url}", insecure-skip-tls-verify: true } }]`,
        `users: [{ name: proxy, user: { token: ${kube.token} } }]`,
        'contexts: [{ name: stand-in, context: { cluster: stand-in, user: proxy } }]',
        'current-context: stand-in',
        '',
      ].join('\n'),
    );
    server = await startServerProcess();
    api = apiClient(server.httpUrl);
    proxy = await startProxyProcess({
      exportUrl: server.httpUrl,
      clusterId: CLUSTER,
      env: { APO_PROXY_KUBERNETES: 'on', APO_PROXY_KUBECONFIG: kubeconfig },
    });
  }, 90_000);
  afterAll(async () => {
    await proxy.dispose();
    await server.dispose();
    await kube.close();
  });

  it('publishes the pod snapshot: the server lists the cluster with its pods', async () => {
    const cluster = await eventually(
      async () => {
        const list = await api.clusters.list.query({ from, to: Date.now() + 60_000 });
        const c = list.find((x) => x.cluster === CLUSTER);
        return c?.kubernetes ? c : undefined;
      },
      30_000,
      'the cluster with a pod snapshot',
    );
    expect(cluster.kubernetes?.pods).toBe(clusterPods().length);
    const metrics = await proxy.metrics();
    expect(metrics).toMatch(/^apo_proxy_kubernetes_synced 1$/m);
    expect((await proxy.health()).kubernetes).toMatchObject({ synced: true });
  });

  it('stores spans sent by container id with their pod, workload and node', async () => {
    const data = numberedTraces(0, 2, 'checkout', BigInt(Date.now()) * 1_000_000n);
    data.resourceSpans[0]!.resource.attributes['container.id'] = containerIds.checkoutA;
    // Until the snapshot is in, a span is stored without Kubernetes attributes: send until one has them.
    const span = await eventually(
      async () => {
        const res = await postTraces(proxy.otlpHttpUrl, data);
        expect(res.status).toBe(200);
        const page = await api.traces.search.query({
          from,
          to: Date.now() + 60_000,
          service: 'checkout',
          cluster: CLUSTER,
        });
        const ids = page.items.map((i) => i.traceId);
        for (const traceId of ids) {
          const t = await api.traces.byId.query({ traceId, cluster: CLUSTER });
          const enriched = t.spans.find((s) => attributeValue(s.resource, 'k8s.pod.name') !== undefined);
          if (enriched) return enriched;
        }
        return undefined;
      },
      30_000,
      'a span enriched with Kubernetes metadata',
    );
    expect(Object.fromEntries(span.resource)).toMatchObject({
      'k8s.pod.name': 'checkout-7d9f8b6c5d-x2x4z',
      'k8s.node.name': 'node-a',
      'k8s.deployment.name': 'checkout',
      'container.id': containerIds.checkoutA,
    });
    expect(span.cluster).toBe(CLUSTER);
  });

  it('forwards warning events, linked to their workload', async () => {
    const events = await eventually(
      async () => {
        const page = await api.events.search.query({
          from,
          to: Date.now() + 60_000,
          cluster: CLUSTER,
          workloadKind: 'Deployment',
          workloadName: 'checkout',
        });
        return page.items.some((e) => attributeValue(e.attributes, 'k8s.event.reason') === 'BackOff')
          ? page.items
          : undefined;
      },
      30_000,
      'the BackOff event of the checkout deployment',
    );
    const backOff = events.find((e) => attributeValue(e.attributes, 'k8s.event.reason') === 'BackOff')!;
    expect(backOff.body).toContain('Back-off restarting failed container');
    expect(backOff.cluster).toBe(CLUSTER);
    // Normal events other than scaling are not forwarded.
    expect(events.some((e) => attributeValue(e.attributes, 'k8s.event.reason') === 'Pulled')).toBe(false);
  });
});
