import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, list, parseConfig, readConfigFile, setIn } from '@apo/otlp-transport';
import {
  defaultDataDir,
  serverConfigSchema,
  shortTokenProblems,
  type ServerConfig,
} from './config/server-config.ts';

/**
 * The one place the server reads `process.env`. A config file (`APO_CONFIG`, YAML or JSON) gives the base;
 * environment variables override it. Every problem is reported with the offending value quoted.
 */
export { ConfigError };

type Env = Record<string, string | undefined>;

/**
 * Where the web console's build is when APO_CONSOLE_DIR is not set. This file sits one level below the
 * package's root both in the sources (apps/server/src/) and in a bundle (lib/), and that root's package.json
 * names the build relative to it: `../desktop/out/web` in the repository, `console` in a bundle.
 */
export function defaultConsoleDir(): string {
  const root = new URL('..', import.meta.url);
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { apoConsoleDir?: string };
  return fileURLToPath(new URL(pkg.apoConsoleDir ?? 'console', root));
}

export function loadServerConfig(env: Env = process.env): ServerConfig {
  const raw: Record<string, unknown> = env.APO_CONFIG ? readConfigFile(env.APO_CONFIG) : {};
  const authMode = env.APO_AUTH;
  setIn(raw, ['host'], env.APO_HOST);
  setIn(raw, ['httpPort'], env.APO_HTTP_PORT);
  setIn(raw, ['grpcPort'], env.APO_GRPC_PORT);
  setIn(raw, ['logLevel'], env.APO_LOG_LEVEL);
  setIn(raw, ['defaultCluster'], env.APO_DEFAULT_CLUSTER);
  setIn(raw, ['consoleDir'], env.APO_CONSOLE_DIR);
  setIn(raw, ['corsOrigins'], list(env.APO_CORS_ORIGINS));
  setIn(raw, ['allowedHosts'], list(env.APO_ALLOWED_HOSTS));
  setIn(raw, ['connections', 'headersTimeoutMs'], env.APO_HEADERS_TIMEOUT_MS);
  setIn(raw, ['connections', 'requestTimeoutMs'], env.APO_REQUEST_TIMEOUT_MS);
  setIn(raw, ['connections', 'keepAliveTimeoutMs'], env.APO_KEEP_ALIVE_TIMEOUT_MS);
  setIn(raw, ['connections', 'maxConnections'], env.APO_MAX_CONNECTIONS);
  setIn(raw, ['connections', 'grpcIdleTimeoutMs'], env.APO_GRPC_IDLE_TIMEOUT_MS);
  setIn(raw, ['connections', 'grpcMaxAgeMs'], env.APO_GRPC_MAX_AGE_MS);
  setIn(raw, ['auth', 'mode'], authMode);
  setIn(raw, ['auth', 'adminToken'], env.APO_ADMIN_TOKEN);
  setIn(raw, ['auth', 'ingestTokens'], list(env.APO_INGEST_TOKEN));
  setIn(raw, ['auth', 'proxyTokens'], list(env.APO_PROXY_TOKENS));
  setIn(raw, ['auth', 'adminPassword'], env.APO_ADMIN_PASSWORD);
  setIn(raw, ['auth', 'sessionIdleTimeoutMs'], env.APO_SESSION_IDLE_TIMEOUT_MS);
  setIn(raw, ['auth', 'sessionMaxAgeMs'], env.APO_SESSION_MAX_AGE_MS);
  setIn(raw, ['configStore', 'databaseUrl'], env.APO_CONFIG_DATABASE_URL);
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
  setIn(raw, ['storage', 'ttlDays', 'red'], env.APO_TTL_RED_DAYS);
  setIn(raw, ['storage', 'writeTimeoutMs'], env.APO_STORAGE_WRITE_TIMEOUT_MS);
  setIn(raw, ['ingest', 'maxBodyBytes'], env.APO_MAX_BODY_BYTES);
  setIn(raw, ['ingest', 'maxInFlightRows'], env.APO_MAX_IN_FLIGHT_ROWS);
  setIn(raw, ['ingest', 'maxEventsPerSpan'], env.APO_MAX_SPAN_EVENTS);
  setIn(raw, ['ingest', 'maxLinksPerSpan'], env.APO_MAX_SPAN_LINKS);
  setIn(raw, ['ingest', 'maxValueEntries'], env.APO_MAX_VALUE_ENTRIES);
  setIn(raw, ['ingest', 'maxAttributeBytes'], env.APO_MAX_ATTRIBUTE_BYTES);
  setIn(raw, ['ingest', 'maxInFlightBytes'], env.APO_MAX_IN_FLIGHT_BYTES);
  setIn(raw, ['ingest', 'flushIntervalMs'], env.APO_FLUSH_INTERVAL_MS);
  setIn(raw, ['ingest', 'redFlushIntervalMs'], env.APO_RED_FLUSH_INTERVAL_MS);
  setIn(raw, ['jobs', 'topology', 'intervalMs'], env.APO_TOPOLOGY_INTERVAL_MS);
  setIn(raw, ['jobs', 'topology', 'graceMs'], env.APO_TOPOLOGY_GRACE_MS);
  setIn(raw, ['jobs', 'topology', 'catchUpWindows'], env.APO_TOPOLOGY_CATCH_UP_MINUTES);
  setIn(raw, ['jobs', 'leaseMs'], env.APO_JOB_LEASE_MS);
  setIn(raw, ['api', 'maxTraceSpans'], env.APO_MAX_TRACE_SPANS);
  setIn(raw, ['api', 'maxSpanEvents'], env.APO_READ_MAX_SPAN_EVENTS);
  setIn(raw, ['api', 'maxSpanLinks'], env.APO_READ_MAX_SPAN_LINKS);

  const config = parseConfig(serverConfigSchema, raw);
  const shortTokens = shortTokenProblems(config);
  if (shortTokens.length > 0) throw new ConfigError(`invalid configuration:\n  ${shortTokens.join('\n  ')}`);
  if (config.storage.engine === 'remote' && !config.storage.url) {
    throw new ConfigError('storage.engine is "remote" but no URL is set (APO_CLICKHOUSE_URL)');
  }
  config.storage.dataDir ??= defaultDataDir(env.HOME, env.XDG_DATA_HOME);
  config.consoleDir ??= defaultConsoleDir();
  return config;
}
