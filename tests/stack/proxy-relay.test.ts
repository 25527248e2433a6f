/**
 * Real processes: OpenTelemetry SDK → apo-agent → apo-proxy (cluster eu-1, agent tokens) → apo-server (auth
 * on, proxy tokens), and a plain OTLP sender → a second apo-proxy (cluster us-2) → the same server. What is
 * stored carries each proxy's cluster id and is told apart by the API's `cluster` filter; what a proxy
 * refuses (credential, malformed body, rate limit) is answered clearly and never stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkTraffic } from '../../apps/agent/test/support/sdk-traffic.ts';
import { apiClient, type ApiClient } from '../../apps/server/test/support/api-client.ts';
import { startServerProcess, type ServerProcess } from '../../apps/server/test/support/server-process.ts';
import { eventually, sampleValue, startAgentProcess, type AgentProcess } from './support/agent-process.ts';
import {
  numberedTraces,
  postTraces,
  startProxyProcess,
  storedSpans,
  type ProxyProcess,
} from './support/proxy-process.ts';

const ADMIN = 'admin-token-for-tests';

describe('agent → proxy → server (real processes, two clusters)', () => {
  let server: ServerProcess;
  let api: ApiClient;
  let eu: ProxyProcess;
  let us: ProxyProcess;
  let agent: AgentProcess;
  const nowNs = BigInt(Date.now()) * 1_000_000n;

  beforeAll(async () => {
    server = await startServerProcess({
      env: {
        APO_AUTH: 'on',
        APO_ADMIN_TOKEN: ADMIN,
        APO_PROXY_TOKENS: 'proxy-eu-0123456789ab,proxy-us-0123456789ab',
      },
    });
    api = apiClient(server.httpUrl, ADMIN);
    [eu, us] = await Promise.all([
      startProxyProcess({
        exportUrl: server.httpUrl,
        clusterId: 'eu-1',
        token: 'proxy-eu-0123456789ab',
        agentTokens: 'agent-eu',
      }),
      startProxyProcess({
        exportUrl: server.httpUrl,
        clusterId: 'us-2',
        token: 'proxy-us-0123456789ab',
        // Generous for the other tests here; the rate-limit test sends more than a second's worth at once.
        env: { APO_PROXY_RATE_LIMIT: '500' },
      }),
    ]);
    agent = await startAgentProcess({
      exportUrl: eu.otlpHttpUrl,
      env: { APO_AGENT_TOKEN: 'agent-eu', APO_AGENT_SAMPLING: 'off' },
    });
  });
  afterAll(async () => {
    await agent.dispose();
    await Promise.all([eu.dispose(), us.dispose()]);
    await server.dispose();
  });

  it('stores what arrives through each proxy with its cluster id, told apart by the cluster filter', async () => {
    const sdk = sdkTraffic(agent.otlpHttpUrl, 'relay-eu');
    const traceIds = Array.from({ length: 10 }, () => sdk.trace({ route: '/eu', durationMs: 5 }));
    await sdk.flush();
    await sdk.shutdown();
    for (let n = 0; n < 3; n++)
      expect((await postTraces(us.otlpHttpUrl, numberedTraces(n, 4, 'relay-us', nowNs))).status).toBe(200);

    const euSpans = await eventually(
      async () => {
        const stored = await storedSpans(api, 'relay-eu');
        return stored.size === 20 ? stored : undefined;
      },
      60_000,
      'the agent’s 20 spans stored',
    );
    expect([...euSpans.values()].every((s) => s.cluster === 'eu-1' && s.count === 1)).toBe(true);
    const usSpans = await eventually(
      async () => {
        const stored = await storedSpans(api, 'relay-us');
        return stored.size === 12 ? stored : undefined;
      },
      60_000,
      'the 12 spans sent through the second proxy stored',
    );
    expect([...usSpans.values()].every((s) => s.cluster === 'us-2')).toBe(true);
    // The API tells the clusters apart.
    expect((await storedSpans(api, 'relay-eu', 'us-2')).size).toBe(0);
    expect((await storedSpans(api, 'relay-eu', 'eu-1')).size).toBe(20);
    const trace = await api.traces.byId.query({ traceId: traceIds[0]!, cluster: 'eu-1' });
    expect(trace.spans).toHaveLength(2);

    // The agent is known to the proxy by its host name (X-APO-Agent-Id), and its batches are counted.
    const metrics = await eu.metrics();
    const received = metrics
      .split('\n')
      .filter((l) => l.startsWith('apo_proxy_received_items_total{agent=') && l.includes('signal="traces"'));
    expect(received.length).toBeGreaterThan(0);
    expect(received.some((l) => l.includes('agent="token-1"'))).toBe(false);
  });

  it('answers a wrong or missing agent token with 401 and stores nothing of it', async () => {
    const missing = await postTraces(eu.otlpHttpUrl, numberedTraces(100, 3, 'relay-denied', nowNs));
    expect(missing.status).toBe(401);
    expect(Buffer.from(await missing.arrayBuffer()).toString()).toContain(
      'missing credential: this proxy requires "Authorization: Bearer <agent token>"',
    );
    const wrong = await postTraces(eu.otlpHttpUrl, numberedTraces(101, 3, 'relay-denied', nowNs), {
      authorization: 'Bearer agent-us',
    });
    expect(wrong.status).toBe(401);
    // A marker through the same proxy afterwards: once it is stored, anything forwarded before it would be too.
    const marker = await postTraces(eu.otlpHttpUrl, numberedTraces(102, 1, 'relay-marker', nowNs), {
      authorization: 'Bearer agent-eu',
    });
    expect(marker.status).toBe(200);
    await eventually(
      async () => ((await storedSpans(api, 'relay-marker')).size === 1 ? true : undefined),
      60_000,
      'the marker stored',
    );
    expect((await storedSpans(api, 'relay-denied')).size).toBe(0);
    expect(
      sampleValue(
        await eu.metrics(),
        'apo_proxy_rejected_requests_total{agent="unauthenticated",reason="unauthenticated"}',
      ),
    ).toBe(2);
  });

  it('answers malformed input with 400 and keeps serving', async () => {
    const bad = await fetch(`${us.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0x0a, 0x7f, 0x12, 0x00]),
    });
    expect(bad.status).toBe(400);
    expect(Buffer.from(await bad.arrayBuffer()).toString()).toContain('invalid OTLP traces request');
    const badJson = await fetch(`${us.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans": "nope"}',
    });
    expect(badJson.status).toBe(400);
    const after = await postTraces(us.otlpHttpUrl, numberedTraces(200, 2, 'relay-after-bad', nowNs));
    expect(after.status).toBe(200);
    await eventually(
      async () => ((await storedSpans(api, 'relay-after-bad')).size === 2 ? true : undefined),
      60_000,
      'the request after the bad ones stored',
    );
  });

  it('rate-limits a sender with 429 and Retry-After', async () => {
    // 500 items per second, burst one second's worth: 400 pass, the next 400 at once do not.
    const first = await postTraces(us.otlpHttpUrl, numberedTraces(300, 400, 'relay-rate', nowNs));
    expect(first.status).toBe(200);
    const second = await postTraces(us.otlpHttpUrl, numberedTraces(301, 400, 'relay-rate', nowNs));
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(
        await us.metrics(),
        'apo_proxy_rejected_items_total{agent="anonymous",reason="rate_limited"}',
      ),
    ).toBe(400);
  });
});
