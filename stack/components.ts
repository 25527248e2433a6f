import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackConfig } from './env.ts';

/** One process of the stack: how to start it, how to know it is ready, and what to tell the user about it. */
export interface Component {
  name: string;
  entry: string;
  args: string[];
  /** Set on top of the inherited environment. */
  env: Record<string, string>;
  /** Answers 2xx once the component serves. */
  readyUrl: string;
  /** Lines for the "what runs where" table. */
  where: string[];
}

const repo = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

/** The server serves the web console at its root. */
export const consoleUrlOf = (config: StackConfig) => `http://127.0.0.1:${config.ports.serverHttp}/`;

/**
 * The desktop app on the stack's server (`pnpm --filter @apo/desktop start`: builds and starts Electron).
 * Not supervised like the others: it has no ready URL, and closing its window leaves the stack running.
 */
export function desktopComponent(config: StackConfig, electronPath: string): Component {
  return {
    name: 'desktop',
    entry: repo('apps/desktop/scripts/launch.ts'),
    args: [],
    env: { APO_SERVER_URL: `http://127.0.0.1:${config.ports.serverHttp}` },
    readyUrl: '',
    where: [`the desktop app (Electron ${electronPath}); closing it leaves the stack running`],
  };
}

/**
 * The local stack, wired as a real deployment is: demo shop → agent → proxy → server. Components start in
 * this order and stop in reverse, so nothing sends to a hop that is not listening yet.
 */
export function stackComponents(config: StackConfig): Component[] {
  const { ports } = config;
  const serverUrl = `http://127.0.0.1:${ports.serverHttp}`;
  const proxyUrl = `http://127.0.0.1:${ports.proxyHttp}`;
  const agentUrl = `http://127.0.0.1:${ports.agentHttp}`;
  const components: Component[] = [
    {
      name: 'server',
      entry: repo('apps/server/bin/apo-server.js'),
      args: [],
      env: { APO_HTTP_PORT: String(ports.serverHttp), APO_GRPC_PORT: String(ports.serverGrpc) },
      readyUrl: `${serverUrl}/healthz`,
      where: [
        `API + OTLP/HTTP  ${serverUrl}   (tRPC at /trpc, health /healthz, metrics /metrics)`,
        `OTLP/gRPC        127.0.0.1:${ports.serverGrpc}`,
      ],
    },
  ];
  if (config.withProxy) {
    components.push({
      name: 'proxy',
      entry: repo('apps/proxy/bin/apo-proxy.js'),
      args: [],
      env: {
        APO_PROXY_OTLP_HTTP_PORT: String(ports.proxyHttp),
        APO_PROXY_OTLP_GRPC_PORT: String(ports.proxyGrpc),
        APO_PROXY_STATUS_PORT: String(ports.proxyStatus),
        APO_PROXY_EXPORT_URL: serverUrl,
        APO_PROXY_CLUSTER_ID: config.clusterId,
      },
      readyUrl: `http://127.0.0.1:${ports.proxyStatus}/healthz`,
      where: [
        `OTLP/HTTP        ${proxyUrl}   (cluster "${config.clusterId}")`,
        `OTLP/gRPC        127.0.0.1:${ports.proxyGrpc}`,
        `status           http://127.0.0.1:${ports.proxyStatus}/healthz, /metrics`,
      ],
    });
  }
  components.push({
    name: 'agent',
    entry: repo('apps/agent/bin/apo-agent.js'),
    args: [],
    env: {
      APO_AGENT_OTLP_HTTP_PORT: String(ports.agentHttp),
      APO_AGENT_OTLP_GRPC_PORT: String(ports.agentGrpc),
      APO_AGENT_STATUS_PORT: String(ports.agentStatus),
      APO_AGENT_EXPORT_URL: config.withProxy ? proxyUrl : serverUrl,
    },
    readyUrl: `http://127.0.0.1:${ports.agentStatus}/healthz`,
    where: [
      `OTLP/HTTP        ${agentUrl}   (point your apps' OpenTelemetry SDKs here)`,
      `OTLP/gRPC        127.0.0.1:${ports.agentGrpc}`,
      `status           http://127.0.0.1:${ports.agentStatus}/healthz, /metrics`,
    ],
  });
  if (config.withDemo) {
    const dataDir = config.demoDataDir;
    components.push({
      name: 'demo',
      entry: repo('examples/demo-shop/src/main.ts'),
      args: [],
      env: {
        DEMO_AGENT_URL: agentUrl,
        DEMO_BASE_PORT: String(ports.demoBase),
        DEMO_DATA_DIR: dataDir,
      },
      readyUrl: `http://127.0.0.1:${ports.demoBase}/healthz`,
      where: [
        `shop             http://127.0.0.1:${ports.demoBase}   (gateway; services and traffic: examples/demo-shop)`,
        `faults           pnpm demo:fault --list   (audit log ${join(dataDir, 'faults.jsonl')})`,
      ],
    });
  }
  return components;
}
