import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, list, parseConfig, readConfigFile, setIn } from '@apo/otlp-transport';
import { proxyConfigSchema, type ProxyConfig } from './config/proxy-config.ts';

/**
 * The one place the proxy reads `process.env`. The config file (`--config`, or `APO_PROXY_CONFIG`) is the
 * base; the variables below override it; every problem is reported at once with the value quoted (secrets
 * hidden).
 */
export { ConfigError };
export type { ProxyConfig };

type Env = Record<string, string | undefined>;

/** Per-user by default, beside the server's `apo/data`, so a laptop run needs no configuration. */
export function defaultProxyDataDir(home: string, xdgDataHome: string | undefined): string {
  return join(
    xdgDataHome !== undefined && xdgDataHome !== '' ? xdgDataHome : join(home, '.local', 'share'),
    'apo',
    'proxy',
  );
}

export function loadProxyConfig(env: Env = process.env, configPath?: string): ProxyConfig {
  const file = configPath ?? env.APO_PROXY_CONFIG;
  const raw: Record<string, unknown> = file !== undefined && file !== '' ? readConfigFile(file) : {};
  setIn(raw, ['logLevel'], env.APO_PROXY_LOG_LEVEL);
  setIn(raw, ['dataDir'], env.APO_PROXY_DATA_DIR);
  setIn(raw, ['clusterId'], env.APO_PROXY_CLUSTER_ID);
  setIn(raw, ['receivers', 'host'], env.APO_PROXY_OTLP_HOST);
  setIn(raw, ['receivers', 'grpcPort'], env.APO_PROXY_OTLP_GRPC_PORT);
  setIn(raw, ['receivers', 'httpPort'], env.APO_PROXY_OTLP_HTTP_PORT);
  setIn(raw, ['status', 'host'], env.APO_PROXY_STATUS_HOST);
  setIn(raw, ['status', 'port'], env.APO_PROXY_STATUS_PORT);
  setIn(raw, ['export', 'url'], env.APO_PROXY_EXPORT_URL);
  setIn(raw, ['export', 'token'], env.APO_PROXY_TOKEN);
  // The variable replaces the file's list; set to "" it leaves the file's list alone, as every override does.
  const tokens = list(env.APO_PROXY_AGENT_TOKENS);
  if (tokens !== undefined && tokens.length > 0) setIn(raw, ['agents', 'tokens'], tokens);
  setIn(raw, ['agents', 'rateLimit', 'itemsPerSecond'], env.APO_PROXY_RATE_LIMIT);
  setIn(raw, ['agents', 'rateLimit', 'burst'], env.APO_PROXY_RATE_BURST);
  setIn(raw, ['kubernetes', 'mode'], env.APO_PROXY_KUBERNETES);
  setIn(raw, ['kubernetes', 'kubeconfig'], env.APO_PROXY_KUBECONFIG);
  setIn(raw, ['kubernetes', 'serviceHost'], env.KUBERNETES_SERVICE_HOST);
  setIn(raw, ['kubernetes', 'servicePort'], env.KUBERNETES_SERVICE_PORT);
  if (raw.dataDir === undefined) raw.dataDir = defaultProxyDataDir(env.HOME ?? homedir(), env.XDG_DATA_HOME);
  try {
    return parseConfig(proxyConfigSchema, raw);
  } catch (err) {
    throw err instanceof ConfigError ? new ConfigError(hideSecrets(err.message, raw)) : err;
  }
}

/** parseConfig quotes bad values; a token must never reach a log, even a malformed one. */
function hideSecrets(message: string, raw: Record<string, unknown>): string {
  const secrets: string[] = [];
  const exportToken = (raw.export as Record<string, unknown> | undefined)?.token;
  if (typeof exportToken === 'string') secrets.push(exportToken);
  const agents = (raw.agents as Record<string, unknown> | undefined)?.tokens;
  if (Array.isArray(agents))
    for (const entry of agents as unknown[]) {
      if (typeof entry === 'string') secrets.push(entry);
      else if (typeof entry === 'object' && entry !== null) {
        const token = (entry as Record<string, unknown>).token;
        if (typeof token === 'string') secrets.push(token);
      }
    }
  let out = message;
  for (const secret of secrets)
    if (secret !== '') out = out.replaceAll(JSON.stringify(secret), '(value hidden)');
  return out;
}
