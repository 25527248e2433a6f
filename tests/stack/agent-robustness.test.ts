/**
 * The agent under bad input and a dead next hop (a real agent process; the export URL points at a port
 * nothing listens on): clear 400s, nothing else lost, and a full disk queue that drops the oldest batches,
 * counts them and never grows past its bound.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '../../packages/shared/src/otlp/index.ts';
import { generateTraces } from '../../bench/workload.ts';
import { freePort } from '../../apps/server/test/support/server-process.ts';
import { eventually, sampleValue, startAgentProcess, type AgentProcess } from './support/agent-process.ts';

describe('agent robustness (real agent process, no next hop reachable)', () => {
  let agent: AgentProcess;
  const queueMaxBytes = 256 * 1024;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'apo-agent-robust-'));
    const config = join(dir, 'agent.yaml');
    // Sampling off: every request goes straight to the (small) export queue.
    await writeFile(config, `sampling:\n  enabled: false\nexport:\n  queueMaxBytes: ${queueMaxBytes}\n`);
    agent = await startAgentProcess({
      exportUrl: `http://127.0.0.1:${await freePort()}`,
      dataDir: join(dir, 'data'),
      env: { APO_AGENT_CONFIG: config },
    });
  });
  afterAll(async () => agent.dispose());

  const post = (path: string, body: BodyInit, contentType: string) =>
    fetch(`${agent.otlpHttpUrl}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('answers malformed protobuf and JSON with 400 and a message, and keeps serving', async () => {
    const proto = await post(
      '/v1/traces',
      new Uint8Array([0x0a, 0xff, 0xff, 0x01]),
      'application/x-protobuf',
    );
    expect(proto.status).toBe(400);
    expect(proto.headers.get('content-type')).toBe('application/x-protobuf');
    const json = await post('/v1/logs', '{"resourceLogs": [', 'application/json');
    expect(json.status).toBe(400);
    expect(((await json.json()) as { message: string }).message).toMatch(/invalid OTLP logs request/);
    const type = await post('/v1/metrics', 'x', 'text/plain');
    expect(type.status).toBe(415);
    const good = await post(
      '/v1/traces',
      new Uint8Array(encodeTracesProto(generateTraces({ spansPerRequest: 10, seed: 7 }))),
      'application/x-protobuf',
    );
    expect(good.status).toBe(200);
    expect(sampleValue(await agent.metrics(), 'apo_agent_refused_requests_total{reason="malformed"}')).toBe(
      2,
    );
  });

  it('drops the oldest batches when the disk queue is full, counts them, and stays within its bound', async () => {
    const body = new Uint8Array(encodeTracesProto(generateTraces({ spansPerRequest: 200, seed: 3 })));
    for (let i = 0; i < 60; i++) {
      const res = await post('/v1/traces', body, 'application/x-protobuf');
      expect(res.status).toBe(200);
    }
    const metrics = await eventually(
      async () => {
        const m = await agent.metrics();
        return sampleValue(m, 'apo_agent_export_dropped_items_total{signal="traces",reason="queue_full"}') > 0
          ? m
          : undefined;
      },
      20_000,
      'drops counted',
    );
    expect(sampleValue(metrics, 'apo_agent_export_queue_disk_bytes')).toBeLessThanOrEqual(queueMaxBytes);
    expect(
      sampleValue(metrics, 'apo_agent_export_dropped_batches_total{signal="traces",reason="queue_full"}'),
    ).toBeGreaterThan(0);
    // Still serving, and /healthz says why nothing leaves.
    const health = await fetch(`${agent.statusUrl}/healthz`);
    expect(health.status).toBe(200);
    const status = (await health.json()) as { queuedBatches: number; lastExportError: string | null };
    expect(status.queuedBatches).toBeGreaterThan(0);
    await eventually(
      async () => {
        const h = (await (await fetch(`${agent.statusUrl}/healthz`)).json()) as {
          lastExportError: string | null;
        };
        return h.lastExportError !== null ? h : undefined;
      },
      20_000,
      'the export error in /healthz',
    );
  });
});
