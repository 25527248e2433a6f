/**
 * Kubernetes enrichment and events for the proxy (see kubernetes-sync.ts and docs/kubernetes.md). The proxy
 * wires it as: `kubeConfigFor(mode, { kubeconfigPath, serviceHost, servicePort })` → when a config comes
 * back, `startKubernetesSync({ kubeConfig, log, enqueue, publishSnapshot: snapshotPublisher(exportUrl,
 * token, clusterId) })`, and `close()` on shutdown.
 */
export {
  startKubernetesSync,
  type KubernetesStats,
  type KubernetesSync,
  type KubernetesSyncOptions,
} from './kubernetes-sync.ts';
export {
  kubeConfigFor,
  KubernetesConfigError,
  SERVICE_ACCOUNT_DIR,
  type InClusterEnvironment,
  type KubernetesMode,
} from './kube-config.ts';
export {
  snapshotPublisher,
  SNAPSHOT_PATH,
  type PublishSnapshot,
  type SnapshotStats,
} from './snapshot-publisher.ts';
export { forwardedNormalReasons } from './event-records.ts';
export type { EventForwarderStats } from './event-forwarder.ts';
export type { ReflectorStats } from './reflector.ts';
export type { PodMetadata } from '@apo/shared/kubernetes';
