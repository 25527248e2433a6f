import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { RED_MIN_DAYS_MESSAGE, RED_MIN_RETENTION_DAYS } from '../storage/storage-config.ts';

/** Where embedded data lives when nothing is configured: a per-user directory, as desktop tools do. */
export function defaultDataDir(home = homedir(), xdgDataHome?: string): string {
  return join(xdgDataHome && xdgDataHome !== '' ? xdgDataHome : join(home, '.local', 'share'), 'apo', 'data');
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();

export const serverConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  httpPort: port.default(3300),
  grpcPort: port.default(24317),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Browser origins allowed to call the API (the console served from elsewhere, browser OTLP exporters).
   * Pages served from loopback are always allowed; an `*` allows every origin.
   */
  corsOrigins: z.array(z.string().min(1)).default([]),
  /** Cluster id stamped on data that does not arrive through an authenticated proxy. */
  defaultCluster: z.string().min(1).default('default'),
  auth: z
    .object({
      /** `auto`: on whenever the server listens beyond loopback. */
      mode: z.enum(['on', 'off', 'auto']).default('auto'),
      adminToken: z.string().optional(),
      /** Tokens accepted on OTLP ingest. */
      ingestTokens: z.array(z.string().min(1)).default([]),
      /** Tokens of proxies, whose `X-APO-Cluster-Id` header is trusted. */
      proxyTokens: z.array(z.string().min(1)).default([]),
    })
    .prefault({}),
  storage: z
    .object({
      engine: z.enum(['embedded', 'remote']).default('embedded'),
      dataDir: z.string().min(1).optional(),
      url: z.url().optional(),
      user: z.string().default('default'),
      password: z.string().default(''),
      database: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a ClickHouse identifier')
        .default('apo'),
      cluster: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'a ClickHouse cluster name')
        .optional(),
      ttlDays: z
        .object({
          spans: positiveInt.default(7),
          logs: positiveInt.default(7),
          metrics: positiveInt.default(30),
          events: positiveInt.default(90),
          /** RED rollups (APO_TTL_RED_DAYS), independent of the spans' TTL. */
          red: positiveInt.min(RED_MIN_RETENTION_DAYS, RED_MIN_DAYS_MESSAGE).default(40),
        })
        .prefault({}),
      /** How long stored batch ids are remembered for idempotent retries. */
      ledgerRetentionHours: positiveInt.default(24),
      /**
       * How long one flush's writes may take in all (and each clean-up statement). Beyond it the flush's
       * requests get 503 + Retry-After and /readyz reports the storage until a write succeeds again. So a
       * request is answered within about 2 × this + ingest.flushIntervalMs, even when the storage hangs.
       */
      writeTimeoutMs: positiveInt.default(10_000),
    })
    .prefault({}),
  ingest: z
    .object({
      /** Compressed and decompressed body limit. */
      maxBodyBytes: positiveInt.default(16 * 1024 * 1024),
      maxAttributes: positiveInt.default(128),
      maxAttributeValueLength: positiveInt.default(16 * 1024),
      /** A flush starts when this many rows are pending… */
      flushRows: positiveInt.default(50_000),
      /**
       * …or when no request has arrived for 20 ms (the senders are waiting), or at the latest this long
       * after the flush opened: while independent senders keep requests coming, flushes grow to this.
       */
      flushIntervalMs: positiveInt.default(200),
      /**
       * How often RED aggregated by the server (from spans that arrived without an agent) is written. 0 =
       * with every flush: exactly once, at about twice the engine's cost per span; the default batches
       * them, and a crash can lose the last interval of these aggregates (never a span).
       */
      redFlushIntervalMs: z.coerce.number().int().nonnegative().default(10_000),
      /** Rows accepted but not yet stored; beyond it requests get 429 / RESOURCE_EXHAUSTED. */
      maxInFlightRows: positiveInt.default(500_000),
    })
    .prefault({}),
});

export type ServerConfig = z.infer<typeof serverConfigSchema>;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const loopbackOrigin = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/** CORS: loopback pages (the console in development and tests) and the configured origins. */
export function isAllowedOrigin(origin: string, configured: readonly string[]): boolean {
  return loopbackOrigin.test(origin) || configured.includes('*') || configured.includes(origin);
}

/** Auth decision: required beyond loopback; `off` is refused there. */
export function resolveAuth(config: ServerConfig): { enabled: boolean; problem?: string } {
  const loopback = isLoopback(config.host);
  const enabled = config.auth.mode === 'on' || (config.auth.mode === 'auto' && !loopback);
  if (config.auth.mode === 'off' && !loopback) {
    return {
      enabled: true,
      problem: `APO_AUTH=off is refused: the server listens on ${config.host}, beyond loopback`,
    };
  }
  if (enabled && !config.auth.adminToken) {
    return { enabled, problem: 'auth is on but no admin token is set (APO_ADMIN_TOKEN)' };
  }
  return { enabled };
}
