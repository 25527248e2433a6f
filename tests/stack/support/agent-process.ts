import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../../apps/server/test/support/server-process.ts';
import { spawnNode, waitForAnswer } from '../../../packages/otlp-transport/src/testing/index.ts';

const mainPath = fileURLToPath(new URL('../../../apps/agent/src/main.ts', import.meta.url));

export interface AgentProcess {
  otlpHttpUrl: string;
  otlpGrpcUrl: string;
  statusUrl: string;
  dataDir: string;
  child: ChildProcess;
  output: () => string;
  /** Prometheus text of the agent's /metrics. */
  metrics: () => Promise<string>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  dispose: () => Promise<void>;
}

export interface AgentProcessOptions {
  exportUrl: string;
  /** The script to run: the sources by default, or the built bundle (apps/agent/dist/apo-agent.mjs). */
  entry?: string;
  dataDir?: string;
  env?: Record<string, string>;
  ports?: { http: number; grpc: number; status: number };
}

/** A real `apo-agent` process on free ports with its own data directory (or a given one, to restart). */
export async function startAgentProcess(opts: AgentProcessOptions): Promise<AgentProcess> {
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'apo-agent-test-')));
  const ports = opts.ports ?? { http: await freePort(), grpc: await freePort(), status: await freePort() };
  const proc = spawnNode([opts.entry ?? mainPath], {
    APO_AGENT_OTLP_HTTP_PORT: String(ports.http),
    APO_AGENT_OTLP_GRPC_PORT: String(ports.grpc),
    APO_AGENT_STATUS_PORT: String(ports.status),
    APO_AGENT_EXPORT_URL: opts.exportUrl,
    APO_AGENT_DATA_DIR: dataDir,
    APO_AGENT_LOG_LEVEL: 'warn',
    ...opts.env,
  });
  const statusUrl = `http://127.0.0.1:${ports.status}`;
  await waitForAnswer(`${statusUrl}/healthz`, proc, 'agent', { accept: (res) => res.ok });
  const { child, stop } = proc;
  const output = () => proc.stdout() + proc.stderr();
  return {
    otlpHttpUrl: `http://127.0.0.1:${ports.http}`,
    otlpGrpcUrl: `http://127.0.0.1:${ports.grpc}`,
    statusUrl,
    dataDir,
    child,
    output,
    metrics: async () => (await fetch(`${statusUrl}/metrics`)).text(),
    stop,
    dispose: async () => {
      await stop();
      if (!opts.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The value of one sample in Prometheus text (`name{labels}` exactly as written), or 0 when absent. */
export function sampleValue(text: string, series: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}

/**
 * Polls `check` until it returns a value (not undefined) or the deadline passes; `everyMs` apart (a heavier
 * read, polled for minutes, asks less often).
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `${what} not reached within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
