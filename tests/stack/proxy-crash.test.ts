/**
 * "Acknowledged = stored, once" through the proxy: senders → apo-proxy → apo-server under steady load while
 * the server is down for 60 s and back, then while the proxy is killed with SIGKILL and restarted on the same
 * ports and data directory. The senders behave like agents: each request carries a batch id and is retried
 * until the proxy acknowledges it. Every span must then be stored exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient } from '../../apps/server/test/support/api-client.ts';
import {
  freePort,
  startServerProcess,
  type ServerProcess,
} from '../../apps/server/test/support/server-process.ts';
import { eventually, sampleValue } from './support/agent-process.ts';
import {
  numberedTraces,
  postTraces,
  spanIdOf,
  startProxyProcess,
  storedSpans,
  type ProxyProcess,
} from './support/proxy-process.ts';

const SPANS_PER_REQUEST = 10;
const SERVICE = 'proxy-crash';
const OUTAGE_MS = 60_000;

describe('server outage and proxy crash under load (real processes, SIGKILL)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('stores every acknowledged span exactly once', async () => {
    const serverDir = await mkdtemp(join(tmpdir(), 'apo-proxy-crash-server-'));
    const proxyDir = await mkdtemp(join(tmpdir(), 'apo-proxy-crash-proxy-'));
    cleanup.push(
      () => rm(serverDir, { recursive: true, force: true }),
      () => rm(proxyDir, { recursive: true, force: true }),
    );
    const serverPorts = { httpPort: await freePort(), grpcPort: await freePort() };
    const proxyPorts = { http: await freePort(), grpc: await freePort(), status: await freePort() };
    const startServer = () => startServerProcess({ dataDir: serverDir, ...serverPorts });
    const startProxy = () =>
      startProxyProcess({
        exportUrl: `http://127.0.0.1:${serverPorts.httpPort}`,
        clusterId: 'crash',
        dataDir: proxyDir,
        ports: proxyPorts,
      });
    let server: ServerProcess = await startServer();
    let proxy: ProxyProcess = await startProxy();
    cleanup.push(
      () => proxy.stop('SIGKILL'),
      () => server.stop('SIGKILL'),
    );

    const acked: number[] = [];
    let next = 0;
    let sending = true;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    // Like an agent with its disk queue: a request is sent again, with the same batch id, until acknowledged.
    const sender = async () => {
      while (sending) {
        const n = next++;
        const body = numberedTraces(n, SPANS_PER_REQUEST, SERVICE, nowNs);
        for (;;) {
          try {
            const res = await postTraces(`http://127.0.0.1:${proxyPorts.http}`, body, {
              'x-apo-batch-id': `crash-${n}`,
            });
            if (res.ok) {
              acked.push(n);
              break;
            }
          } catch {
            // the proxy is restarting
          }
          await new Promise((r) => setTimeout(r, 200));
        }
        // A steady, modest rate: the point is failures under load, not peak throughput.
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const senders = Promise.all([sender(), sender()]);
    const ackedAtLeast = (count: number) =>
      eventually(
        () => Promise.resolve(acked.length >= count ? true : undefined),
        90_000,
        `${count} acknowledged requests`,
      );

    await ackedAtLeast(30);
    await server.stop('SIGKILL');
    const downAt = Date.now();
    await ackedAtLeast(acked.length + 40); // the proxy keeps accepting while the server is down
    const queued = (await proxy.health()).queuedBatches as number;
    expect(queued).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    server = await startServer();
    await ackedAtLeast(acked.length + 40);
    await proxy.stop('SIGKILL');
    proxy = await startProxy();
    await ackedAtLeast(acked.length + 40);
    sending = false;
    await senders;

    const expected = new Set<string>();
    for (let n = 0; n < next; n++)
      for (let i = 0; i < SPANS_PER_REQUEST; i++) expected.add(spanIdOf(n, i, SPANS_PER_REQUEST));
    // Every request was retried until acknowledged, so every one must arrive.
    expect(acked.length).toBe(next);
    // First wait until the proxy has delivered everything it holds (each batch acknowledged by the server,
    // so stored), on its /metrics, which costs the server nothing. Reading every stored span back while
    // waiting (page after page, round after round) took 3–10 s a round on a busy machine and slowed the
    // server's ingest so much that the proxy's backlog drained ~10× slower (docs/testing.md, "proxy-crash").
    const proxyQueued = 'apo_proxy_export_queued_batches{signal="traces"}';
    await eventually(
      async () => {
        const m = await proxy.metrics();
        if (!m.includes(`${proxyQueued} `)) throw new Error(`the proxy's metrics have no ${proxyQueued}`);
        return sampleValue(m, proxyQueued) === 0 ? true : undefined;
      },
      120_000,
      'the proxy has delivered everything it holds',
    ).catch(async (err: unknown) => {
      // The export counters and what each export worker is doing (apo_proxy_export_workers{step}, and
      // how long: a stall shows as a step held longer than it can take), plus the exporter's stall log.
      const m = await proxy.metrics();
      const lines = m.split('\n').filter((l) => /export_|queue/.test(l) && !l.startsWith('#'));
      const stalls = proxy
        .output()
        .split('\n')
        .filter((l) => l.includes('export stalled'));
      throw new Error(
        `${String(err)}\n${lines.join('\n')}\n${stalls.join('\n')}\n${proxy.output().slice(-3000)}`,
      );
    });
    const api = apiClient(server.httpUrl);
    let stored = new Map<string, { count: number; cluster: string }>();
    const missing = () => [...expected].filter((id) => !stored.has(id));
    await eventually(
      async () => {
        stored = await storedSpans(api, SERVICE);
        return missing().length === 0 ? true : undefined;
      },
      60_000,
      'every acknowledged span stored',
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${missing().length} spans missing, ${stored.size} stored`);
    });
    expect([...stored].filter(([, s]) => s.count > 1)).toEqual([]);
    expect(stored.size).toBe(expected.size);
    expect([...stored.values()].every((s) => s.cluster === 'crash')).toBe(true);
    expect(sampleValue(await proxy.metrics(), 'apo_proxy_export_queue_corrupt_records_total')).toBe(0);
  }, 300_000);
});
