import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The one place the agent reads `process.env`. Every variable is validated up front so a typo fails the
 * start-up with the offending value quoted, instead of surfacing later as a confusing runtime error.
 */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

type Env = Record<string, string | undefined>;

// An empty variable (`APO_AGENT_TOKEN=`) means "not set": shells and compose files produce them easily.
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

const httpUrl = (fallback?: string) => {
  const url = z
    .string()
    .refine(
      (value) => /^https?:$/.test(URL.parse(value)?.protocol ?? ''),
      'must be an http:// or https:// URL',
    )
    .transform((value) => value.replace(/\/+$/, ''));
  return z.preprocess(unsetIfEmpty, fallback === undefined ? url : url.default(fallback));
};

const positiveSeconds = (fallback: number) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds')
      .transform(Number)
      .pipe(z.number().positive('must be more than 0 seconds'))
      .default(fallback),
  );

const agentEnvSchema = z.object({
  APO_AGENT_OTLP_GRPC_PORT: port(4317),
  APO_AGENT_OTLP_HTTP_PORT: port(4318),
  APO_AGENT_STATUS_PORT: port(13133),
  // Loopback by default: the status endpoints need no credential, so exposing them is an explicit choice
  // (Kubernetes probes set 0.0.0.0).
  APO_AGENT_STATUS_HOST: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1')),
  APO_AGENT_EXPORT_URL: httpUrl('http://127.0.0.1:3300'),
  APO_AGENT_TOKEN: z.preprocess(unsetIfEmpty, z.string().optional()),
  APO_AGENT_DATA_DIR: z.preprocess(unsetIfEmpty, z.string().optional()),
  APO_AGENT_HOST_INTERVAL: positiveSeconds(15),
  APO_AGENT_LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
});

export interface AgentConfig {
  otlpGrpcPort: number;
  otlpHttpPort: number;
  statusHost: string;
  statusPort: number;
  /** Where batches go: a proxy or the server. */
  exportUrl: string;
  token: string | undefined;
  /** Holds the disk-buffered export queue and log-tail checkpoints. */
  dataDir: string;
  hostIntervalSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Per-user by default, beside the server's `apo/data`, so a laptop run needs no configuration. */
export function defaultAgentDataDir(home: string, xdgDataHome: string | undefined): string {
  return join(
    xdgDataHome !== undefined && xdgDataHome !== '' ? xdgDataHome : join(home, '.local', 'share'),
    'apo',
    'agent',
  );
}

export function loadAgentEnv(env: Env = process.env): AgentConfig {
  const result = agentEnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const value = env[name];
      return `${name}: ${issue.message}${value === undefined ? '' : ` (got ${JSON.stringify(value)})`}`;
    });
    throw new EnvError(`invalid agent environment:\n  ${problems.join('\n  ')}`);
  }
  const e = result.data;
  return {
    otlpGrpcPort: e.APO_AGENT_OTLP_GRPC_PORT,
    otlpHttpPort: e.APO_AGENT_OTLP_HTTP_PORT,
    statusHost: e.APO_AGENT_STATUS_HOST,
    statusPort: e.APO_AGENT_STATUS_PORT,
    exportUrl: e.APO_AGENT_EXPORT_URL,
    token: e.APO_AGENT_TOKEN,
    dataDir: e.APO_AGENT_DATA_DIR ?? defaultAgentDataDir(env.HOME ?? homedir(), env.XDG_DATA_HOME),
    hostIntervalSeconds: e.APO_AGENT_HOST_INTERVAL,
    logLevel: e.APO_AGENT_LOG_LEVEL,
  };
}
