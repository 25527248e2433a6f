import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, spawnNode, waitForAnswer, type NodeProcess } from '@apo/otlp-transport/testing';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let child: NodeProcess | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await child?.stop('SIGKILL');
  child = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function startProxy(env: Record<string, string>, args: string[] = []): NodeProcess {
  child = spawnNode(['src/main.ts', ...args], env, appDir);
  return child;
}

describe('apo-proxy process', () => {
  it('serves /healthz and /metrics, logs JSON to stdout, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'apo-proxy-main-'));
    dirs.push(dataDir);
    const proc = startProxy({
      APO_PROXY_STATUS_PORT: String(port),
      APO_PROXY_OTLP_HTTP_PORT: String(await freePort()),
      APO_PROXY_OTLP_GRPC_PORT: String(await freePort()),
      APO_PROXY_DATA_DIR: dataDir,
      APO_PROXY_CLUSTER_ID: 'process-test',
    });

    const health = await waitForAnswer(`http://127.0.0.1:${port}/healthz`, proc, 'proxy', {
      timeoutMs: 20_000,
    });
    expect(health.status).toBe(200);
    const body = (await health.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ok',
      component: 'proxy',
      version: '0.1.0',
      clusterId: 'process-test',
      exportUrl: 'http://127.0.0.1:3300',
      queuedBatches: 0,
      lastExportError: null,
    });
    expect(typeof body.uptimeSeconds).toBe('number');

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^apo_proxy_up 1$/m);
    expect(metrics).toMatch(/^apo_proxy_start_time_seconds \d+\.\d{3}$/m);

    const code = await proc.stop('SIGTERM');
    expect({ code, signal: proc.child.signalCode }).toEqual({ code: 0, signal: null });

    const lines = proc
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; component: string });
    expect(lines.every((line) => line.component === 'proxy')).toBe(true);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['apo-proxy ready', 'shutting down', 'stopped']),
    );
  });

  it('refuses to start on a bad port, quoting the value, with exit code 1', async () => {
    const proc = startProxy({ APO_PROXY_STATUS_PORT: 'not-a-port' });
    const code = await proc.exited;
    expect(code).toBe(1);
    expect(proc.stderr()).toContain('status.port: must be a TCP port number 1-65535 (got "not-a-port")');
  });

  it('refuses to start listening beyond loopback without agent tokens, saying why', async () => {
    const proc = startProxy({ APO_PROXY_OTLP_HOST: '0.0.0.0' });
    const code = await proc.exited;
    expect(code).toBe(1);
    expect(proc.stderr()).toContain('receiving beyond loopback needs agent tokens');
  });

  it('reads --config and names an unreadable file', async () => {
    const proc = startProxy({}, ['--config', '/nonexistent/proxy.yaml']);
    const code = await proc.exited;
    expect(code).toBe(1);
    expect(proc.stderr()).toContain('cannot read config file "/nonexistent/proxy.yaml"');
    expect(proc.stderr()).toContain('usage: apo-proxy [--config proxy.yaml]');
  });
});
