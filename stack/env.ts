import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The one place the local-stack launcher reads `process.env` and its arguments. Each component keeps its own
 * variables (APO_*, APO_AGENT_*, APO_PROXY_*, DEMO_*): the launcher reads only the ports it must wire together
 * and passes the rest of the environment through unchanged, so a variable means the same thing with or
 * without the launcher.
 */
type Env = Record<string, string | undefined>;

export class StackConfigError extends Error {
  override readonly name = 'StackConfigError';
}

// Plain checks rather than zod: the launcher stays resident for the stack's lifetime, and zod alone would
// add ~18 MB to it.
const PORT_DEFAULTS = {
  APO_HTTP_PORT: 3300,
  APO_GRPC_PORT: 24317,
  APO_PROXY_OTLP_HTTP_PORT: 14318,
  APO_PROXY_OTLP_GRPC_PORT: 14317,
  APO_PROXY_STATUS_PORT: 13134,
  APO_AGENT_OTLP_HTTP_PORT: 4318,
  APO_AGENT_OTLP_GRPC_PORT: 4317,
  APO_AGENT_STATUS_PORT: 13133,
  DEMO_BASE_PORT: 18080,
} as const;

type PortVariable = keyof typeof PORT_DEFAULTS;

function readPorts(env: Env): Record<PortVariable, number> {
  const problems: string[] = [];
  const ports = {} as Record<PortVariable, number>;
  for (const [name, fallback] of Object.entries(PORT_DEFAULTS) as [PortVariable, number][]) {
    const value = env[name];
    const n = value === undefined || value === '' ? fallback : Number(value);
    if (!/^\d+$/.test(String(n)) || n < 1 || n > 65535)
      problems.push(`${name}: must be a TCP port number 1-65535, got "${value}"`);
    ports[name] = n;
  }
  if (problems.length > 0) throw new StackConfigError(`invalid environment:\n  ${problems.join('\n  ')}`);
  return ports;
}

export interface StackConfig {
  /** Logs of every component live here. */
  dir: string;
  /** The demo shop's own default (or DEMO_DATA_DIR), so `pnpm demo:fault` finds the shop the stack started. */
  demoDataDir: string;
  withDemo: boolean;
  withProxy: boolean;
  /** Open the desktop app on the console when an Electron binary is installed (otherwise: a browser URL). */
  withDesktop: boolean;
  clusterId: string;
  ports: {
    serverHttp: number;
    serverGrpc: number;
    proxyHttp: number;
    proxyGrpc: number;
    proxyStatus: number;
    agentHttp: number;
    agentGrpc: number;
    agentStatus: number;
    demoBase: number;
  };
  /** The environment every component inherits. */
  env: Env;
}

export const STACK_USAGE = `Usage: pnpm start [options]

Starts APO's local stack: the server (embedded storage), a proxy, an agent, and the demo shop with traffic.
The web console is built first when it is missing or stale; the server serves it at its URL, and the
desktop app opens on it when its Electron binary is installed.

  --no-demo          do not start the demo shop (observe your own apps through the agent)
  --no-proxy         the agent exports straight to the server
  --no-desktop       print the console's URL even when the Electron app could open it
  --dir PATH         the components' logs (default ~/.local/share/apo/stack, or APO_STACK_DIR)
  --cluster ID       the proxy's cluster id (default "local", or APO_PROXY_CLUSTER_ID)
  -h, --help         this text

Ports come from each component's own variables (APO_HTTP_PORT, APO_PROXY_OTLP_HTTP_PORT,
APO_AGENT_OTLP_HTTP_PORT, DEMO_BASE_PORT, ...); see README.md.`;

export function loadStackConfig(argv: string[], env: Env = process.env): StackConfig | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      // `pnpm start -- --no-demo` passes the `--` on: accept both spellings.
      args: argv[0] === '--' ? argv.slice(1) : argv,
      options: {
        'no-demo': { type: 'boolean', default: false },
        'no-proxy': { type: 'boolean', default: false },
        'no-desktop': { type: 'boolean', default: false },
        dir: { type: 'string' },
        cluster: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new StackConfigError(`${(err as Error).message}\n\n${STACK_USAGE}`);
  }
  if (parsed.help) return 'help';
  const p = readPorts(env);
  return {
    dir: parsed.dir ?? env.APO_STACK_DIR ?? join(env.HOME ?? homedir(), '.local', 'share', 'apo', 'stack'),
    demoDataDir:
      env.DEMO_DATA_DIR ||
      join(env.XDG_DATA_HOME || join(env.HOME ?? homedir(), '.local', 'share'), 'apo', 'demo-shop'),
    withDemo: !parsed['no-demo'],
    withProxy: !parsed['no-proxy'],
    withDesktop: !parsed['no-desktop'],
    clusterId: parsed.cluster ?? env.APO_PROXY_CLUSTER_ID ?? 'local',
    ports: {
      serverHttp: p.APO_HTTP_PORT,
      serverGrpc: p.APO_GRPC_PORT,
      proxyHttp: p.APO_PROXY_OTLP_HTTP_PORT,
      proxyGrpc: p.APO_PROXY_OTLP_GRPC_PORT,
      proxyStatus: p.APO_PROXY_STATUS_PORT,
      agentHttp: p.APO_AGENT_OTLP_HTTP_PORT,
      agentGrpc: p.APO_AGENT_OTLP_GRPC_PORT,
      agentStatus: p.APO_AGENT_STATUS_PORT,
      demoBase: p.DEMO_BASE_PORT,
    },
    env,
  };
}
