/**
 * Kubernetes metadata on records, at ingest: a proxy forwards agents' batches as they came and publishes
 * its cluster's pods separately (PUT /v1/kubernetes/pods); here each resource of a request from that cluster
 * that names a known pod — by `container.id`, `k8s.pod.uid` or `k8s.pod.ip` — gets the pod's namespace,
 * name, uid, node and workload. Per resource, not per span: the resource attribute map is encoded once per
 * resource anyway, and a resource carries hundreds of spans. Attributes the sender set are never replaced.
 */
import type { Attributes } from '@apo/shared/model';
import type { ClusterPodIndex } from '../features/kubernetes/pod-index.ts';
import type { DecodedBatch } from './decoded-batch.ts';

/** Where ingest finds a cluster's pods (the server's PodDirectory). */
export interface PodLookup {
  index(cluster: string): ClusterPodIndex | undefined;
}

function enrich(attributes: Attributes, index: ClusterPodIndex): boolean {
  const pod = index.lookup(attributes);
  if (pod === undefined) return false;
  for (const [key, value] of pod.attributes) if (attributes[key] === undefined) attributes[key] = value;
  return true;
}

/** Adds pod attributes to the batch's resources in place; returns how many resources matched a pod. */
export function attachPodMetadata(batch: DecodedBatch, index: ClusterPodIndex): number {
  let matched = 0;
  switch (batch.signal) {
    case 'traces':
      for (const r of batch.data.resourceSpans) if (enrich(r.resource.attributes, index)) matched++;
      break;
    case 'logs':
      for (const r of batch.data.resourceLogs) if (enrich(r.resource.attributes, index)) matched++;
      break;
    case 'metrics':
      for (const r of batch.data.resourceMetrics) if (enrich(r.resource.attributes, index)) matched++;
      break;
  }
  return matched;
}
