import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '@apo/pipeline/testing';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
});

function startAgent(env: Record<string, string>): {
  proc: ChildProcess;
  output: () => { stdout: string; stderr: string };
} {
  let stdout = '';
  let stderr = '';
  // Only what the agent needs: an inherited APO_* variable must not change what is being tested.
  const proc = spawn(process.execPath, ['src/main.ts'], {
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
      throw new Error(`agent exited early with ${proc.exitCode}: ${output().stderr}`);
    try {
      return await fetch(url);
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`agent never answered ${url}: ${String(err)}\n${output().stderr}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('apo-agent process', () => {
  it('serves /healthz and /metrics, logs JSON to stdout, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'apo-agent-main-'));
    const { proc, output } = startAgent({
      APO_AGENT_STATUS_PORT: String(port),
      APO_AGENT_OTLP_HTTP_PORT: String(await freePort()),
      APO_AGENT_OTLP_GRPC_PORT: String(await freePort()),
      // Nothing listens there: the agent keeps what it would export on disk and retries.
      APO_AGENT_EXPORT_URL: `http://127.0.0.1:${await freePort()}`,
      APO_AGENT_DATA_DIR: dataDir,
    });

    const health = await waitForHealthz(`http://127.0.0.1:${port}/healthz`, proc, output);
    expect(health.status).toBe(200);
    const body = (await health.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', component: 'agent', version: '0.1.0' });
    expect(typeof body.uptimeSeconds).toBe('number');

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^apo_agent_up 1$/m);
    expect(metrics).toMatch(/^apo_agent_start_time_seconds \d+\.\d{3}$/m);

    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }).toEqual({ code: 0, signal: null });

    const lines = output()
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; component: string });
    expect(lines.every((line) => line.component === 'agent')).toBe(true);
    expect(lines.map((line) => line.msg)).toEqual(
      expect.arrayContaining(['apo-agent ready', 'shutting down', 'stopped']),
    );
  });

  it('refuses to start on a bad port, quoting the value, with exit code 1', async () => {
    const { proc, output } = startAgent({ APO_AGENT_STATUS_PORT: 'not-a-port' });
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(output().stderr).toContain('status.port: must be a TCP port number 1-65535 (got "not-a-port")');
    expect(output().stderr).toContain('usage: apo-agent [--config agent.yaml]');
  });
});
