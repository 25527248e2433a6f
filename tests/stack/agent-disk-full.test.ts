/**
 * The agent on a really full disk, and back, without a restart: its data directory on an 8 MiB tmpfs (far
 * below its 512 MiB queue bound), the server down. Filling the disk must turn into 503s and a degraded
 * /healthz; once the server is up and the backlog drained, the space must come back (no deleted file still
 * open), /healthz must say ok, new requests must be accepted, and every acknowledged span stored once —
 * while no span of a refused request is stored at all.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../apps/server/test/support/api-client.ts';
import {
  freePort,
  startServerProcess,
  type ServerProcess,
} from '../../apps/server/test/support/server-process.ts';
import { deletedFilesOpen, mountSmallDisk } from '../../packages/pipeline/src/testing/index.ts';
import { eventually, startAgentProcess, type AgentProcess } from './support/agent-process.ts';
import { bulkyTraces, health, postBody } from './support/disk-full.ts';
import { spanIdOf, storedSpans } from './support/proxy-process.ts';

const SPANS = 20;
const SERVICE = 'agent-disk-full';
const disk = await mountSmallDisk(8 << 20);

describe.skipIf(disk === undefined)(
  'agent with its data directory on a full 8 MiB tmpfs (real processes; mounting needs root: skipped without)',
  () => {
    const cleanup: (() => Promise<unknown>)[] = [];
    afterAll(async () => {
      for (const c of cleanup.reverse()) await c().catch(() => undefined);
      await disk?.dispose();
    });

    it('refuses with 503 and a degraded /healthz, then recovers its space and stores everything acknowledged once, without a restart', async () => {
      const serverDir = await mkdtemp(join(tmpdir(), 'apo-disk-full-server-'));
      cleanup.push(() => rm(serverDir, { recursive: true, force: true }));
      const serverPort = await freePort();
      const config = join(serverDir, 'agent.yaml');
      // Sampling on (the journal shares the disk with the queue), every trace kept, decided within seconds.
      await writeFile(
        config,
        'sampling:\n  decisionWaitSeconds: 1\n  holdSeconds: 2\n  spanBudgetPerSecond: 1000000\n',
      );
      const agent: AgentProcess = await startAgentProcess({
        exportUrl: `http://127.0.0.1:${serverPort}`,
        dataDir: join(disk!.dir, 'data'),
        env: { APO_AGENT_CONFIG: config },
      });
      cleanup.push(() => agent.stop('SIGKILL'));
      const pid = agent.child.pid!;
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      const acked: number[] = [];
      const refused: number[] = [];
      let next = 0;
      const send = async () => {
        const n = next++;
        const res = await postBody(agent.otlpHttpUrl, bulkyTraces(n, SPANS, SERVICE, nowNs));
        await res.arrayBuffer();
        if (res.ok) acked.push(n);
        else refused.push(n);
        return res;
      };

      // 1. Fill the disk: the server is down, everything stays on the agent's disk.
      let refusal: Response | undefined;
      while (refused.length < 20) {
        const res = await send();
        expect(res.status === 200 || res.status === 503, `status ${res.status}`).toBe(true);
        refusal ??= res.ok ? undefined : res;
        expect(next, 'the disk never filled').toBeLessThan(20_000);
      }
      expect(acked.length).toBeGreaterThan(50);
      expect(refusal!.headers.get('retry-after')).toBe('5');
      const full = await health(agent.statusUrl);
      expect(full.code).toBe(503);
      expect(full.body.status).toBe('degraded');
      const states = [full.body.queue, full.body.journal!];
      expect(states.some((s) => !s.writable && /^disk full \(ENOSPC\) since \d{4}-/.test(s.reason!))).toBe(
        true,
      );

      // 2. The server comes back: the backlog drains and the space returns, healthz says ok on its own.
      const server: ServerProcess = await startServerProcess({ dataDir: serverDir, httpPort: serverPort });
      cleanup.push(() => server.stop('SIGKILL'));
      const recovered = await eventually(
        async () => {
          const h = await health(agent.statusUrl);
          return h.code === 200 && h.body.queuedBatches === 0 ? h : undefined;
        },
        180_000,
        'the agent drained and writable again',
      ).catch((err: unknown) => {
        throw new Error(`${String(err)}\n${agent.output().slice(-3000)}`);
      });
      expect(recovered.body).toMatchObject({
        status: 'ok',
        queue: { writable: true },
        journal: { writable: true },
      });
      expect(await deletedFilesOpen(pid, disk!.dir)).toEqual([]);

      // 3. Send again: accepted, as the same process.
      const before = acked.length;
      for (let i = 0; i < 30; i++) expect((await send()).status).toBe(200);
      expect(acked.length).toBe(before + 30);

      // 4. Every acknowledged span is stored exactly once; no span of a refused request is stored.
      const api = apiClient(server.httpUrl);
      const wanted = acked.flatMap((n) => Array.from({ length: SPANS }, (_, i) => spanIdOf(n, i, SPANS)));
      let stored = new Map<string, { count: number }>();
      await eventually(
        async () => {
          stored = await storedSpans(api, SERVICE);
          return wanted.every((id) => stored.has(id)) ? true : undefined;
        },
        120_000,
        'every acknowledged span stored',
      ).catch((err: unknown) => {
        const missing = wanted.filter((id) => !stored.has(id)).length;
        throw new Error(
          `${String(err)}: ${missing} of ${wanted.length} missing\n${agent.output().slice(-3000)}`,
        );
      });
      await new Promise((r) => setTimeout(r, 3000)); // anything still in flight lands before the duplicate check
      stored = await storedSpans(api, SERVICE);
      expect([...stored].filter(([, s]) => s.count > 1)).toEqual([]);
      expect(stored.size).toBe(wanted.length);
      expect(refused.flatMap((n) => [spanIdOf(n, 0, SPANS)]).filter((id) => stored.has(id))).toEqual([]);

      const after = await health(agent.statusUrl);
      expect(after.code).toBe(200);
      expect(await deletedFilesOpen(pid, disk!.dir)).toEqual([]);
      expect(agent.child.exitCode).toBe(null);
      expect(agent.child.pid).toBe(pid);
    }, 420_000);
  },
);
