import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { defaultDataDir, serverConfigSchema, type ServerConfig } from './config/server-config.ts';

/**
 * The one place the server reads `process.env`. A config file (`APO_CONFIG`, YAML or JSON) gives the base;
 * environment variables override it. Every problem is reported with the offending value quoted.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function setIn(target: Record<string, unknown>, path: string[], value: unknown): void {
  if (value === undefined) return;
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file "${path}": ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file "${path}" is not valid YAML/JSON: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`config file "${path}" must hold an object`);
  }
  return parsed as Record<string, unknown>;
}

export function loadServerConfig(env: Env = process.env): ServerConfig {
  const raw: Record<string, unknown> = env.APO_CONFIG ? readConfigFile(env.APO_CONFIG) : {};
  const authMode = env.APO_AUTH;
  setIn(raw, ['host'], env.APO_HOST);
  setIn(raw, ['httpPort'], env.APO_HTTP_PORT);
  setIn(raw, ['grpcPort'], env.APO_GRPC_PORT);
  setIn(raw, ['logLevel'], env.APO_LOG_LEVEL);
  setIn(raw, ['defaultCluster'], env.APO_DEFAULT_CLUSTER);
  setIn(raw, ['corsOrigins'], list(env.APO_CORS_ORIGINS));
  setIn(raw, ['auth', 'mode'], authMode);
  setIn(raw, ['auth', 'adminToken'], env.APO_ADMIN_TOKEN);
  setIn(raw, ['auth', 'ingestTokens'], list(env.APO_INGEST_TOKEN));
  setIn(raw, ['auth', 'proxyTokens'], list(env.APO_PROXY_TOKENS));
  setIn(raw, ['storage', 'dataDir'], env.APO_DATA_DIR);
  if (env.APO_CLICKHOUSE_URL) {
    setIn(raw, ['storage', 'engine'], 'remote');
    setIn(raw, ['storage', 'url'], env.APO_CLICKHOUSE_URL);
  }
  setIn(raw, ['storage', 'user'], env.APO_CLICKHOUSE_USER);
  setIn(raw, ['storage', 'password'], env.APO_CLICKHOUSE_PASSWORD);
  setIn(raw, ['storage', 'database'], env.APO_CLICKHOUSE_DATABASE);
  setIn(raw, ['storage', 'cluster'], env.APO_CLICKHOUSE_CLUSTER);
  setIn(raw, ['storage', 'ttlDays', 'spans'], env.APO_TTL_SPANS_DAYS);
  setIn(raw, ['storage', 'ttlDays', 'logs'], env.APO_TTL_LOGS_DAYS);
  setIn(raw, ['storage', 'ttlDays', 'metrics'], env.APO_TTL_METRICS_DAYS);
  setIn(raw, ['storage', 'ttlDays', 'events'], env.APO_TTL_EVENTS_DAYS);
  setIn(raw, ['ingest', 'maxBodyBytes'], env.APO_MAX_BODY_BYTES);
  setIn(raw, ['ingest', 'maxInFlightRows'], env.APO_MAX_IN_FLIGHT_ROWS);
  setIn(raw, ['ingest', 'flushIntervalMs'], env.APO_FLUSH_INTERVAL_MS);

  const result = serverConfigSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const value = issue.path.reduce<unknown>(
        (node, key) =>
          node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined,
        raw,
      );
      const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
      return `${issue.path.join('.') || 'config'}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const config = result.data;
  if (config.storage.engine === 'remote' && !config.storage.url) {
    throw new ConfigError('storage.engine is "remote" but no URL is set (APO_CLICKHOUSE_URL)');
  }
  config.storage.dataDir ??= defaultDataDir(env.HOME, env.XDG_DATA_HOME);
  return config;
}
