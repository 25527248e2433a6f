import { z } from 'zod';
import {
  ADMIN_PORT_OFFSET,
  DEFAULT_AGENT_URL,
  DEFAULT_BASE_PORT,
  SERVICES,
  defaultDataDir,
  type ServiceName,
} from './topology.ts';

/**
 * The one place the demo shop reads `process.env`. The supervisor (main.ts), each service, the traffic
 * generator and the fault CLI read their own part; the supervisor hands the services theirs explicitly.
 */
type Env = Record<string, string | undefined>;

export class ShopConfigError extends Error {
  override readonly name = 'ShopConfigError';
}

const port = z.coerce.number().int().min(1).max(65535);

function parse<T extends z.ZodType>(schema: T, env: Env, what: string): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      return `${key}: ${i.message} (got ${JSON.stringify(env[key])})`;
    });
    throw new ShopConfigError(`invalid ${what} environment:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

const blankAsUndefined = (v: unknown) => (v === '' ? undefined : v);

/** The environment a child process of the shop starts from (PATH, HOME, NODE_OPTIONS…). */
export function inheritedEnv(): Env {
  return { ...process.env };
}

export interface SupervisorEnv {
  agentUrl: string;
  basePort: number;
  adminBasePort: number | undefined;
  dataDir: string;
  database: 'auto' | 'sqlite' | 'postgres';
  pgUrl: string | undefined;
  redisUrl: string | undefined;
  traffic: boolean;
  trafficRps: number | undefined;
  trafficDay: string | undefined;
}

export function readSupervisorEnv(env: Env = process.env): SupervisorEnv {
  const parsed = parse(
    z.object({
      DEMO_AGENT_URL: z.preprocess(blankAsUndefined, z.url().default(DEFAULT_AGENT_URL)),
      DEMO_BASE_PORT: z.preprocess(blankAsUndefined, port.default(DEFAULT_BASE_PORT)),
      DEMO_ADMIN_BASE_PORT: z.preprocess(blankAsUndefined, port.optional()),
      DEMO_DATA_DIR: z.preprocess(blankAsUndefined, z.string().optional()),
      DEMO_DB: z.preprocess(blankAsUndefined, z.enum(['auto', 'sqlite', 'postgres']).default('auto')),
      DEMO_PG_URL: z.preprocess(blankAsUndefined, z.string().optional()),
      DEMO_REDIS_URL: z.preprocess(blankAsUndefined, z.string().optional()),
      DEMO_TRAFFIC: z.preprocess(blankAsUndefined, z.enum(['on', 'off']).default('on')),
      DEMO_TRAFFIC_RPS: z.preprocess(blankAsUndefined, z.coerce.number().positive().optional()),
      DEMO_TRAFFIC_DAY: z.preprocess(blankAsUndefined, z.string().optional()),
    }),
    env,
    'demo shop',
  );
  return {
    agentUrl: parsed.DEMO_AGENT_URL,
    basePort: parsed.DEMO_BASE_PORT,
    adminBasePort: parsed.DEMO_ADMIN_BASE_PORT,
    dataDir: parsed.DEMO_DATA_DIR ?? defaultDataDir(env),
    database: parsed.DEMO_DB,
    pgUrl: parsed.DEMO_PG_URL,
    redisUrl: parsed.DEMO_REDIS_URL,
    traffic: parsed.DEMO_TRAFFIC === 'on',
    trafficRps: parsed.DEMO_TRAFFIC_RPS,
    trafficDay: parsed.DEMO_TRAFFIC_DAY,
  };
}

export interface ServiceEnv {
  host: string;
  port: number;
  adminPort: number;
  dataDir: string;
  peers: Record<string, string>;
  database: 'sqlite' | 'postgres';
  pgUrl: string | undefined;
  redisUrl: string | undefined;
  logLevel: string;
  /** service.version from OTEL_RESOURCE_ATTRIBUTES (a bad deploy), if set. */
  versionOverride: string | undefined;
  /** Started by the supervisor (an IPC channel): restarts are its job. */
  supervised: boolean;
}

function versionFrom(resourceAttributes: string | undefined): string | undefined {
  for (const pair of (resourceAttributes ?? '').split(',')) {
    const [key, value] = pair.split('=');
    if (key?.trim() === 'service.version' && value !== undefined) return decodeURIComponent(value.trim());
  }
  return undefined;
}

export function readServiceEnv(name: ServiceName, env: Env = process.env): ServiceEnv {
  const spec = SERVICES.find((s) => s.name === name)!;
  const parsed = parse(
    z.object({
      DEMO_HOST: z.preprocess(blankAsUndefined, z.string().default('127.0.0.1')),
      DEMO_BASE_PORT: z.preprocess(blankAsUndefined, port.default(DEFAULT_BASE_PORT)),
      DEMO_SERVICE_PORT: z.preprocess(blankAsUndefined, port.optional()),
      DEMO_ADMIN_PORT: z.preprocess(blankAsUndefined, port.optional()),
      DEMO_DATA_DIR: z.preprocess(blankAsUndefined, z.string().optional()),
      DEMO_PEERS: z.preprocess(blankAsUndefined, z.string().optional()),
      DEMO_DB: z.preprocess(blankAsUndefined, z.enum(['sqlite', 'postgres']).default('sqlite')),
      DEMO_PG_URL: z.preprocess(blankAsUndefined, z.string().optional()),
      DEMO_REDIS_URL: z.preprocess(blankAsUndefined, z.string().optional()),
      DEMO_LOG_LEVEL: z.preprocess(
        blankAsUndefined,
        z.enum(['debug', 'info', 'warn', 'error']).default('info'),
      ),
      OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
    }),
    env,
    `${name} service`,
  );
  const base = parsed.DEMO_BASE_PORT;
  const defaults = Object.fromEntries(
    SERVICES.map((s) => [s.name, `http://${parsed.DEMO_HOST}:${base + s.index}`]),
  );
  let peers: Record<string, string> = defaults;
  if (parsed.DEMO_PEERS !== undefined) {
    try {
      peers = { ...defaults, ...(JSON.parse(parsed.DEMO_PEERS) as Record<string, string>) };
    } catch {
      throw new ShopConfigError(`DEMO_PEERS must be a JSON object of service URLs, got ${parsed.DEMO_PEERS}`);
    }
  }
  const servicePort = parsed.DEMO_SERVICE_PORT ?? base + spec.index;
  return {
    host: parsed.DEMO_HOST,
    port: servicePort,
    adminPort: parsed.DEMO_ADMIN_PORT ?? servicePort + ADMIN_PORT_OFFSET,
    dataDir: parsed.DEMO_DATA_DIR ?? defaultDataDir(env),
    peers,
    database: parsed.DEMO_DB,
    pgUrl: parsed.DEMO_PG_URL,
    redisUrl: parsed.DEMO_REDIS_URL,
    logLevel: parsed.DEMO_LOG_LEVEL,
    versionOverride: versionFrom(parsed.OTEL_RESOURCE_ATTRIBUTES),
    supervised: typeof process.send === 'function',
  };
}

/** The fault CLI: where the shop's data directory (and so its state file and audit log) is. */
export function readCliEnv(env: Env = process.env): { dataDir: string } {
  return {
    dataDir:
      env.DEMO_DATA_DIR !== undefined && env.DEMO_DATA_DIR !== '' ? env.DEMO_DATA_DIR : defaultDataDir(env),
  };
}
