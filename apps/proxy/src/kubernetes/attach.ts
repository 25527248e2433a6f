import { MetricText } from '@apo/otlp-transport';
import type { Logger } from 'pino';
import type { ProxyConfig } from '../config/proxy-config.ts';
import type { RunningProxy } from '../proxy.ts';
import type { KubernetesStats, KubernetesSync } from './kubernetes-sync.ts';

/** The Kubernetes part's /metrics lines. */
function kubernetesMetricsText(s: KubernetesStats): string {
  const watch = (pick: (w: KubernetesStats['watches'][number]) => number) =>
    s.watches.map((w) => [`{resource="${w.resource}"}`, pick(w)] as const);
  return new MetricText()
    .metric('apo_proxy_kubernetes_synced', 'gauge', '1 once pods (and their owners) are listed.', [
      ['', s.synced ? 1 : 0],
    ])
    .metric('apo_proxy_kubernetes_pods', 'gauge', 'Pods known to the proxy.', [['', s.pods]])
    .metric(
      'apo_proxy_kubernetes_snapshots_published_total',
      'counter',
      'Pod snapshots the server accepted.',
      [['', s.snapshot.published]],
    )
    .metric(
      'apo_proxy_kubernetes_snapshot_failures_total',
      'counter',
      'Pod snapshots that failed to publish.',
      [['', s.snapshot.failures]],
    )
    .metric(
      'apo_proxy_kubernetes_events_forwarded_total',
      'counter',
      'Kubernetes events queued for the server.',
      [['', s.events.forwarded]],
    )
    .metric(
      'apo_proxy_kubernetes_events_dropped_total',
      'counter',
      'Kubernetes events dropped (backlog full).',
      [['', s.events.dropped]],
    )
    .metric(
      'apo_proxy_kubernetes_watch_lists_total',
      'counter',
      'Lists per resource (relists included).',
      watch((w) => w.lists),
    )
    .metric(
      'apo_proxy_kubernetes_watch_failures_total',
      'counter',
      'List/watch failures per resource.',
      watch((w) => w.failures),
    )
    .toString();
}

/**
 * Starts Kubernetes enrichment and event collection when the configuration asks for it (`auto`: inside a pod):
 * events go through the proxy's own queue, pod snapshots to the server, and the state shows in /healthz and
 * /metrics. Undefined when Kubernetes is off. A bad kubeconfig, or `on` outside a cluster, throws with the reason.
 */
export async function attachKubernetes(
  proxy: RunningProxy,
  config: ProxyConfig,
  log: Logger,
): Promise<KubernetesSync | undefined> {
  const k = config.kubernetes;
  // The Kubernetes client library costs the proxy ~60 MB of memory: load it only when it can be used ("auto"
  // outside a pod with no kubeconfig is off; "on" without either is refused, with its reason, by kubeConfigFor).
  const inPod = Boolean(k.serviceHost) && Boolean(k.servicePort);
  if (k.mode === 'off' || (k.mode === 'auto' && !inPod && k.kubeconfig === undefined)) return undefined;
  const [{ kubeConfigFor }, { startKubernetesSync }, { snapshotPublisher }] = await Promise.all([
    import('./kube-config.ts'),
    import('./kubernetes-sync.ts'),
    import('./snapshot-publisher.ts'),
  ]);
  const kubeConfig = kubeConfigFor(k.mode, {
    kubeconfigPath: k.kubeconfig,
    serviceHost: k.serviceHost,
    servicePort: k.servicePort,
  });
  if (kubeConfig === undefined) return undefined;
  const sync = await startKubernetesSync({
    kubeConfig,
    log: log.child({ part: 'kubernetes' }),
    enqueue: (batch) => proxy.enqueue(batch),
    publishSnapshot: snapshotPublisher(config.export.url, config.export.token, config.clusterId),
  });
  proxy.addStatus({
    health: () => {
      const s = sync.stats();
      return {
        kubernetes: { synced: s.synced, pods: s.pods, lastSnapshotError: s.snapshot.lastError ?? null },
      };
    },
    metrics: () => kubernetesMetricsText(sync.stats()),
  });
  log.info({ cluster: kubeConfig.getCurrentCluster()?.server }, 'kubernetes enrichment on');
  return sync;
}
