/**
 * "Acknowledged = stored, once": load flows sender → apo-agent (tail sampling on, everything under budget)
 * → apo-server while first the server and then the agent are killed with SIGKILL and restarted on the
 * same ports and data directories. Every span of every request the agent acknowledged must be stored
 * exactly once. The sender is this test (plain OTLP/HTTP protobuf), so it knows exactly which requests
 * were acknowledged.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SpanKind, StatusCode, type TracesData } from '../../packages/shared/src/model/index.ts';
import { encodeTracesProto } from '../../packages/shared/src/otlp/index.ts';
import { apiClient } from '../../apps/server/test/support/api-client.ts';
import {
  freePort,
  startServerProcess,
  type ServerProcess,
} from '../../apps/server/test/support/server-process.ts';
import { eventually, sampleValue, startAgentProcess, type AgentProcess } from './support/agent-process.ts';

const SPANS_PER_REQUEST = 100;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Request n: SPANS_PER_REQUEST spans of one trace, ids derived from n so they can be checked afterwards. */
function request(n: number, nowNs: bigint): TracesData {
  const traceId = hex(n + 1, 32);
  return {
    resourceSpans: [
      {
        resource: { attributes: { 'service.name': 'crash-test' }, droppedAttributesCount: 0 },
        schemaUrl: '',
        scopeSpans: [
          {
            scope: { name: 'crash', version: '1', attributes: {}, droppedAttributesCount: 0 },
            schemaUrl: '',
            spans: Array.from({ length: SPANS_PER_REQUEST }, (_, i) => ({
              traceId,
              spanId: hex(n * SPANS_PER_REQUEST + i + 1, 16),
              traceState: '',
              parentSpanId: i === 0 ? '' : hex(n * SPANS_PER_REQUEST + 1, 16),
              flags: 1,
              name: i === 0 ? 'GET /crash' : 'SELECT crash',
              kind: i === 0 ? SpanKind.Server : SpanKind.Client,
              startTimeUnixNano: nowNs,
              endTimeUnixNano: nowNs + 5_000_000n,
              attributes: { 'http.route': '/crash' },
              droppedAttributesCount: 0,
              events: [],
              droppedEventsCount: 0,
              links: [],
              droppedLinksCount: 0,
              status: { code: StatusCode.Unset, message: '' },
            })),
          },
        ],
      },
    ],
  };
}

describe('agent and server crash under load (real processes, SIGKILL)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('stores every span the agent acknowledged exactly once', async () => {
    const serverDir = await mkdtemp(join(tmpdir(), 'apo-crash-server-'));
    const agentDir = await mkdtemp(join(tmpdir(), 'apo-crash-agent-'));
    cleanup.push(
      () => rm(serverDir, { recursive: true, force: true }),
      () => rm(agentDir, { recursive: true, force: true }),
    );
    const serverPorts = { httpPort: await freePort(), grpcPort: await freePort() };
    const agentPorts = { http: await freePort(), grpc: await freePort(), status: await freePort() };
    const config = join(agentDir, 'agent.yaml');
    await writeFile(
      config,
      'sampling:\n  decisionWaitSeconds: 1\n  holdSeconds: 2\n  spanBudgetPerSecond: 1000000\nred:\n  flushIntervalSeconds: 1\n',
    );
    const startServer = () => startServerProcess({ dataDir: serverDir, ...serverPorts });
    const startAgent = () =>
      startAgentProcess({
        exportUrl: `http://127.0.0.1:${serverPorts.httpPort}`,
        dataDir: join(agentDir, 'data'),
        ports: agentPorts,
        env: { APO_AGENT_CONFIG: config },
      });
    let server: ServerProcess = await startServer();
    let agent: AgentProcess = await startAgent();
    cleanup.push(
      () => agent.stop('SIGKILL'),
      () => server.stop('SIGKILL'),
    );

    const acked: number[] = [];
    let next = 0;
    let sending = true;
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const sender = async () => {
      while (sending) {
        const n = next++;
        try {
          const res = await fetch(`${agent.otlpHttpUrl}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-protobuf' },
            body: new Uint8Array(encodeTracesProto(request(n, nowNs))),
          });
          if (res.ok) acked.push(n);
          // A steady, modest rate: the point is crashes under load, not the agent's peak throughput.
          await new Promise((r) => setTimeout(r, 20));
        } catch {
          await new Promise((r) => setTimeout(r, 50)); // the agent is restarting
        }
      }
    };
    const senders = Promise.all([sender(), sender()]);
    const ackedAtLeast = (count: number) =>
      eventually(
        () => Promise.resolve(acked.length >= count ? true : undefined),
        60_000,
        `${count} acknowledged requests`,
      );

    await ackedAtLeast(50);
    await server.stop('SIGKILL');
    await ackedAtLeast(acked.length + 40); // the agent keeps accepting while the server is down
    server = await startServer();
    await ackedAtLeast(acked.length + 40);
    await agent.stop('SIGKILL');
    agent = await startAgent();
    await ackedAtLeast(acked.length + 40);
    sending = false;
    await senders;

    // Everything held and queued drains to the server, then every acknowledged span is there, once.
    const api = apiClient(server.httpUrl);
    const readStored = async () => {
      const stored = new Map<string, number>();
      let cursor: string | undefined;
      do {
        const page = await api.traces.search.query({
          from: Date.now() - 3_600_000,
          to: Date.now() + 60_000,
          service: 'crash-test',
          limit: 1000,
          ...(cursor === undefined ? {} : { cursor }),
        });
        for (const span of page.items) stored.set(span.spanId, (stored.get(span.spanId) ?? 0) + 1);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return stored;
    };
    const missingFrom = (stored: Map<string, number>) => {
      const missing: string[] = [];
      for (const n of acked) {
        for (let i = 0; i < SPANS_PER_REQUEST; i++) {
          const spanId = hex(n * SPANS_PER_REQUEST + i + 1, 16);
          if (!stored.has(spanId)) missing.push(spanId);
        }
      }
      return missing;
    };
    // First wait until the agent holds no request and has no batch left to deliver (each one acknowledged by
    // the server, so stored), on its /metrics, which costs the server nothing; only then read the spans back.
    // Reading every stored span round after round while waiting competes with the ingest it waits for
    // (docs/testing.md, "proxy-crash": the proxy's backlog drained ~10× slower under that polling).
    await eventually(
      async () => {
        const m = await agent.metrics();
        const queued = 'apo_agent_export_queued_batches{signal="traces"}';
        if (!m.includes(`${queued} `)) throw new Error(`the agent's metrics have no ${queued}`);
        return sampleValue(m, queued) === 0 && sampleValue(m, 'apo_agent_sampler_held_requests') === 0
          ? true
          : undefined;
      },
      90_000,
      'the agent has delivered everything it holds',
    ).catch(async (err: unknown) => {
      const m = await agent.metrics();
      const lines = m
        .split('\n')
        .filter((l) => /held|queued|export_|sampler|decision/.test(l) && !l.startsWith('#'));
      const stalls = agent
        .output()
        .split('\n')
        .filter((l) => l.includes('export stalled'));
      throw new Error(
        `${String(err)}\n${lines.join('\n')}\n${stalls.join('\n')}\n${agent.output().slice(-3000)}`,
      );
    });
    let stored = new Map<string, number>();
    await eventually(
      async () => {
        stored = await readStored();
        return missingFrom(stored).length === 0 ? true : undefined;
      },
      60_000,
      'every acknowledged span stored',
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${missingFrom(stored).length} spans missing, ${stored.size} stored`);
    });
    const duplicates = [...stored].filter(([, count]) => count > 1);
    expect(duplicates).toEqual([]);
    expect(missingFrom(stored)).toEqual([]);
    expect(acked.length).toBeGreaterThanOrEqual(200);
  }, 240_000);
});
