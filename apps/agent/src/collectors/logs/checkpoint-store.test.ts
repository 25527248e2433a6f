import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKPOINT_FILE, CheckpointStore } from './checkpoint-store.ts';
import { silentLog } from './testing/collector-harness.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-log-checkpoints-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const segment = (key: string, from: number, to: number) => ({
  key,
  path: `/logs/${key}.log`,
  sourceKey: 'src',
  fingerprint: 'f'.repeat(32),
  fingerprintBytes: 256,
  from,
  to,
});

describe('CheckpointStore', () => {
  it('starts empty on a new data directory and says so', async () => {
    const store = await CheckpointStore.open(join(dir, 'nested', 'data'), silentLog);
    expect(store.existed).toBe(false);
    expect(store.get('1:2')).toBeUndefined();
    expect(store.pending).toBeNull();
  });

  it('keeps commits, the pending batch and the sources across a reopen', async () => {
    const store = await CheckpointStore.open(dir, silentLog);
    store.addSource('src');
    store.commit([segment('1:2', 0, 100), segment('1:3', 0, 7), segment('1:2', 0, 40)], 1000);
    store.setPending({ batchId: 'log-abc', segments: [segment('1:2', 40, 90)] });
    await store.save();
    const again = await CheckpointStore.open(dir, silentLog);
    expect(again.existed).toBe(true);
    expect(again.hasSource('src')).toBe(true);
    expect(again.hasSource('other')).toBe(false);
    // A later range of the same file wins (a truncation restarted it at 0).
    expect(again.get('1:2')?.offset).toBe(40);
    expect(again.get('1:3')?.offset).toBe(7);
    expect(again.pending).toEqual({ batchId: 'log-abc', segments: [segment('1:2', 40, 90)] });
    expect(await readdir(dir)).toEqual([CHECKPOINT_FILE]);
  });

  it('serialises saves so the last state wins', async () => {
    const store = await CheckpointStore.open(dir, silentLog);
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      store.commit([segment('1:2', 0, i)], i);
      saves.push(store.save());
    }
    await Promise.all(saves);
    expect((await CheckpointStore.open(dir, silentLog)).get('1:2')?.offset).toBe(20);
  });

  it('moves an unreadable file aside and starts without checkpoints, not as a first start', async () => {
    await writeFile(join(dir, CHECKPOINT_FILE), '{"version":1,"sources":[');
    const store = await CheckpointStore.open(dir, silentLog);
    expect(store.existed).toBe(true);
    expect(store.get('1:2')).toBeUndefined();
    const names = await readdir(dir);
    expect(names.some((n) => n.startsWith(`${CHECKPOINT_FILE}.corrupt-`))).toBe(true);
  });

  it('forgets files not tailed any more once they are older than the retention', async () => {
    const store = await CheckpointStore.open(dir, silentLog);
    store.commit([segment('1:2', 0, 10)], 1_000);
    store.commit([segment('1:3', 0, 10)], 1_000);
    store.commit([segment('1:4', 0, 10)], 9_000);
    store.prune(10_000, 5_000, new Set(['1:3']));
    expect(store.get('1:2')).toBeUndefined();
    expect(store.get('1:3')).toBeDefined();
    expect(store.get('1:4')).toBeDefined();
    await store.save();
    const saved = JSON.parse(await readFile(join(dir, CHECKPOINT_FILE), 'utf8')) as {
      files: { key: string }[];
    };
    expect(saved.files.map((f) => f.key).sort()).toEqual(['1:3', '1:4']);
  });
});
