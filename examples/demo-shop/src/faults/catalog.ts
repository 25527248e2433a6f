import { SERVICES } from '../topology.ts';
import { formatDuration } from './duration.ts';

/**
 * The fault catalogue: every kind, its parameters with defaults and meaning, and the signature it leaves in
 * traces, metrics and logs. The CLI, the admin endpoint of every service and the README's table all read
 * this one table, so a parameter cannot be valid in one place and unknown in another.
 */
export const FAULT_KINDS = [
  'latency',
  'db-slow',
  'cpu',
  'lock',
  'errors',
  'downstream-timeout',
  'gc-pressure',
  'disk-io',
  'crash-loop',
  'bad-deploy',
  'pool-exhaustion',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

type ParamSpec =
  | { type: 'integer'; default: number; min: number; max: number; unit?: string; meaning: string }
  | { type: 'target'; meaning: string }
  | { type: 'version'; meaning: string };

export interface KindSpec {
  summary: string;
  params: Record<string, ParamSpec>;
  /** What an analysis should find in the stored data. */
  signature: string;
}

const ms = (def: number, max: number, meaning: string): ParamSpec => ({
  type: 'integer',
  default: def,
  min: 0,
  max,
  unit: 'ms',
  meaning,
});
const percent = (def: number, meaning: string): ParamSpec => ({
  type: 'integer',
  default: def,
  min: 0,
  max: 100,
  unit: '%',
  meaning,
});

export const KINDS: Record<FaultKind, KindSpec> = {
  latency: {
    summary: 'delay in every request handler (a slow code path)',
    params: {
      ms: ms(500, 60_000, 'added delay per request'),
      jitterMs: ms(100, 60_000, 'random extra delay, 0..jitterMs'),
      share: percent(100, 'share of requests delayed'),
    },
    signature:
      "the service's server spans slow by ~ms with no slower child span (self time); callers' latency follows; CPU unchanged",
  },
  'db-slow': {
    summary: 'every database statement of the service becomes slow',
    params: { ms: ms(200, 10_000, 'added time per statement') },
    signature:
      "the service's DB client spans (and its DB-call metrics) slow by ~ms per statement; its server spans and callers follow",
  },
  cpu: {
    summary: 'burn CPU synchronously in every request handler',
    params: {
      ms: ms(120, 10_000, 'CPU time burned per request'),
      share: percent(100, 'share of requests that burn'),
    },
    signature:
      "the service's process CPU and event-loop delay rise; its server spans slow (self time) and so do callers",
  },
  lock: {
    summary: 'serialise requests on one process-wide mutex',
    params: { holdMs: ms(200, 60_000, 'extra time each request holds the mutex') },
    signature:
      'latency grows with concurrency (waiting before any child span), CPU stays low: queueing on a lock',
  },
  errors: {
    summary: 'a share of requests fail with a 5xx',
    params: {
      rate: percent(30, 'share of requests failing'),
      status: { type: 'integer', default: 500, min: 500, max: 599, meaning: 'HTTP status of the failures' },
    },
    signature:
      'error status on the service\'s server spans (and its callers\'), "request failed" error logs with the same trace ids',
  },
  'downstream-timeout': {
    summary: 'calls to one dependency hang until the caller times out',
    params: {
      target: { type: 'target', meaning: 'the called service that hangs (default: the first one it calls)' },
      timeoutMs: ms(2000, 120_000, "the caller's timeout for that call"),
    },
    signature:
      'client spans from the service to the target end in error after ~timeoutMs, the target shows no server span for them; 504s up the chain and timeout error logs',
  },
  'gc-pressure': {
    summary: 'allocation churn per request plus a retained working set',
    params: {
      mb: {
        type: 'integer',
        default: 24,
        min: 1,
        max: 512,
        unit: 'MB',
        meaning: 'garbage allocated per request',
      },
      retainMb: {
        type: 'integer',
        default: 96,
        min: 0,
        max: 1024,
        unit: 'MB',
        meaning: 'live heap kept (rotated) while active',
      },
    },
    signature: 'v8js.gc.duration and heap usage of the service rise, latency rises with GC pauses',
  },
  'disk-io': {
    summary: 'fsync-heavy writes in every request',
    params: {
      writes: { type: 'integer', default: 16, min: 1, max: 1000, meaning: 'fsync-ed writes per request' },
      kb: { type: 'integer', default: 64, min: 1, max: 4096, unit: 'KB', meaning: 'size of each write' },
    },
    signature: "the service's process disk writes and I/O wait rise; its server spans slow (self time)",
  },
  'crash-loop': {
    summary: 'the process exits shortly after each start until cleared',
    params: {
      afterMs: ms(3000, 600_000, 'uptime before the process exits'),
      exitCode: { type: 'integer', default: 1, min: 1, max: 125, meaning: 'exit code' },
    },
    signature:
      'restarts (a new pid under the same service.instance.id: process.restart events) seen by the process collector, a fatal log before each exit, connection errors (502) at callers while it is down',
  },
  'bad-deploy': {
    summary: 'restart with a new service.version that fails a share of requests; --clear rolls back',
    params: {
      version: { type: 'version', meaning: 'the new service.version (default: next minor version)' },
      rate: percent(40, 'share of requests the new version fails'),
    },
    signature:
      'a new service.version appears (a version-change event), errors start with it (error spans and logs), and stop when the old version returns',
  },
  'pool-exhaustion': {
    summary: 'a too-small database connection pool, connections held longer',
    params: {
      size: { type: 'integer', default: 1, min: 1, max: 100, meaning: 'connections in the pool' },
      holdMs: ms(150, 10_000, 'extra time each checkout keeps its connection'),
    },
    signature:
      'waiting before the DB client spans (db.client.connection.wait_time, pending requests rise) while the DB spans themselves stay fast',
  },
};

export function isFaultKind(kind: string): kind is FaultKind {
  return (FAULT_KINDS as readonly string[]).includes(kind);
}

export type FaultParams = Record<string, number | string>;

export interface FaultContext {
  service: string;
  /** Services this one calls (downstream-timeout targets). */
  calls: readonly string[];
  /** The version the service normally runs (bad-deploy's default is the next minor version). */
  baseVersion?: string;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; error: string };

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;

export function nextMinorVersion(version: string): string {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? `${match[1]}.${Number(match[2]) + 1}.0` : `${version}-next`;
}

/**
 * Checks the given parameters of a kind and fills in the defaults. Values may be strings (command line)
 * or numbers (JSON). Every error names what would have been valid.
 */
export function resolveParams(
  kind: FaultKind,
  given: Record<string, unknown>,
  context: FaultContext,
): Resolved<FaultParams> {
  const spec = KINDS[kind];
  const names = Object.keys(spec.params);
  for (const name of Object.keys(given)) {
    if (!(name in spec.params)) {
      const valid = names.length > 0 ? names.map((n) => `--${n}`).join(', ') : 'none';
      return { ok: false, error: `unknown parameter --${name} for ${kind} (valid: ${valid})` };
    }
  }
  const params: FaultParams = {};
  for (const [name, param] of Object.entries(spec.params)) {
    const raw = given[name];
    if (param.type === 'integer') {
      if (raw === undefined) {
        params[name] = param.default;
        continue;
      }
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isInteger(n) || n < param.min || n > param.max) {
        return {
          ok: false,
          error: `--${name} must be an integer from ${param.min} to ${param.max}${param.unit ? ` (${param.unit})` : ''}, got ${JSON.stringify(raw)}`,
        };
      }
      params[name] = n;
    } else if (param.type === 'target') {
      if (context.calls.length === 0) {
        const callers = SERVICES.filter((s) => s.calls.length > 0).map((s) => s.name);
        return {
          ok: false,
          error: `${context.service} calls no other service, so it has no ${kind} target (services that call others: ${callers.join(', ')})`,
        };
      }
      const target =
        raw === undefined ? context.calls[0]! : typeof raw === 'string' ? raw : JSON.stringify(raw);
      if (!context.calls.includes(target)) {
        return {
          ok: false,
          error: `--${name} must be a service ${context.service} calls (${context.calls.join(', ')}), got ${JSON.stringify(raw)}`,
        };
      }
      params[name] = target;
    } else {
      if (raw === undefined) {
        if (context.baseVersion !== undefined) params[name] = nextMinorVersion(context.baseVersion);
        continue;
      }
      const version = typeof raw === 'string' ? raw : JSON.stringify(raw);
      if (!VERSION.test(version) || version === context.baseVersion) {
        return {
          ok: false,
          error: `--${name} must be a version string (letters, digits, . + _ -) other than the running ${context.baseVersion ?? 'one'}, got ${JSON.stringify(raw)}`,
        };
      }
      params[name] = version;
    }
  }
  return { ok: true, value: params };
}

function describeParam(name: string, param: ParamSpec): string {
  const def =
    param.type === 'integer'
      ? `default ${param.default}${param.unit ?? ''}, ${param.min}..${param.max}`
      : param.type === 'target'
        ? 'default: first dependency'
        : 'default: next minor version';
  return `--${name} (${def}): ${param.meaning}`;
}

export function describeKind(kind: FaultKind): string[] {
  const spec = KINDS[kind];
  return [
    `${kind}: ${spec.summary}`,
    ...Object.entries(spec.params).map(([name, p]) => `    ${describeParam(name, p)}`),
    `    signature: ${spec.signature}`,
  ];
}

export interface ActiveFault {
  kind: FaultKind;
  params: FaultParams;
  /** Epoch milliseconds. */
  since: number;
  /** Epoch milliseconds, or null: active until cleared. */
  until: number | null;
}

export function describeActive(fault: ActiveFault, now: number): string {
  const params = Object.entries(fault.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const left =
    fault.until === null ? 'until cleared' : `${formatDuration(Math.max(0, fault.until - now))} left`;
  return `${fault.kind} ${params} (${left})`;
}
