/**
 * Tail-sampling decisions relayed by the proxy: two real agents export to one apo-proxy (agent tokens on),
 * which relays their `/v1/sampling/decisions` traffic to the real server. Host B keeps a trace for its error;
 * host A, which saw only a normal entry span, keeps its part too because the decision reached it through
 * the proxy. (That the proxy holds one upstream long poll however many agents wait is checked in process,
 * apps/proxy/src/decisions/decision-relay.test.ts, where the upstream can count them.)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkTraffic } from '../../apps/agent/test/support/sdk-traffic.ts';
import { apiClient, type ApiClient } from '../../apps/server/test/support/api-client.ts';
import { startServerProcess, type ServerProcess } from '../../apps/server/test/support/server-process.ts';
import { eventually, sampleValue, startAgentProcess, type AgentProcess } from './support/agent-process.ts';
import { startProxyProcess, type ProxyProcess } from './support/proxy-process.ts';
import { attributeValue } from '../../packages/shared/src/model/index.ts';

// No budget, no baseline to speak of: a normal trace is kept only for a decision made elsewhere (or as the
// minute's one baseline, which the assertions allow).
const SAMPLING = `
sampling:
  decisionWaitSeconds: 2
  holdSeconds: 4
  spanBudgetPerSecond: 0
`;

describe('decisions relayed by the proxy between two agents (real processes)', () => {
  let server: ServerProcess;
  let api: ApiClient;
  let proxy: ProxyProcess;
  let agentA: AgentProcess;
  let agentB: AgentProcess;
  let confDir: string;

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.httpUrl);
    proxy = await startProxyProcess({ exportUrl: server.httpUrl, clusterId: 'decisions', agentTokens: 'ag' });
    confDir = await mkdtemp(join(tmpdir(), 'apo-proxy-decisions-'));
    const config = join(confDir, 'agent.yaml');
    await writeFile(config, SAMPLING);
    const env = { APO_AGENT_CONFIG: config, APO_AGENT_TOKEN: 'ag' };
    [agentA, agentB] = await Promise.all([
      startAgentProcess({ exportUrl: proxy.otlpHttpUrl, env }),
      startAgentProcess({ exportUrl: proxy.otlpHttpUrl, env }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([agentA.dispose(), agentB.dispose()]);
    await proxy.dispose();
    await server.dispose();
    await rm(confDir, { recursive: true, force: true });
  });

  const spansOf = async (traceId: string) => {
    try {
      return (await api.traces.byId.query({ traceId })).spans;
    } catch (err) {
      if (String(err).includes('not found')) return [];
      throw err;
    }
  };

  it('keeps a trace complete on both hosts when only one of them sees the error', async () => {
    // Both agents are polling through the proxy before traffic starts.
    await eventually(
      async () =>
        (await proxy.metrics()).includes('apo_proxy_decisions_waiting_polls 2') ? true : undefined,
      30_000,
      'both agents long-polling the proxy',
    );
    const a = sdkTraffic(agentA.otlpHttpUrl, 'gateway-p');
    const b = sdkTraffic(agentB.otlpHttpUrl, 'payments-p');
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
        60_000,
        `trace ${traceId} complete on both hosts`,
      );
      const reasons = new Set(spans.map((s) => attributeValue(s.attributes, 'apo.sampling.reason')));
      expect(reasons.has('error')).toBe(true);
      expect([...reasons].every((r) => r === 'error' || r === 'remote' || r === 'baseline')).toBe(true);
      expect(spans.every((s) => s.cluster === 'decisions')).toBe(true);
    }
    const gatewayReasons = new Set<unknown>();
    for (const traceId of traceIds)
      for (const s of await spansOf(traceId))
        if (attributeValue(s.resource, 'service.name') === 'gateway-p')
          gatewayReasons.add(attributeValue(s.attributes, 'apo.sampling.reason'));
    // At most one of the five is the gateway's minute baseline: the others came through the relay.
    expect(gatewayReasons.has('remote')).toBe(true);

    const metrics = await proxy.metrics();
    expect(sampleValue(metrics, 'apo_proxy_decisions_posted_total')).toBeGreaterThanOrEqual(5);
    expect(sampleValue(metrics, 'apo_proxy_decisions_forwarded_total')).toBeGreaterThanOrEqual(5);
    expect(sampleValue(metrics, 'apo_proxy_decisions_received_total')).toBeGreaterThanOrEqual(5);
  });
});
