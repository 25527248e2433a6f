/**
 * The agent's configuration: one zod schema for the YAML file (`apo-agent --config agent.yaml`) and the
 * environment overrides (env.ts). Defaults make a laptop run need no file at all. See
 * docs/agent.example.yaml for a commented example.
 */
import { z } from 'zod';
import { connectionsConfigSchema } from '@apo/otlp-transport';
import { logSourcesSchema } from '../collectors/logs/index.ts';

const PORT = 'must be a TCP port number 1-65535';
// Digits only: ' 4317' or '43.5' are typos, not ports.
const port = z.preprocess(
  (v) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v),
  z.number({ error: PORT }).int(PORT).min(1, PORT).max(65535, PORT),
);
const seconds = z.coerce.number().positive('must be more than 0 seconds');
const count = z.coerce.number().int().nonnegative();
/** YAML booleans, or the words an environment variable carries. */
const flag = z
  .union([z.boolean(), z.enum(['true', 'false', 'on', 'off', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === 'on' || v === '1');
const httpUrl = z
  .string()
  .refine((value) => /^https?:$/.test(URL.parse(value)?.protocol ?? ''), 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

export const agentConfigSchema = z.object({
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Disk queue, sampling journal and log checkpoints; default: per user (see env.ts). */
  dataDir: z.string().min(1),
  receivers: z
    .object({
      // Loopback by default: the receivers take no credential, so exposing them is an explicit choice.
      host: z.string().default('127.0.0.1'),
      grpcPort: port.default(4317),
      httpPort: port.default(4318),
      maxBodyBytes: count.default(16 * 1024 * 1024),
      /** Request bytes (as received + inflated) worked on at once; beyond it, 429 (bounds memory). */
      maxInFlightBytes: count.min(1024 * 1024).default(128 * 1024 * 1024),
    })
    .prefault({}),
  /** Timeouts and the connection bound of every listener (OTLP/HTTP, OTLP/gRPC, status). */
  connections: connectionsConfigSchema,
  status: z.object({ host: z.string().default('127.0.0.1'), port: port.default(13133) }).prefault({}),
  export: z
    .object({
      /** Base URL of the proxy or server that receives `/v1/*`. */
      url: httpUrl.default('http://127.0.0.1:3300'),
      token: z.string().optional(),
      concurrency: count.min(1).default(8),
      /** Bound of the on-disk queue; the oldest batches are dropped (and counted) beyond it. */
      queueMaxBytes: count.default(512 * 1024 * 1024),
      timeoutSeconds: seconds.default(30),
    })
    .prefault({}),
  sampling: z
    .object({
      enabled: flag.default(true),
      decisionWaitSeconds: seconds.default(10),
      holdSeconds: seconds.default(15),
      spanBudgetPerSecond: count.default(1000),
      capPerEndpointPerSecond: count.default(5),
      baselinePerEndpointPerMinute: count.default(1),
      slowDefaultMs: seconds.default(500),
      /** Share keep decisions with other agents through the export URL. */
      shareDecisions: flag.default(true),
    })
    .prefault({})
    .refine(
      (s) => s.holdSeconds >= s.decisionWaitSeconds,
      'holdSeconds must be at least decisionWaitSeconds',
    ),
  red: z
    .object({ flushIntervalSeconds: seconds.default(10), maxSeries: count.min(1).default(10_000) })
    .prefault({}),
  host: z
    .object({
      enabled: flag.default(true),
      intervalSeconds: seconds.default(15),
      /** `host.name` on every record; default the OS host name. In Kubernetes: the node's name (a pod's host name is its own). */
      name: z.string().min(1).optional(),
    })
    .prefault({}),
  processes: z
    .object({
      intervalSeconds: seconds.default(15),
      /** Regexes matched against a process's command line: processes to watch besides instrumented ones. */
      patterns: z.array(z.string()).default([]),
    })
    .prefault({}),
  /** Files to tail (see docs/agent.example.yaml and collectors/logs/log-source-config.ts). */
  logs: z.object({ sources: logSourcesSchema.default([]) }).prefault({}),
  prometheus: z
    .object({
      targets: z
        .array(z.object({ url: httpUrl, job: z.string().min(1), intervalSeconds: seconds.default(15) }))
        .default([]),
    })
    .prefault({}),
});

export type AgentConfig = z.output<typeof agentConfigSchema>;
