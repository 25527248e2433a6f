/**
 * Kubernetes enrichment and events for the proxy (see kubernetes-sync.ts and docs/kubernetes.md). The proxy
 * wires it as: `kubeConfigFor(mode, { kubeconfigPath, serviceHost, servicePort })` → when a config comes
 * back, `startKubernetesSync({ kubeConfig, log, enqueue, publishSnapshot: snapshotPublisher(exportUrl,
 * token, clusterId) })`, and `close()` on shutdown.
 */
export { startKubernetesSync, type KubernetesSync } from './kubernetes-sync.ts';
