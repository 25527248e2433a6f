import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, spawnNode, waitForAnswer, type NodeProcess } from '@apo/otlp-transport/testing';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let child: NodeProcess | undefined;

afterEach(async () => {
  await child?.stop('SIGKILL');
  child = undefined;
});

function startAgent(env: Record<string, string>): NodeProcess {
  child = spawnNode(['src/main.ts'], env, appDir);
  return child;
}

describe('apo-agent process', () => {
  it('serves /healthz and /metrics, logs JSON to stdout, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'apo-agent-main-'));
    const proc = startAgent({
      APO_AGENT_STATUS_PORT: String(port),
      APO_AGENT_OTLP_HTTP_PORT: String(await freePort()),
      APO_AGENT_OTLP_GRPC_PORT: String(await freePort()),
      // Nothing listens there: the agent keeps what it would export on disk and retries.
      APO_AGENT_EXPORT_URL: `http://127.0.0.1:${await freePort()}`,
      APO_AGENT_DATA_DIR: dataDir,
    });

    const health = await waitForAnswer(`http://127.0.0.1:${port}/healthz`, proc, 'agent', {
      timeoutMs: 20_000,
    });
    expect(health.status).toBe(200);
    const body = (await health.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', component: 'agent', version: '0.1.0' });
    expect(typeof body.uptimeSeconds).toBe('number');

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^apo_agent_up 1$/m);
    expect(metrics).toMatch(/^apo_agent_start_time_seconds \d+\.\d{3}$/m);

    const code = await proc.stop('SIGTERM');
    expect({ code, signal: proc.child.signalCode }).toEqual({ code: 0, signal: null });

    const lines = proc
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; component: string });
    expect(lines.every((line) => line.component === 'agent')).toBe(true);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['apo-agent ready', 'shutting down', 'stopped']),
    );
  });

  it('refuses to start on a bad port, quoting the value, with exit code 1', async () => {
    const proc = startAgent({ APO_AGENT_STATUS_PORT: 'not-a-port' });
    const code = await proc.exited;
    expect(code).toBe(1);
    expect(proc.stderr()).toContain('status.port: must be a TCP port number 1-65535 (got "not-a-port")');
    expect(proc.stderr()).toContain('usage: apo-agent [--config agent.yaml]');
  });
});
