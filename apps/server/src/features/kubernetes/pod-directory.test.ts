/**
 * Pod snapshots against the real embedded engine: a publish is stored, a second directory on the same
 * storage (another server of a ClickHouse cluster, or this one after a restart) reads the latest one, and a
 * refresh takes only what is newer.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PodMetadata } from '@apo/shared/kubernetes';
import { attrs } from '../../storage/telemetry-fixtures.ts';
import { openStorage, type Storage } from '../../storage/index.ts';
import { CapturingLog, selectRows } from '../../storage/storage-test-support.ts';
import { PodDirectory } from './pod-directory.ts';

let dataDir: string;
let storage: Storage;
const log = new CapturingLog();

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-pods-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, log);
});
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const pod = (name: string, workloadName: string): PodMetadata => ({
  uid: `uid-${name}`,
  namespace: 'shop',
  name,
  node: 'node-a',
  podIp: '',
  containerIds: [name.padEnd(64, '0')],
  workloadKind: 'Deployment',
  workloadName,
});

const workloadOf = (d: PodDirectory, cluster: string, name: string) =>
  Object.fromEntries(d.index(cluster)?.lookup(attrs({ 'k8s.pod.uid': `uid-${name}` }))?.attributes ?? [])[
    'k8s.workload.name'
  ];

describe('PodDirectory', () => {
  it('stores each publish, and another directory on the same storage reads the latest per cluster', async () => {
    const first = await PodDirectory.load(storage, log);
    expect(first.clusters()).toEqual([]);
    await first.replace('eu-1', [pod('a', 'v1')]);
    // Two publishes at once: applied in arrival order, the last wins.
    await Promise.all([
      first.replace('eu-1', [pod('a', 'v2')]),
      first.replace('eu-1', [pod('a', 'v3'), pod('b', 'v3')]),
    ]);
    await first.replace('us-1', [pod('c', 'other')]);
    expect(workloadOf(first, 'eu-1', 'a')).toBe('v3');

    const second = await PodDirectory.load(storage, log);
    expect(second.clusters().map((c) => [c.cluster, c.pods])).toEqual([
      ['eu-1', 2],
      ['us-1', 1],
    ]);
    expect(workloadOf(second, 'eu-1', 'a')).toBe('v3');
    expect(workloadOf(second, 'us-1', 'a')).toBeUndefined();
    expect(second.clusters()).toEqual(first.clusters());
    const versions = await selectRows<{ n: string }>(
      storage,
      "SELECT count() AS n FROM apo.kubernetes_pods WHERE cluster = 'eu-1'",
    );
    expect(Number(versions[0]?.n)).toBeGreaterThanOrEqual(1);

    // A publish through the first reaches the second at its next refresh; nothing newer, nothing read.
    await first.replace('eu-1', [pod('a', 'v4')]);
    expect(workloadOf(second, 'eu-1', 'a')).toBe('v3');
    expect(await second.refresh(log)).toBe(1);
    expect(workloadOf(second, 'eu-1', 'a')).toBe('v4');
    expect(await second.refresh(log)).toBe(0);
  });
});
