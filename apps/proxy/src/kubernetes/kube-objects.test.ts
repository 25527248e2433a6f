import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { podRecordOf, stripContainerScheme, timeNanos } from './kube-objects.ts';

const id = 'ab'.repeat(32);

/** A pod as a watch stream delivers it: raw JSON, not instances of the client's model classes. */
const raw = (json: object): V1Pod => JSON.parse(JSON.stringify(json)) as V1Pod;

function podJson(extra: { spec?: object; status?: object } = {}): V1Pod {
  return raw({
    metadata: { name: 'api-0', namespace: 'prod', uid: 'u-1', labels: { 'pod-template-hash': 'x' } },
    spec: { nodeName: 'node-1', containers: [], ...extra.spec },
    status: { phase: 'Running', podIP: '10.1.2.3', ...extra.status },
  });
}

describe('Kubernetes object fields', () => {
  it('strips the runtime scheme from container ids', () => {
    expect(stripContainerScheme(`containerd://${id}`)).toBe(id);
    expect(stripContainerScheme(`docker://${id}`)).toBe(id);
    expect(stripContainerScheme(`cri-o://${id}`)).toBe(id);
    expect(stripContainerScheme(id)).toBe(id);
  });

  it('reads Kubernetes times to the nanosecond, from strings (watch) or Dates (list)', () => {
    expect(timeNanos('2025-06-01T10:00:00Z')).toBe(1_748_772_000_000_000_000n);
    expect(timeNanos('2025-06-01T10:00:00.123456Z')).toBe(1_748_772_000_123_456_000n);
    expect(timeNanos('2025-06-01T12:00:00.5+02:00')).toBe(1_748_772_000_500_000_000n);
    expect(timeNanos(new Date(1_748_772_000_123))).toBe(1_748_772_000_123_000_000n);
    expect(timeNanos(undefined)).toBe(0n);
    expect(timeNanos(null)).toBe(0n);
    expect(timeNanos('yesterday')).toBe(0n);
  });

  it('keeps the pod IP only when it is the pod’s own', () => {
    expect(podRecordOf(podJson())?.podIp).toBe('10.1.2.3');
    expect(podRecordOf(podJson({ spec: { hostNetwork: true } }))?.podIp).toBe('');
    expect(podRecordOf(podJson({ status: { phase: 'Succeeded' } }))?.podIp).toBe('');
    expect(podRecordOf(podJson({ status: { phase: 'Failed' } }))?.podIp).toBe('');
    expect(podRecordOf(podJson({ status: { phase: 'Pending' } }))?.podIp).toBe('10.1.2.3');
  });

  it('reports an OOM kill once, whether it is the current or the last state', () => {
    const terminated = {
      exitCode: 137,
      reason: 'OOMKilled',
      containerID: `containerd://${id}`,
      finishedAt: '2025-06-01T10:00:00Z',
    };
    const dead = podRecordOf(
      podJson({
        status: { containerStatuses: [{ name: 'api', state: { terminated }, lastState: { terminated } }] },
      }),
    );
    expect(dead?.oomKills).toEqual([
      { container: 'api', containerId: id, exitCode: 137, finishedAtNs: 1_748_772_000_000_000_000n },
    ]);
    expect(dead?.containerIds).toEqual([id]);
    const crashed = podRecordOf(
      podJson({
        status: {
          containerStatuses: [
            { name: 'api', state: { terminated: { ...terminated, reason: 'Error', exitCode: 1 } } },
          ],
        },
      }),
    );
    expect(crashed?.oomKills).toEqual([]);
  });

  it('ignores an object without the identity every pod has', () => {
    expect(podRecordOf(raw({ metadata: { name: 'x' } }))).toBeUndefined();
    expect(podRecordOf(raw({}))).toBeUndefined();
  });
});
