import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProcFileReader } from './proc-files.ts';

describe('reading /proc files through descriptors kept open', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('reads the current content at every call, whatever its size', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apo-procfiles-'));
    dirs.push(dir);
    const path = join(dir, 'file');
    const big = 'x'.repeat(100_000);
    await writeFile(path, big);
    const reader = new ProcFileReader();
    expect(await reader.read(path)).toBe(big);
    await writeFile(path, 'short now');
    expect(await reader.read(path)).toBe('short now');
    expect(await reader.read(join(dir, 'missing'))).toBeUndefined();
    reader.close();
  });

  it('regenerates a live /proc file on each read (a positioned read from 0)', async () => {
    const reader = new ProcFileReader();
    const uptime = async () => Number((await reader.read('/proc/uptime'))!.split(' ')[0]);
    const first = await uptime();
    let later = first;
    const deadline = Date.now() + 20_000;
    while (later <= first && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      later = await uptime();
    }
    reader.close();
    expect(later).toBeGreaterThan(first);
    // A seq_file hands out about a page per read(2): a file near or above that size must still come whole.
    const netstat = new ProcFileReader();
    const shape = (text: string | undefined) =>
      text
        ?.trimEnd()
        .split('\n')
        .map((line) => `${line.split(' ')[0]!} ${line.split(' ').length}`);
    const text = await netstat.read('/proc/net/netstat');
    netstat.close();
    expect(text!.length).toBeGreaterThan(4096);
    expect(shape(text)).toEqual(shape(readFileSync('/proc/net/netstat', 'latin1')));
  });
});
