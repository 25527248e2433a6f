/**
 * The proxy's configuration: one zod schema for the YAML file (`apo-proxy --config proxy.yaml`) and the
 * environment overrides (env.ts). Defaults make a laptop run need no file at all. See
 * docs/proxy.example.yaml for a commented example and docs/proxy.md for what each part does.
 */
import { z } from 'zod';
import { connectionsConfigSchema } from '@apo/otlp-transport';

const PORT = 'must be a TCP port number 1-65535';
// Digits only: ' 4317' or '43.5' are typos, not ports.
const port = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  z.number({ error: PORT }).int(PORT).min(1, PORT).max(65535, PORT),
);
const seconds = z.coerce.number().positive('must be more than 0 seconds');
const count = z.coerce.number().int('must be a whole number').nonnegative('must be 0 or more');
const httpUrl = z
  .string()
  .refine((value) => /^https?:$/.test(URL.parse(value)?.protocol ?? ''), 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

/** The server's rule for `X-APO-Cluster-Id` (apps/server/src/ingest/ingest-headers.ts). */
const CLUSTER_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Names label metrics: a safe, short alphabet. */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

const rateLimit = z.object({
  /** Items (spans, log records, metric points) per second; 0 = no limit. */
  itemsPerSecond: count.default(0),
  /** Items a sender may send at once above the rate; 0 = one second's worth (itemsPerSecond). */
  burst: count.default(0),
});

/** An agent token: a bare string (named `token-<position>`), or an entry with a name and its own limits. */
const agentToken = z.union([
  z.string().min(1, 'an agent token must not be empty'),
  z.object({
    name: z.string().regex(NAME, 'must be 1-64 characters of letters, digits, ".", "_" or "-"').optional(),
    token: z.string().min(1, 'an agent token must not be empty'),
    itemsPerSecond: count.optional(),
    burst: count.optional(),
  }),
]);

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);
const isLoopback = (host: string): boolean => LOOPBACK_HOSTS.has(host) || /^127\./.test(host);

export const proxyConfigSchema = z
  .object({
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Holds the disk queue (`<dataDir>/queue`); default: per user (see env.ts). */
    dataDir: z.string().min(1),
    // Stamped on every row by the server and used in filters and table keys.
    clusterId: z
      .string()
      .regex(CLUSTER_ID, 'must be 1-64 characters of letters, digits, ".", "_" or "-"')
      .default('default'),
    receivers: z
      .object({
        // Loopback by default: beyond it, agent tokens are required (checked below).
        host: z.string().min(1).default('127.0.0.1'),
        // Not the agent's 4317/4318, so an agent and a proxy can share a host.
        grpcPort: port.default(14317),
        httpPort: port.default(14318),
        /** Limit of a request body as received and after decompression (413 beyond it), as the server's. */
        maxBodyBytes: count.min(1024).default(16 * 1024 * 1024),
        /** Request bytes (as received + inflated) checked and written at once; beyond it, 429 (bounds memory). */
        maxInFlightBytes: count.min(1024 * 1024).default(256 * 1024 * 1024),
      })
      .prefault({}),
    /** Timeouts and the connection bound of every listener (OTLP/HTTP, OTLP/gRPC, status). */
    connections: connectionsConfigSchema,
    status: z
      .object({
        // Loopback by default: the status endpoints take no credential (Kubernetes probes set 0.0.0.0).
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(13134),
      })
      .prefault({}),
    export: z
      .object({
        /** The server's base URL (it receives `/v1/*`). */
        url: httpUrl.default('http://127.0.0.1:3300'),
        /** The proxy's own token toward the server: a proxy token there, so `X-APO-Cluster-Id` is trusted. */
        token: z.string().min(1).optional(),
        /**
         * Requests in flight to the server at most: many agents share these few connections. The server
         * acknowledges a request once its group-commit flush is stored (~50–100 ms under load), so this also
         * bounds the proxy's throughput (in flight × batch size ÷ flush time) and the size of the server's
         * flushes: 4 drained ~35k spans/s, 16 ~59k (bench/proxy.bench.ts --export-concurrency).
         */
        concurrency: count.min(1).default(16),
        /** Bound of the disk queue; when full, agents get 503 + Retry-After and keep their batches. */
        queueMaxBytes: count.min(1024 * 1024).default(1024 * 1024 * 1024),
        timeoutSeconds: seconds.default(30),
        /** On SIGTERM: how long to keep delivering the queue before leaving the rest on disk. */
        drainSeconds: z.coerce.number().nonnegative().default(5),
      })
      .prefault({}),
    agents: z
      .object({
        /** Tokens agents must present (`Authorization: Bearer`); none = no authentication (loopback only). */
        tokens: z.array(agentToken).default([]),
        /** Per token (per agent when there are no tokens), unless a token entry sets its own. */
        rateLimit: rateLimit.prefault({}),
        /** Distinct agents with their own metrics and rate buckets; later ones share `agent="other"`. */
        maxTracked: count.min(1).default(1000),
      })
      .prefault({}),
    kubernetes: z
      .object({
        /** auto: on when running in a pod; on: required; off: never. */
        mode: z.enum(['auto', 'on', 'off']).default('auto'),
        /** A kubeconfig file, to watch a cluster from outside it. */
        kubeconfig: z.string().min(1).optional(),
        /** Set by the kubelet in every pod (KUBERNETES_SERVICE_HOST / _PORT); from the environment only. */
        serviceHost: z.string().optional(),
        servicePort: z.string().optional(),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    if (config.agents.tokens.length === 0 && !isLoopback(config.receivers.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['receivers', 'host'],
        message:
          'receiving beyond loopback needs agent tokens (agents.tokens, or APO_PROXY_AGENT_TOKENS): refusing to accept unauthenticated data from the network',
      });
    }
    const seenTokens = new Set<string>();
    const seenNames = new Set<string>();
    config.agents.tokens.forEach((entry, i) => {
      const token = typeof entry === 'string' ? entry : entry.token;
      const name = typeof entry === 'string' ? undefined : entry.name;
      if (seenTokens.has(token))
        ctx.addIssue({ code: 'custom', path: ['agents', 'tokens', i], message: 'duplicate agent token' });
      seenTokens.add(token);
      if (name !== undefined && seenNames.has(name))
        ctx.addIssue({
          code: 'custom',
          path: ['agents', 'tokens', i, 'name'],
          message: `duplicate agent token name "${name}"`,
        });
      if (name !== undefined) seenNames.add(name);
    });
  });

export type ProxyConfig = z.output<typeof proxyConfigSchema>;

/** An agent token resolved: its name (what metrics show) and its rate limit (0 = none). */
export interface AgentTokenEntry {
  name: string;
  token: string;
  itemsPerSecond: number;
  burst: number;
}

/** Names bare tokens `token-<position>` (1-based) and applies the global rate limit where none is set. */
export function agentTokenEntries(agents: ProxyConfig['agents']): AgentTokenEntry[] {
  return agents.tokens.map((entry, i) => {
    const own = typeof entry === 'string' ? { token: entry } : entry;
    return {
      name: own.name ?? `token-${i + 1}`,
      token: own.token,
      itemsPerSecond: own.itemsPerSecond ?? agents.rateLimit.itemsPerSecond,
      burst: own.burst ?? agents.rateLimit.burst,
    };
  });
}
