/** `@apo/shared/kubernetes`: the pod-metadata contract between the proxy (publishes) and the server (attaches). */
export {
  KUBERNETES_EVENT_NAME,
  MAX_SNAPSHOT_PODS,
  podLookupKeys,
  podMetadataSchema,
  podResourceAttributes,
  podSnapshotSchema,
  workloadAttributeKey,
  type PodMetadata,
  type PodSnapshot,
} from './pod-metadata.ts';
