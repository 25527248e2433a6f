import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defaultConnectionLimits } from '@apo/otlp-transport';
import { RED_MIN_DAYS_MESSAGE, RED_MIN_RETENTION_DAYS } from '../storage/storage-config.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { DEFAULT_SESSION_POLICY } from '../auth/session-store.ts';

/** Where embedded data lives when nothing is configured: a per-user directory, as desktop tools do. */
export function defaultDataDir(home = homedir(), xdgDataHome?: string): string {
  return join(xdgDataHome && xdgDataHome !== '' ? xdgDataHome : join(home, '.local', 'share'), 'apo', 'data');
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const limits = defaultConnectionLimits;

/** Shorter tokens can be guessed; the check names the variable and never quotes the value. */
const MIN_TOKEN_LENGTH = 16;

export const serverConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  httpPort: port.default(3300),
  grpcPort: port.default(24317),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Browser origins allowed to call the API (the console served from elsewhere, browser OTLP exporters),
   * exactly as the browser sends them (`http://127.0.0.1:5173`); `*` allows every origin. None by default:
   * any local page could otherwise read the telemetry of a server without auth.
   */
  corsOrigins: z.array(z.string().min(1)).default([]),
  /**
   * Names the server answers to (the Host header, any port): a page that rebinds its own name to 127.0.0.1
   * sends its name, and is refused with 421. `*` allows any. Default: see `allowedHostsOf`.
   */
  allowedHosts: z.array(z.string().min(1)).optional(),
  /** Timeouts and the connection bound of the HTTP and gRPC listeners. */
  connections: z
    .object({
      /** Time to receive a request's headers; a connection that sends nothing is closed after it too. */
      headersTimeoutMs: positiveInt.default(limits.headersTimeoutMs),
      /** Time to receive a whole request, body included: a trickled body gets 408 and is closed. */
      requestTimeoutMs: positiveInt.default(limits.requestTimeoutMs),
      /** An idle keep-alive connection is closed after this. */
      keepAliveTimeoutMs: positiveInt.default(limits.keepAliveTimeoutMs),
      /** Connections open at once per listener (HTTP, gRPC); more are closed as they arrive. */
      maxConnections: positiveInt.default(limits.maxConnections),
      grpcIdleTimeoutMs: positiveInt.default(limits.grpcIdleTimeoutMs),
      grpcMaxAgeMs: positiveInt.default(limits.grpcMaxAgeMs),
    })
    .prefault({})
    // Node refuses a headers timeout longer than the request timeout.
    .refine((c) => c.headersTimeoutMs <= c.requestTimeoutMs, {
      message: 'headersTimeoutMs must not be more than requestTimeoutMs',
      path: ['headersTimeoutMs'],
    }),
  /**
   * The web console's build (index.html + assets/) served at `/` (APO_CONSOLE_DIR). Default: the desktop
   * app's web build in the repository, or the copy inside a server bundle (see env.ts).
   */
  consoleDir: z.string().min(1).optional(),
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
      /** Creates (or resets) the user `admin` at start (APO_ADMIN_PASSWORD), instead of the setup URL. */
      // Its length is checked by shortTokenProblems, whose message never quotes the value.
      adminPassword: z.string().optional(),
      /** A sign-in session unused this long ends (APO_SESSION_IDLE_TIMEOUT_MS; default 12 h). */
      sessionIdleTimeoutMs: positiveInt.default(DEFAULT_SESSION_POLICY.idleTimeoutMs),
      /** A sign-in session ends this long after sign-in, however active (APO_SESSION_MAX_AGE_MS; 7 d). */
      sessionMaxAgeMs: positiveInt.default(DEFAULT_SESSION_POLICY.maxAgeMs),
    })
    .prefault({}),
  /**
   * Users, sessions, API keys, settings: SQLite under the data directory, or PostgreSQL
   * (APO_CONFIG_DATABASE_URL) when several servers share one ClickHouse.
   */
  configStore: z
    .object({
      databaseUrl: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
        .optional(),
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
  /** Bounds of what one API answer may hold (the read side; ingest has its own limits). */
  api: z
    .object({
      /** `traces.byId` returns at most this many spans (APO_MAX_TRACE_SPANS) and says it cut the trace. */
      maxTraceSpans: positiveInt.default(10_000),
      /** Events returned per span (APO_READ_MAX_SPAN_EVENTS); the rest are counted as dropped. */
      maxSpanEvents: positiveInt.default(128),
      /** Links returned per span (APO_READ_MAX_SPAN_LINKS); the rest are counted as dropped. */
      maxSpanLinks: positiveInt.default(128),
    })
    .prefault({}),
  /** Background jobs (jobs/). */
  jobs: z
    .object({
      topology: z
        .object({
          /** How often the job looks for due windows (APO_TOPOLOGY_INTERVAL_MS). */
          intervalMs: positiveInt.default(15_000),
          /** How long after a one-minute window ends it is computed: late spans (APO_TOPOLOGY_GRACE_MS). */
          graceMs: z.coerce.number().int().nonnegative().default(120_000),
          /** Windows a restarted server catches up on at most (APO_TOPOLOGY_CATCH_UP_MINUTES). */
          catchUpWindows: positiveInt.default(60),
        })
        .prefault({}),
      /**
       * How long a server's lease on a job lasts without renewal (APO_JOB_LEASE_MS): servers sharing one
       * ClickHouse run each job on one of them (jobs/job-lease.ts), and when it dies another takes over after
       * this. Renewed at every run, so it must outlast a few intervals.
       */
      leaseMs: positiveInt.default(60_000),
    })
    .prefault({})
    .refine((j) => j.leaseMs >= 2 * j.topology.intervalMs, {
      message:
        'leaseMs (APO_JOB_LEASE_MS) must be at least twice the topology interval (APO_TOPOLOGY_INTERVAL_MS): the leader renews its lease once per run',
      path: ['leaseMs'],
    }),
  ingest: z
    .object({
      /** Compressed and decompressed body limit. */
      maxBodyBytes: positiveInt.default(16 * 1024 * 1024),
      maxAttributes: positiveInt.default(128),
      maxAttributeValueLength: positiveInt.default(16 * 1024),
      /** Events kept per span (APO_MAX_SPAN_EVENTS); the rest are added to its dropped events count. */
      maxEventsPerSpan: positiveInt.default(128),
      /** Links kept per span (APO_MAX_SPAN_LINKS); the rest are added to its dropped links count. */
      maxLinksPerSpan: positiveInt.default(128),
      /** Entries kept per array or kvlist attribute value, at every level (APO_MAX_VALUE_ENTRIES). */
      maxValueEntries: positiveInt.default(1_000),
      /**
       * Attribute keys and values kept per item (APO_MAX_ATTRIBUTE_BYTES): a span with its events and
       * links, a log record, a data point with its exemplars. Later attributes are dropped and counted.
       */
      maxAttributeBytes: positiveInt.default(64 * 1024),
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
      /**
       * Request bytes (bodies as received + what they inflate to) worked on at once, OTLP/HTTP and gRPC
       * together; beyond it 429 / RESOURCE_EXHAUSTED with a retry delay, so concurrent compression bombs
       * cannot run the server out of memory.
       */
      maxInFlightBytes: positiveInt.min(1024 * 1024).default(256 * 1024 * 1024),
    })
    .prefault({}),
});

export type ServerConfig = z.infer<typeof serverConfigSchema>;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** CORS: the configured origins only (APO_CORS_ORIGINS). */
export function isAllowedOrigin(origin: string, configured: readonly string[]): boolean {
  return configured.includes('*') || configured.includes(origin);
}

/** Token and password settings too short to be safe, as messages naming the variable (the value is never quoted). */
export function shortTokenProblems(config: ServerConfig): string[] {
  const problems: string[] = [];
  const check = (variable: string, tokens: readonly string[]) => {
    if (tokens.some((token) => token.length < MIN_TOKEN_LENGTH)) {
      problems.push(
        `${variable} must be at least ${MIN_TOKEN_LENGTH} characters` +
          (tokens.length > 1 ? ' (each token)' : '') +
          ': a short token can be guessed',
      );
    }
  };
  check(
    'APO_ADMIN_TOKEN (auth.adminToken)',
    config.auth.adminToken === undefined ? [] : [config.auth.adminToken],
  );
  check('APO_INGEST_TOKEN (auth.ingestTokens)', config.auth.ingestTokens);
  check('APO_PROXY_TOKENS (auth.proxyTokens)', config.auth.proxyTokens);
  const password = config.auth.adminPassword;
  if (
    password !== undefined &&
    (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH)
  ) {
    problems.push(
      `APO_ADMIN_PASSWORD (auth.adminPassword) must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`,
    );
  }
  return problems;
}

/**
 * Auth decision: required beyond loopback; `off` is refused there. No admin token is needed: without one,
 * the first run prints a setup URL for the first admin account.
 */
export function resolveAuth(config: ServerConfig): { enabled: boolean; problem?: string } {
  const loopback = isLoopback(config.host);
  const enabled = config.auth.mode === 'on' || (config.auth.mode === 'auto' && !loopback);
  if (config.auth.mode === 'off' && !loopback) {
    return {
      enabled: true,
      problem: `APO_AUTH=off is refused: the server listens on ${config.host}, beyond loopback`,
    };
  }
  return { enabled };
}
