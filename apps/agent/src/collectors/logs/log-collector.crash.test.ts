/**
 * Kill -9 of the agent in the middle of a file, three times, then a clean run to the end. The collector
 * runs in a child process whose sink appends each batch to a file (the disk queue's stand-in). A kill
 * after the queue write but before the checkpoint write leaves a batch delivered twice — under the same
 * batch id and with the same lines, which is what lets the server's batch-id ledger store it once. The
 * test checks exactly that: same id ⇒ same lines, and the lines of the distinct batches, in order, are
 * the file's lines exactly.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asFileText, numberedLines, waitUntil } from './testing/collector-harness.ts';

const CHILD = fileURLToPath(new URL('./testing/crash-child.ts', import.meta.url));

interface QueueEntry {
  batchId: string;
  replay: boolean;
  bodies: string[];
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-log-crash-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function readQueue(path: string): QueueEntry[] {
  if (!existsSync(path)) return [];
  const entries: QueueEntry[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (text === '') continue;
    try {
      entries.push(JSON.parse(text) as QueueEntry);
    } catch {
      // The last line may be read while being written; the next poll sees it whole.
    }
  }
  return entries;
}

function distinctLines(entries: QueueEntry[]): number {
  const seen = new Set<string>();
  let lines = 0;
  for (const e of entries) {
    if (seen.has(e.batchId)) continue;
    seen.add(e.batchId);
    lines += e.bodies.length;
  }
  return lines;
}

describe('crash (SIGKILL) in the middle of a file', () => {
  it(
    'delivers every line once per batch id: a batch repeated after a crash has the same id and lines',
    { timeout: 120_000 },
    async () => {
      const log = join(dir, 'app.log');
      const queue = join(dir, 'queue.jsonl');
      const lines = numberedLines('line', 1, 20_000);
      writeFileSync(log, asFileText(lines));
      let stderr = '';
      const run = (): { exited: Promise<void>; kill: (signal: NodeJS.Signals) => void } => {
        const child = spawn(process.execPath, [CHILD, log, join(dir, 'data'), queue], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        return { exited, kill: (signal) => child.kill(signal) };
      };
      for (const threshold of [1_000, 6_000, 12_000]) {
        const child = run();
        await waitUntil(
          () => distinctLines(readQueue(queue)) >= threshold,
          `${threshold} lines queued`,
          60_000,
        );
        child.kill('SIGKILL');
        await child.exited;
      }
      const last = run();
      await waitUntil(() => distinctLines(readQueue(queue)) >= lines.length, 'every line queued', 60_000);
      last.kill('SIGTERM');
      await last.exited;

      const entries = readQueue(queue);
      const byId = new Map<string, string[]>();
      const inOrder: string[] = [];
      for (const entry of entries) {
        const earlier = byId.get(entry.batchId);
        if (earlier === undefined) {
          byId.set(entry.batchId, entry.bodies);
          inOrder.push(...entry.bodies);
        } else {
          expect(entry.bodies, `batch ${entry.batchId} repeated with other lines`).toEqual(earlier);
        }
      }
      expect(inOrder, stderr).toEqual(lines);
      // Each restart found the batch the kill interrupted and sent it again under its id.
      expect(entries.filter((e) => e.replay).length).toBeGreaterThanOrEqual(1);
    },
  );
});
