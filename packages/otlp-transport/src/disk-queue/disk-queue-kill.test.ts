import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskQueue } from './disk-queue.ts';

const child = fileURLToPath(new URL('./testing/append-until-killed.ts', import.meta.url));
let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

interface Report {
  appended: Set<string>;
  acking: Set<string>;
  acked: Set<string>;
}

async function readReport(path: string): Promise<Report> {
  const report: Report = { appended: new Set(), acking: new Set(), acked: new Set() };
  const text = await readFile(path, 'utf8').catch(() => '');
  // The last line may be cut by the kill: only whole lines count.
  for (const line of text.split('\n').slice(0, -1)) {
    const [what, id] = line.split(' ');
    if (what === 'appended' || what === 'acking' || what === 'acked') report[what].add(id!);
  }
  return report;
}

/** Runs the child until it reported `appends` appends and `acks` acks, then SIGKILLs it mid-stream. */
async function appendThenKill(root: string, appends: number, acks: number): Promise<Report> {
  const queueDir = join(root, 'queue');
  const reportPath = join(root, 'report.txt');
  const proc = spawn(process.execPath, [child, queueDir, reportPath], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    proc.once('exit', (_code, signal) => resolve(signal)),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const report = await readReport(reportPath);
    if (report.appended.size >= appends && report.acked.size >= acks) break;
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error('the child stopped before the kill');
    await new Promise((r) => setTimeout(r, 20));
  }
  proc.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return readReport(reportPath);
}

describe('DiskQueue under kill -9', () => {
  it('keeps every append that resolved before the kill, and forgets every ack that resolved', async () => {
    dir = await mkdtemp(join(tmpdir(), 'apo-disk-queue-kill-'));
    const { appended, acking, acked } = await appendThenKill(dir, 3000, 500);

    const queue = await DiskQueue.open({
      dir: join(dir, 'queue'),
      maxBytes: 256 << 20,
      log: pino({ level: 'silent' }),
    });
    try {
      const present: string[] = [];
      for (;;) {
        const controller = new AbortController();
        setImmediate(() => {
          controller.abort();
        });
        const record = await queue.take(controller.signal);
        if (record === null) break;
        present.push(record.batch.batchId);
        expect(record.batch.body.length).toBeGreaterThanOrEqual(100);
      }
      const presentSet = new Set(present);
      expect(presentSet.size).toBe(present.length); // nothing twice
      // An ack the kill interrupted may or may not have reached the sidecar: those ids may go either way.
      const missing = [...appended].filter((id) => !acking.has(id) && !presentSet.has(id));
      expect(missing).toEqual([]);
      const resurrected = [...acked].filter((id) => presentSet.has(id));
      expect(resurrected).toEqual([]);
      expect(present.length).toBeGreaterThanOrEqual(appended.size - acking.size);
      expect(queue.stats().corruptRecords).toBe(0);
    } finally {
      await queue.close();
    }
  });
});
