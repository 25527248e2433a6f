import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The one place the proxy reads `process.env`. Every variable is validated up front so a typo fails the
 * start-up with the offending value quoted, instead of surfacing later as a confusing runtime error.
 */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

type Env = Record<string, string | undefined>;

// An empty variable (`APO_PROXY_TOKEN=`) means "not set": shells and compose files produce them easily.
const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

const port = (fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\d+$/, 'must be a TCP port number 1-65535')
      .transform(Number)
      .pipe(
        z
          .number()
          .int()
          .min(1, 'must be a TCP port number 1-65535')
          .max(65535, 'must be a TCP port number 1-65535'),
      )
      .default(fallback),
  );

const httpUrl = (fallback: string) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .refine(
        (value) => /^https?:$/.test(URL.parse(value)?.protocol ?? ''),
        'must be an http:// or https:// URL',
      )
      .transform((value) => value.replace(/\/+$/, ''))
      .default(fallback),
  );

const tokenList = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((token) => token.trim())
        .filter((token) => token !== ''),
    )
    .default([]),
);

const proxyEnvSchema = z.object({
  APO_PROXY_OTLP_GRPC_PORT: port(14317),
  APO_PROXY_OTLP_HTTP_PORT: port(14318),
  APO_PROXY_STATUS_PORT: port(13134),
  // Loopback by default: the status endpoints need no credential, so exposing them is an explicit choice
  // (Kubernetes probes set 0.0.0.0).
  APO_PROXY_STATUS_HOST: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1')),
  APO_PROXY_EXPORT_URL: httpUrl('http://127.0.0.1:3300'),
  APO_PROXY_TOKEN: z.preprocess(unsetIfEmpty, z.string().optional()),
  APO_PROXY_AGENT_TOKENS: tokenList,
  // Stamped on every row and used in filters and table keys, so keep it to a safe identifier alphabet.
  APO_PROXY_CLUSTER_ID: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
        'must be 1-128 characters of letters, digits, ".", "_" or "-"',
      )
      .default('default'),
  ),
  APO_PROXY_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  APO_PROXY_LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

export interface ProxyConfig {
  otlpGrpcPort: number;
  otlpHttpPort: number;
  statusHost: string;
  statusPort: number;
  /** Where batches go: the server (or another proxy / collector). */
  exportUrl: string;
  /** The proxy's own credential towards the server. */
  token: string | undefined;
  /** Tokens agents must present; empty means agents are not authenticated. */
  agentTokens: string[];
  clusterId: string;
  /** Holds the disk-buffered export queue. */
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Per-user by default, beside the server's `apo/data`, so a laptop run needs no configuration. */
export function defaultProxyDataDir(home: string, xdgDataHome: string | undefined): string {
  return join(
    xdgDataHome !== undefined && xdgDataHome !== '' ? xdgDataHome : join(home, '.local', 'share'),
    'apo',
    'proxy',
  );
}

export function loadProxyEnv(env: Env = process.env): ProxyConfig {
  const result = proxyEnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const value = env[name];
      // Never echo a secret back into logs, even a malformed one.
      const shown =
        value === undefined
          ? ''
          : name.includes('TOKEN')
            ? ' (value hidden)'
            : ` (got ${JSON.stringify(value)})`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new EnvError(`invalid proxy environment:\n  ${problems.join('\n  ')}`);
  }
  const e = result.data;
  return {
    otlpGrpcPort: e.APO_PROXY_OTLP_GRPC_PORT,
    otlpHttpPort: e.APO_PROXY_OTLP_HTTP_PORT,
    statusHost: e.APO_PROXY_STATUS_HOST,
    statusPort: e.APO_PROXY_STATUS_PORT,
    exportUrl: e.APO_PROXY_EXPORT_URL,
    token: e.APO_PROXY_TOKEN,
    agentTokens: e.APO_PROXY_AGENT_TOKENS,
    clusterId: e.APO_PROXY_CLUSTER_ID,
    dataDir: e.APO_PROXY_DATA_DIR ?? defaultProxyDataDir(env.HOME ?? homedir(), env.XDG_DATA_HOME),
    logLevel: e.APO_PROXY_LOG_LEVEL,
  };
}
