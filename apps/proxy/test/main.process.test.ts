import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@apo/pipeline/testing';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let child: ChildProcess | undefined;
const dirs: string[] = [];

afterEach(async () => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function startProxy(
  env: Record<string, string>,
  args: string[] = [],
): {
  proc: ChildProcess;
  output: () => { stdout: string; stderr: string };
} {
  let stdout = '';
  let stderr = '';
  // Only what the proxy needs: an inherited APO_* variable must not change what is being tested.
  const proc = spawn(process.execPath, ['src/main.ts', ...args], {
    cwd: appDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
  });
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child = proc;
  return { proc, output: () => ({ stdout, stderr }) };
}

async function waitForHealthz(
  url: string,
  proc: ChildProcess,
  output: () => { stderr: string },
): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (proc.exitCode !== null)
      throw new Error(`proxy exited early with ${proc.exitCode}: ${output().stderr}`);
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`proxy never answered ${url}: ${String(err)}\n${output().stderr}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('apo-proxy process', () => {
  it('serves /healthz and /metrics, logs JSON to stdout, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'apo-proxy-main-'));
    dirs.push(dataDir);
    const { proc, output } = startProxy({
      APO_PROXY_STATUS_PORT: String(port),
      APO_PROXY_OTLP_HTTP_PORT: String(await freePort()),
      APO_PROXY_OTLP_GRPC_PORT: String(await freePort()),
      APO_PROXY_DATA_DIR: dataDir,
      APO_PROXY_CLUSTER_ID: 'process-test',
    });

    const health = await waitForHealthz(`http://127.0.0.1:${port}/healthz`, proc, output);
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

    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });

    const lines = output()
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; component: string });
    expect(lines.every((line) => line.component === 'proxy')).toBe(true);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['apo-proxy ready', 'shutting down', 'stopped']),
    );
  });

  it('refuses to start on a bad port, quoting the value, with exit code 1', async () => {
    const { proc, output } = startProxy({ APO_PROXY_STATUS_PORT: 'not-a-port' });
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output().stderr).toContain('status.port: must be a TCP port number 1-65535 (got "not-a-port")');
  });

  it('refuses to start listening beyond loopback without agent tokens, saying why', async () => {
    const { proc, output } = startProxy({ APO_PROXY_OTLP_HOST: '0.0.0.0' });
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output().stderr).toContain('receiving beyond loopback needs agent tokens');
  });

  it('reads --config and names an unreadable file', async () => {
    const { proc, output } = startProxy({}, ['--config', '/nonexistent/proxy.yaml']);
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output().stderr).toContain('cannot read config file "/nonexistent/proxy.yaml"');
    expect(output().stderr).toContain('usage: apo-proxy [--config proxy.yaml]');
  });
});
