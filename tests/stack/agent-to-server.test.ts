/**
 * Real processes end to end: OpenTelemetry SDK → apo-agent (tail sampling on, short windows) → apo-server
 * (embedded chDB); what was kept is read back through the server's tRPC API.
 */
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkTraffic } from '../../apps/agent/test/support/sdk-traffic.ts';
import { apiClient, type ApiClient } from '../../apps/server/test/support/api-client.ts';
import { startServerProcess, type ServerProcess } from '../../apps/server/test/support/server-process.ts';
import { eventually, sampleValue, startAgentProcess, type AgentProcess } from './support/agent-process.ts';
import { attributeValue } from '../../packages/shared/src/model/index.ts';

async function agentConfig(yaml: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'apo-agent-conf-')), 'agent.yaml');
  await writeFile(file, yaml);
  return file;
}

// No budget: only the error / slow / baseline rules keep traces, so what arrives is exactly what they chose.
const SAMPLING = `
sampling:
  decisionWaitSeconds: 1
  holdSeconds: 2
  spanBudgetPerSecond: 0
red:
  flushIntervalSeconds: 1
host:
  intervalSeconds: 1
processes:
  intervalSeconds: 1
`;

describe('agent → server (real processes, real OpenTelemetry SDK, tail sampling on)', () => {
  let server: ServerProcess;
  let api: ApiClient;
  let agentA: AgentProcess;
  let agentB: AgentProcess;
  let logDir: string;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.httpUrl);
    logDir = await mkdtemp(join(tmpdir(), 'apo-agent-logs-'));
    await writeFile(join(logDir, 'checkout.log'), '');
    // Only agent A tails the log directory: two agents on one host reading one file would be one agent's job.
    const withLogs = await agentConfig(
      `${SAMPLING}logs:\n  sources:\n    - include: ["${logDir}/*.log"]\n      service: checkout\n      startAt: beginning\n`,
    );
    const config = await agentConfig(SAMPLING);
    [agentA, agentB] = await Promise.all([
      startAgentProcess({ exportUrl: server.httpUrl, env: { APO_AGENT_CONFIG: withLogs } }),
      startAgentProcess({ exportUrl: server.httpUrl, env: { APO_AGENT_CONFIG: config } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([agentA.dispose(), agentB.dispose()]);
    await server.dispose();
  });

  const spansOf = async (traceId: string) => {
    try {
      return (await api.traces.byId.query({ traceId })).spans;
    } catch (err) {
      if (String(err).includes('not found')) return [];
      throw err;
    }
  };

  it('keeps every error and every slow trace, one baseline per endpoint, and drops the rest', async () => {
    const sdk = sdkTraffic(agentA.otlpHttpUrl, 'shop');
    const errors = Array.from({ length: 5 }, () =>
      sdk.trace({ route: '/checkout', durationMs: 30, error: true }),
    );
    const slow = Array.from({ length: 3 }, () => sdk.trace({ route: '/search', durationMs: 700 }));
    const normal = Array.from({ length: 20 }, () => sdk.trace({ route: '/items', durationMs: 20 }));
    await sdk.flush();
    await sdk.shutdown();

    for (const id of [...errors, ...slow]) {
      const spans = await eventually(
        async () => {
          const s = await spansOf(id);
          return s.length === 2 ? s : undefined;
        },
        30_000,
        `trace ${id} stored`,
      );
      const root = spans.find((s) => s.parentSpanId === '')!;
      expect(attributeValue(root.attributes, 'apo.sampling.reason')).toBe(
        errors.includes(id) ? 'error' : 'slow',
      );
      // Identity the SDK did not set, and the mark that RED was computed upstream.
      expect(attributeValue(root.resource, 'host.name')).toBeTruthy();
      expect(attributeValue(root.resource, 'apo.red.computed')).toBe('true');
    }
    // All 28 traces are final once the agent has dropped 20 − baselines of them.
    const dropped = await eventually(
      async () => {
        const n = sampleValue(await agentA.metrics(), 'apo_agent_sampler_dropped_traces_total');
        return n >= 18 ? n : undefined;
      },
      30_000,
      'normal traces decided',
    );
    const keptNormal = (await Promise.all(normal.map(spansOf))).filter((s) => s.length > 0);
    // One baseline for /items per minute; the 20 traces may straddle a minute boundary.
    expect(keptNormal.length).toBeGreaterThanOrEqual(1);
    expect(keptNormal.length).toBeLessThanOrEqual(2);
    expect(keptNormal.length + dropped).toBe(20);
    for (const spans of keptNormal)
      expect(attributeValue(spans[0]!.attributes, 'apo.sampling.reason')).toBe('baseline');
    // RED comes from every span, before sampling: all 28 requests and their 5 errors, though 18+ were dropped.
    const window = { from: Date.now() - 600_000, to: Date.now() + 120_000, step: 60 };
    const red = await eventually(
      async () => {
        const points = await api.services.red.query({ service: 'shop', ...window });
        return points.reduce((n, p) => n + p.count, 0) >= 28 ? points : undefined;
      },
      30_000,
      'RED of the shop service',
    );
    expect(red.reduce((n, p) => n + p.count, 0)).toBe(28);
    expect(red.reduce((n, p) => n + p.errors, 0)).toBe(5);
  });

  it('keeps a trace complete across two agents when only one of them sees the error', async () => {
    // Host A holds the entry span (normal), host B a downstream span that fails: B keeps the trace for
    // its error and shares the decision, so A keeps its part too.
    const a = sdkTraffic(agentA.otlpHttpUrl, 'gateway');
    const b = sdkTraffic(agentB.otlpHttpUrl, 'payments');
    const traceIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const traceId = a.trace({ route: '/pay', durationMs: 40 });
      traceIds.push(traceId);
      b.trace({ route: '/charge', durationMs: 10, error: true, parent: { traceId, spanId: '1'.repeat(16) } });
    }
    await Promise.all([a.flush(), b.flush()]);
    await Promise.all([a.shutdown(), b.shutdown()]);
    for (const traceId of traceIds) {
      const spans = await eventually(
        async () => {
          const s = await spansOf(traceId);
          return s.length === 4 ? s : undefined;
        },
        30_000,
        `trace ${traceId} complete on both hosts`,
      );
      const reasons = new Set(spans.map((s) => attributeValue(s.attributes, 'apo.sampling.reason')));
      expect(reasons.has('error')).toBe(true);
      // The entry host kept it either because of the shared decision or as its minute's baseline.
      expect([...reasons].every((r) => r === 'error' || r === 'remote' || r === 'baseline')).toBe(true);
    }
  });

  it('stores host metrics and the process metrics of every process that sends telemetry', async () => {
    const sdk = sdkTraffic(agentA.otlpHttpUrl, 'inventory');
    sdk.trace({ route: '/stock', durationMs: 5 });
    await sdk.flush();
    await sdk.shutdown();
    const cpu = await eventually(
      async () => {
        const points = await api.metrics.points.query({
          from: Date.now() - 600_000,
          to: Date.now() + 60_000,
          name: 'process.cpu.time',
          service: 'inventory',
        });
        return points.length > 0 ? points : undefined;
      },
      30_000,
      'process metrics of the instrumented process',
    );
    // The agent read /proc/<pid>/stat of this very process (the SDK's resource names its pid) and reports its
    // user and system CPU seconds as one pair.
    expect(cpu.map((p) => attributeValue(p.resource, 'process.pid'))).toEqual(
      cpu.map(() => String(process.pid)),
    );
    expect(new Set(cpu.map((p) => attributeValue(p.labels, 'cpu.mode')))).toEqual(
      new Set(['user', 'system']),
    );
    const host = await eventually(
      async () => {
        const points = await api.metrics.points.query({
          from: Date.now() - 600_000,
          to: Date.now() + 60_000,
          name: 'node_memory_MemTotal_bytes',
        });
        return points.length > 0 ? points : undefined;
      },
      30_000,
      'host metrics',
    );
    // The agent runs on this machine: its MemTotal is the one /proc/meminfo shows here, in bytes.
    const memTotalKb = /^MemTotal:\s+(\d+) kB$/m.exec(await readFile('/proc/meminfo', 'utf8'))?.[1];
    expect(host.map((p) => p.value)).toEqual(host.map(() => Number(memTotalKb) * 1024));
  });

  it('tails log files into log records with severity and trace ids, plus error counts per instance', async () => {
    const traceId = 'ab'.repeat(16);
    const lines = [
      JSON.stringify({
        time: new Date().toISOString(),
        level: 'info',
        msg: 'order accepted',
        trace_id: traceId,
      }),
      JSON.stringify({
        time: new Date().toISOString(),
        level: 'error',
        msg: 'card declined',
        trace_id: traceId,
      }),
      `${new Date().toISOString()} ERROR payment gateway timed out trace_id=${traceId}`,
    ];
    await appendFile(join(logDir, 'checkout.log'), lines.join('\n') + '\n');
    const logs = await eventually(
      async () => {
        const page = await api.logs.search.query({
          from: Date.now() - 600_000,
          to: Date.now() + 60_000,
          service: 'checkout',
          traceId,
        });
        return page.items.length >= 3 ? page.items : undefined;
      },
      20_000,
      'tailed log lines stored',
    );
    const bodies = new Set(logs.map((l) => l.body));
    // JSON lines give their message field; a free-text line is kept whole (its time, level and ids parsed out).
    expect(bodies.has('order accepted') && bodies.has('card declined')).toBe(true);
    expect([...bodies].some((b) => b.includes('ERROR payment gateway timed out'))).toBe(true);
    expect(logs).toHaveLength(3);
    expect(logs.filter((l) => l.severityNumber >= 17)).toHaveLength(2);
    expect(
      logs.every((l) => l.traceId === traceId && attributeValue(l.resource, 'host.name') !== undefined),
    ).toBe(true);
    const errors = await eventually(
      async () => {
        const points = await api.metrics.points.query({
          from: Date.now() - 600_000,
          to: Date.now() + 60_000,
          name: 'apo.log.error.count',
          service: 'checkout',
        });
        return points.length > 0 ? points : undefined;
      },
      20_000,
      'error-line counts',
    );
    expect(errors.length).toBeGreaterThan(0);
  });
});
