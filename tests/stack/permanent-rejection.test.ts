/**
 * Real processes: a plain OTLP sender → apo-agent → apo-proxy → apo-server. A batch the server refuses for
 * good (400: its storage refuses the rows; 409: its batch id was used for other data) is dropped and counted
 * where it was refused — the proxy's exporter — instead of sitting in the proxy's queue and being retried for
 * ever; what comes after it is delivered.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLogsProto, encodeTracesProto } from '../../packages/shared/src/otlp/index.ts';
import { apiClient, type ApiClient } from '../../apps/server/test/support/api-client.ts';
import { startServerProcess, type ServerProcess } from '../../apps/server/test/support/server-process.ts';
import { dataDirRefusingService } from '../../apps/server/test/support/refusing-storage.ts';
import { logRecord, logsRequest } from '../../apps/server/test/support/fixtures.ts';
import { eventually, sampleValue, startAgentProcess, type AgentProcess } from './support/agent-process.ts';
import {
  numberedTraces,
  startProxyProcess,
  storedSpans,
  type ProxyProcess,
} from './support/proxy-process.ts';

describe('agent → proxy → server: a batch the server refuses for good', () => {
  let dataDir: string;
  let server: ServerProcess;
  let api: ApiClient;
  let proxy: ProxyProcess;
  let agent: AgentProcess;

  beforeAll(async () => {
    // The storage refuses every span of one service (a CHECK constraint, refusing-storage.ts).
    dataDir = await dataDirRefusingService('refused-service');
    server = await startServerProcess({ dataDir });
    api = apiClient(server.httpUrl);
    proxy = await startProxyProcess({ exportUrl: server.httpUrl, clusterId: 'rejects' });
    agent = await startAgentProcess({
      exportUrl: proxy.otlpHttpUrl,
      env: { APO_AGENT_SAMPLING: 'off' },
    });
  }, 120_000);
  afterAll(async () => {
    await agent.dispose();
    await proxy.dispose();
    await server.dispose();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('drops and counts a batch the server’s storage refuses (400), then delivers the next', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const refused = numberedTraces(1, 15, 'refused-service', now);
    const res = await fetch(`${agent.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(encodeTracesProto(refused)),
    });
    expect(res.status).toBe(200);

    const metrics = await eventually(
      async () => {
        const m = await proxy.metrics();
        return sampleValue(m, 'apo_proxy_export_rejected_batches_total{signal="traces"}') >= 1
          ? m
          : undefined;
      },
      60_000,
      'the proxy counting the refused batch',
    );
    expect(sampleValue(metrics, 'apo_proxy_export_rejected_batches_total{signal="traces"}')).toBe(1);
    expect(sampleValue(metrics, 'apo_proxy_export_rejected_items_total{signal="traces"}')).toBe(15);
    expect(sampleValue(metrics, 'apo_proxy_export_queued_batches{signal="traces"}')).toBe(0);
    expect(metrics).toMatch(
      /^apo_proxy_upstream_rejected_batches_total\{agent="[^"]+",signal="traces"\} 1$/m,
    );
    // Refused once, not retried: the server saw it in one flush (isolation of a single request needs no retry).
    const serverMetrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(serverMetrics).toMatch(/^apo_storage_refused_requests_total 1$/m);

    const next = await fetch(`${agent.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array(encodeTracesProto(numberedTraces(2, 12, 'after-refusal', now))),
    });
    expect(next.status).toBe(200);
    const stored = await eventually(
      async () => {
        const spans = await storedSpans(api, 'after-refusal');
        return spans.size === 12 ? spans : undefined;
      },
      60_000,
      'the next batch stored',
    );
    expect([...stored.values()].every((s) => s.count === 1 && s.cluster === 'rejects')).toBe(true);
    expect((await storedSpans(api, 'refused-service')).size).toBe(0);
  }, 120_000);

  it('drops and counts a batch whose id the server already stored for another signal (409)', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const id = { 'x-apo-batch-id': 'sender-bug-1' };
    const traces = await fetch(`${proxy.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', ...id },
      body: new Uint8Array(encodeTracesProto(numberedTraces(3, 5, 'reused-id', now))),
    });
    expect(traces.status).toBe(200);
    await eventually(
      async () => ((await storedSpans(api, 'reused-id')).size === 5 ? true : undefined),
      60_000,
      'the first batch stored',
    );
    const logs = await fetch(`${proxy.otlpHttpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', ...id },
      body: new Uint8Array(
        encodeLogsProto(logsRequest('reused-id', [logRecord({ body: 'same id, other signal' })])),
      ),
    });
    // The proxy has it on disk: accepted. The server refuses it when the proxy forwards it.
    expect(logs.status).toBe(200);
    const metrics = await eventually(
      async () => {
        const m = await proxy.metrics();
        return sampleValue(m, 'apo_proxy_export_rejected_batches_total{signal="logs"}') >= 1 ? m : undefined;
      },
      60_000,
      'the proxy counting the conflicting batch',
    );
    expect(sampleValue(metrics, 'apo_proxy_export_rejected_batches_total{signal="logs"}')).toBe(1);
    expect(sampleValue(metrics, 'apo_proxy_export_queued_batches{signal="logs"}')).toBe(0);
    expect(proxy.output()).toContain('409');
    const serverMetrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(serverMetrics).toMatch(
      /^apo_ingest_rejected_requests_total\{signal="logs",reason="conflict"\} 1$/m,
    );
  }, 120_000);
});
