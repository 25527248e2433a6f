/**
 * The README's run command (`node stack/main.ts`) as a child process on free ports with its own data
 * directories: what the local-stack test and the footprint/soak benchmarks start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../apps/server/test/support/server-process.ts';

const stackMain = fileURLToPath(new URL('../../../stack/main.ts', import.meta.url));

export interface LocalStack {
  child: ChildProcess;
  serverUrl: string;
  agentUrl: string;
  proxyUrl: string;
  shopUrl: string;
  /** Root of every data directory and log of this stack. */
  dir: string;
  output: () => string;
  stop: () => Promise<void>;
  /** Stops the stack and deletes its directories. */
  dispose: () => Promise<void>;
}

export interface LocalStackOptions {
  args?: string[];
  env?: Record<string, string>;
  /** How long to wait for "APO is running". */
  readyTimeoutMs?: number;
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const dir = await mkdtemp(join(tmpdir(), 'apo-stack-'));
  const port: Record<string, number> = {};
  for (const name of [
    'APO_HTTP_PORT',
    'APO_GRPC_PORT',
    'APO_PROXY_OTLP_HTTP_PORT',
    'APO_PROXY_OTLP_GRPC_PORT',
    'APO_PROXY_STATUS_PORT',
    'APO_AGENT_OTLP_HTTP_PORT',
    'APO_AGENT_OTLP_GRPC_PORT',
    'APO_AGENT_STATUS_PORT',
  ])
    port[name] = await freePort();
  // The demo shop takes a block of ports from its base: pick a base well away from ephemeral ports in use.
  port.DEMO_BASE_PORT = 20_000 + Math.floor(Math.random() * 400) * 20;
  let output = '';
  const child = spawn(process.execPath, [stackMain, '--dir', join(dir, 'stack'), ...(opts.args ?? [])], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APO_DATA_DIR: join(dir, 'server'),
      APO_AGENT_DATA_DIR: join(dir, 'agent'),
      APO_PROXY_DATA_DIR: join(dir, 'proxy'),
      DEMO_DATA_DIR: join(dir, 'demo'),
      ...Object.fromEntries(Object.entries(port).map(([k, v]) => [k, String(v)])),
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
  while (!output.includes('APO is running')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the local stack did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await exited;
  };
  return {
    child,
    serverUrl: `http://127.0.0.1:${port.APO_HTTP_PORT}`,
    agentUrl: `http://127.0.0.1:${port.APO_AGENT_OTLP_HTTP_PORT}`,
    proxyUrl: `http://127.0.0.1:${port.APO_PROXY_OTLP_HTTP_PORT}`,
    shopUrl: `http://127.0.0.1:${port.DEMO_BASE_PORT}`,
    dir,
    output: () => output,
    stop,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
