import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig, readConfigFile, setIn } from '@apo/otlp-transport';
import { agentConfigSchema, type AgentConfig } from './config/agent-config.ts';

/**
 * The one place the agent reads `process.env`. The config file (`--config`, or `APO_AGENT_CONFIG`) is the
 * base; the variables below override it; every problem is reported at once with the value quoted.
 */
export { ConfigError };
export type { AgentConfig };

type Env = Record<string, string | undefined>;

/** Per-user by default, beside the server's `apo/data`, so a laptop run needs no configuration. */
function defaultAgentDataDir(home: string, xdgDataHome: string | undefined): string {
  return join(
    xdgDataHome !== undefined && xdgDataHome !== '' ? xdgDataHome : join(home, '.local', 'share'),
    'apo',
    'agent',
  );
}

export function loadAgentConfig(env: Env = process.env, configPath?: string): AgentConfig {
  const file = configPath ?? env.APO_AGENT_CONFIG;
  const raw: Record<string, unknown> = file !== undefined && file !== '' ? readConfigFile(file) : {};
  setIn(raw, ['logLevel'], env.APO_AGENT_LOG_LEVEL);
  setIn(raw, ['dataDir'], env.APO_AGENT_DATA_DIR);
  setIn(raw, ['receivers', 'host'], env.APO_AGENT_OTLP_HOST);
  setIn(raw, ['receivers', 'grpcPort'], env.APO_AGENT_OTLP_GRPC_PORT);
  setIn(raw, ['receivers', 'httpPort'], env.APO_AGENT_OTLP_HTTP_PORT);
  setIn(raw, ['status', 'host'], env.APO_AGENT_STATUS_HOST);
  setIn(raw, ['status', 'port'], env.APO_AGENT_STATUS_PORT);
  setIn(raw, ['export', 'url'], env.APO_AGENT_EXPORT_URL);
  setIn(raw, ['export', 'token'], env.APO_AGENT_TOKEN);
  setIn(raw, ['host', 'intervalSeconds'], env.APO_AGENT_HOST_INTERVAL);
  setIn(raw, ['host', 'name'], env.APO_AGENT_HOST_NAME);
  setIn(raw, ['sampling', 'enabled'], env.APO_AGENT_SAMPLING);
  if (raw.dataDir === undefined) raw.dataDir = defaultAgentDataDir(env.HOME ?? homedir(), env.XDG_DATA_HOME);
  return parseConfig(agentConfigSchema, raw);
}
