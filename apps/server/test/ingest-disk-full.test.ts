/**
 * A real server whose data directory is on a small tmpfs, filled to the last byte while senders keep
 * sending: requests are answered 503 + Retry-After within the write bound, /readyz says why, and once space
 * is freed every batch a sender retried is stored exactly once and the server is ready again.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '@apo/shared/otlp';
import { startServerProcess } from './support/server-process.ts';
import { apiClient } from './support/api-client.ts';
import { tracesRequest } from './support/fixtures.ts';

const WRITE_TIMEOUT_MS = 2_000;
const FLUSH_INTERVAL_MS = 200;

/** Mounts a 128 MiB tmpfs, or says why it cannot (the test is then skipped with that reason). */
function mountTmpfs(): { dir: string } | { problem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'apo-disk-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128m', 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { problem: stderr !== undefined && stderr !== '' ? stderr : (err as Error).message };
  }
}

const mount = mountTmpfs();
afterAll(() => {
  if (!('dir' in mount)) return;
  try {
    execFileSync('umount', [mount.dir], { stdio: 'pipe' });
  } finally {
    rmSync(mount.dir, { recursive: true, force: true });
  }
});

/** Writes until the file system refuses, so not one more byte fits. */
async function fill(path: string): Promise<number> {
  const file = await open(path, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
      const chunk = Buffer.alloc(size, 7);
      for (;;) {
        try {
          await file.write(chunk);
          written += size;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    await file.close().catch(() => undefined);
  }
  return written;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  ms: number;
}

async function send(url: string, body: Uint8Array, batchId: string): Promise<Answer> {
  const t0 = performance.now();
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', 'x-apo-batch-id': batchId },
    body,
  });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - t0 };
}

const name =
  'dir' in mount
    ? 'answers 503 within the write bound while the disk is full, reports it on /readyz, and stores every retried batch once after space is freed'
    : `skipped: cannot mount a tmpfs for the data directory (${mount.problem})`;

describe('the data directory’s disk is full', () => {
  it.skipIf(!('dir' in mount))(
    name,
    async () => {
      const root = (mount as { dir: string }).dir;
      const dataDir = join(root, 'data');
      mkdirSync(dataDir);
      const server = await startServerProcess({
        dataDir,
        env: {
          APO_STORAGE_WRITE_TIMEOUT_MS: String(WRITE_TIMEOUT_MS),
          APO_FLUSH_INTERVAL_MS: String(FLUSH_INTERVAL_MS),
        },
      });
      const filler = join(root, 'filler');
      try {
        const spansPerBatch = 20;
        const bodies = new Map<string, Uint8Array>();
        const batch = (id: string) => {
          const body = encodeTracesProto(tracesRequest('disk-full', spansPerBatch));
          bodies.set(id, body);
          return body;
        };
        // Acknowledged before the disk fills: must stay stored once.
        for (let i = 0; i < 3; i++) {
          expect((await send(server.httpUrl, batch(`before-${i}`), `before-${i}`)).status).toBe(200);
        }

        expect(await fill(filler)).toBeGreaterThan(0);
        const during = await Promise.all(
          Array.from({ length: 5 }, (_, i) => send(server.httpUrl, batch(`during-${i}`), `during-${i}`)),
        );
        // Answered, not left hanging: 503 with a retry delay, within two flushes' write bounds.
        for (const a of during) {
          expect(a.status).toBe(503);
          expect(a.retryAfter).toBe('2');
          expect(a.ms).toBeLessThan(2 * WRITE_TIMEOUT_MS + FLUSH_INTERVAL_MS + 2_000);
        }
        const notReady = await fetch(`${server.httpUrl}/readyz`);
        expect(notReady.status).toBe(503);
        const { reason } = (await notReady.json()) as { reason: string };
        expect(reason).toMatch(
          /^storage cannot write since \d{4}-\d\d-\d\dT[\d:.]+Z: not enough disk space \(NOT_ENOUGH_SPACE\)$/,
        );
        // Still failing fast while nothing changes, with the same "since".
        const again = await send(server.httpUrl, bodies.get('during-0')!, 'during-0');
        expect(again.status).toBe(503);
        expect(again.ms).toBeLessThan(2 * WRITE_TIMEOUT_MS + FLUSH_INTERVAL_MS + 2_000);

        await rm(filler);
        // Ready again without any request: the writer's own empty flush finds the storage writable.
        const readyDeadline = Date.now() + 30_000;
        while ((await fetch(`${server.httpUrl}/readyz`)).status !== 200) {
          if (Date.now() > readyDeadline) throw new Error(`not ready again:\n${server.output()}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        // The senders' retries (same ids, same bodies) are stored, once.
        for (let i = 0; i < 5; i++) {
          expect((await send(server.httpUrl, bodies.get(`during-${i}`)!, `during-${i}`)).status).toBe(200);
        }
        for (let i = 0; i < 3; i++) {
          expect((await send(server.httpUrl, bodies.get(`before-${i}`)!, `before-${i}`)).status).toBe(200);
        }
        const services = await apiClient(server.httpUrl).services.list.query({
          from: Date.now() - 3_600_000,
          to: Date.now() + 60_000,
        });
        expect(services.find((s) => s.name === 'disk-full')?.spanCount).toBe(8 * spansPerBatch);
        const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
        expect(metrics).toMatch(/^apo_storage_writable 1$/m);
        expect(server.output()).not.toContain('could not remove');
        expect(metrics).toMatch(/^apo_storage_failed_flushes_total\{kind="unavailable"\} [1-9]/m);
      } finally {
        await rm(filler, { force: true });
        await server.dispose();
      }
    },
    180_000,
  );
});
