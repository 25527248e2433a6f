import { describe, expect, it } from 'vitest';
import type { PodMetadata } from '@apo/shared/kubernetes';
import type { TracesData } from '@apo/shared/model';
import { attrs } from '../../storage/telemetry-fixtures.ts';
import { attachPodMetadata } from '../../ingest/pod-enrichment.ts';
import { ClusterPodIndex } from './pod-index.ts';

const idA = 'a1'.repeat(32);
const idB = 'b2'.repeat(32);

const api: PodMetadata = {
  uid: 'uid-api',
  namespace: 'shop',
  name: 'api-7d9f8b6c5d-x2x4z',
  node: 'node-a',
  podIp: '10.244.1.11',
  containerIds: [idA],
  workloadKind: 'Deployment',
  workloadName: 'api',
};
const db: PodMetadata = {
  uid: 'uid-db',
  namespace: 'shop',
  name: 'postgres-0',
  node: '',
  podIp: '10.244.1.12',
  containerIds: [idB],
  workloadKind: 'StatefulSet',
  workloadName: 'postgres',
};

const apiAttributes = {
  'k8s.namespace.name': 'shop',
  'k8s.pod.name': 'api-7d9f8b6c5d-x2x4z',
  'k8s.pod.uid': 'uid-api',
  'k8s.node.name': 'node-a',
  'k8s.deployment.name': 'api',
  'k8s.workload.kind': 'Deployment',
  'k8s.workload.name': 'api',
};

const attributesOf = (index: ClusterPodIndex, a: Record<string, string>) =>
  Object.fromEntries(index.lookup(attrs(a))?.attributes ?? []);

describe('ClusterPodIndex', () => {
  const index = new ClusterPodIndex([api, db]);

  it('finds a pod by container id (full, short, or with the runtime scheme), then pod uid, then pod IP', () => {
    expect(attributesOf(index, { 'container.id': idA })).toEqual(apiAttributes);
    expect(attributesOf(index, { 'container.id': idA.slice(0, 12) })).toEqual(apiAttributes);
    expect(attributesOf(index, { 'container.id': `containerd://${idA}` })).toEqual(apiAttributes);
    expect(attributesOf(index, { 'k8s.pod.uid': 'uid-db' })['k8s.statefulset.name']).toBe('postgres');
    expect(attributesOf(index, { 'k8s.pod.ip': '10.244.1.11' })['k8s.pod.uid']).toBe('uid-api');
    // The container id wins over a pod uid that names another pod.
    expect(attributesOf(index, { 'container.id': idB, 'k8s.pod.uid': 'uid-api' })['k8s.pod.uid']).toBe(
      'uid-db',
    );
    // An unknown container id falls through to the uid.
    expect(
      attributesOf(index, { 'container.id': 'ff'.repeat(32), 'k8s.pod.uid': 'uid-api' })['k8s.pod.uid'],
    ).toBe('uid-api');
    expect(index.lookup(attrs({ 'host.name': 'node-a' }))).toBeUndefined();
    // No node yet: no k8s.node.name rather than an empty one.
    expect(attributesOf(index, { 'k8s.pod.uid': 'uid-db' })).not.toHaveProperty('k8s.node.name');
  });

  it('refuses to guess when two pods claim one IP or one short id', () => {
    const twin: PodMetadata = {
      ...db,
      uid: 'uid-twin',
      podIp: api.podIp,
      containerIds: [`${idA.slice(0, 12)}${'0'.repeat(52)}`],
    };
    const ambiguous = new ClusterPodIndex([api, twin]);
    expect(ambiguous.lookup(attrs({ 'k8s.pod.ip': api.podIp }))).toBeUndefined();
    expect(ambiguous.lookup(attrs({ 'container.id': idA.slice(0, 12) }))).toBeUndefined();
    expect(attributesOf(ambiguous, { 'container.id': idA })['k8s.pod.uid']).toBe('uid-api');
  });
});

describe('attachPodMetadata', () => {
  it('adds the pod’s attributes to matching resources and never replaces what the sender set', () => {
    const resource = (a: Record<string, string>) => ({ attributes: attrs(a), droppedAttributesCount: 0 });
    const batch: { signal: 'traces'; data: TracesData } = {
      signal: 'traces',
      data: {
        resourceSpans: [
          {
            resource: resource({ 'service.name': 'api', 'container.id': idA }),
            scopeSpans: [],
            schemaUrl: '',
          },
          {
            resource: resource({
              'service.name': 'api',
              'k8s.pod.uid': 'uid-api',
              'k8s.namespace.name': 'custom',
            }),
            scopeSpans: [],
            schemaUrl: '',
          },
          { resource: resource({ 'service.name': 'other' }), scopeSpans: [], schemaUrl: '' },
        ],
      },
    };
    expect(attachPodMetadata(batch, new ClusterPodIndex([api]))).toBe(2);
    const [first, second, third] = batch.data.resourceSpans.map((r) => ({ ...r.resource.attributes }));
    expect(first).toEqual({ 'service.name': 'api', 'container.id': idA, ...apiAttributes });
    expect(second).toEqual({ 'service.name': 'api', ...apiAttributes, 'k8s.namespace.name': 'custom' });
    expect(third).toEqual({ 'service.name': 'other' });
  });
});
