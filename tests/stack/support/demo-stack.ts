/**
 * One whole stack for the demo-shop fault tests, all real processes: apo-server (embedded chDB) ← apo-agent
 * (every span kept, RED flushed and processes sampled every second) ← the demo shop's seven services with
 * the preload, exporting spans and logs every 200 ms (metrics every 2 s), under a steady traffic rate. The shop's
 * supervisor runs in the test process (its programmatic API); faults go through the fault CLI, as a user
 * types them (`pnpm demo:fault …` is `node examples/demo-shop/src/cli/fault.ts …`).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startShop, type ServiceName, type Shop } from '../../../examples/demo-shop/src/index.ts';
import { freePortRange, runCli } from '../../../examples/demo-shop/test/support/shop-harness.ts';
import { apiClient, type ApiClient } from '../../../apps/server/test/support/api-client.ts';
import { startServerProcess, type ServerProcess } from '../../../apps/server/test/support/server-process.ts';
import { eventually, startAgentProcess, type AgentProcess } from './agent-process.ts';

export interface DemoStack {
  server: ServerProcess;
  agent: AgentProcess;
  api: ApiClient;
  shop: Shop;
  /** The shop's data directory (fault store, audit log). */
  dataDir: string;
  url: (service: ServiceName, path: string) => string;
  /** Port of a service's public endpoint: what its callers' client spans name as `server.port`. */
  port: (service: ServiceName) => string;
  /** Runs the fault CLI; throws with its output unless it exits 0. Returns stdout. */
  fault: (...args: string[]) => Promise<string>;
  dispose: () => Promise<void>;
}

export interface DemoStackOptions {
  /** Average traffic rate (requests/s); the compressed day is long, so the rate stays near it. */
  rps?: number;
  /**
   * How often the services export their metrics (runtime, pool). Every metric point is a row the server
   * writes: at 1 s they cost the server about as much as everything else together.
   */
  metricsMs?: number;
}

// Short windows so signatures land within seconds. Host metrics are not what these tests read: sampled
// rarely, they cost nothing. Sampling is off (APO_AGENT_SAMPLING below), so every span is stored.
const AGENT_CONFIG = `red:
  flushIntervalSeconds: 1
host:
  intervalSeconds: 15
processes:
  intervalSeconds: 1
`;

export async function startDemoStack(options: DemoStackOptions = {}): Promise<DemoStack> {
  const dir = await mkdtemp(join(tmpdir(), 'apo-demo-faults-'));
  const config = join(dir, 'agent.yaml');
  await writeFile(config, AGENT_CONFIG);
  const server = await startServerProcess();
  let agent: AgentProcess | undefined;
  let shop: Shop | undefined;
  try {
    agent = await startAgentProcess({
      exportUrl: server.httpUrl,
      env: { APO_AGENT_CONFIG: config, APO_AGENT_SAMPLING: 'off' },
    });
    const dataDir = join(dir, 'shop');
    shop = await startShop({
      dataDir,
      agentUrl: agent.otlpHttpUrl,
      ...(await freePortRange(7)),
      database: 'sqlite',
      redisUrl: null,
      // 09:00 of a six-hour day: the rate is about the average and barely moves during a test file.
      traffic: { rps: options.rps ?? 2, dayMs: 6 * 3_600_000, startPhase: 0.375 },
      exportIntervals: { spansMs: 200, logsMs: 200, metricsMs: options.metricsMs ?? 2000 },
      restartBackoff: { initialMs: 200, maxMs: 1000 },
      readyTimeoutMs: 90_000,
    });
    const started = agent;
    const running = shop;
    const api = apiClient(server.httpUrl);
    // Ready means observed: every service's process is sampled by the agent and its runtime metrics are
    // stored, so a test's first window has readings from before it.
    const observedFrom = Date.now();
    await eventually(
      async () => {
        for (const { name } of running.services) {
          for (const metric of ['process.cpu.time', 'v8js.memory.heap.used']) {
            const points = await api.metrics.points.query({
              from: observedFrom,
              to: Date.now(),
              name: metric,
              service: name,
              limit: 1,
            });
            if (points.length === 0) return undefined;
          }
        }
        return true;
      },
      60_000,
      'process and runtime metrics of every service of the shop',
    );
    return {
      server,
      agent: started,
      api,
      shop: running,
      dataDir,
      url: (service, path) => `${running.service(service).url}${path}`,
      port: (service) => new URL(running.service(service).url).port,
      fault: async (...args) => {
        const result = await runCli(args, dataDir);
        if (result.code !== 0) {
          throw new Error(`demo:fault ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
        }
        return result.stdout;
      },
      dispose: async () => {
        await running.stop();
        await started.dispose();
        await server.dispose();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await shop?.stop();
    await agent?.dispose();
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
