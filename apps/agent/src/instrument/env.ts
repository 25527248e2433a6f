/**
 * The one place the preload reads `process.env`: the standard OpenTelemetry variables it honours, plus the
 * agent's default endpoint. Unlike the agent's own env.ts, a bad value never stops the process: the preload
 * runs inside someone else's app, so it warns, falls back to the default, and lets the app start.
 */

type Env = Record<string, string | undefined>;

const Signal = { Traces: 'traces', Metrics: 'metrics', Logs: 'logs' } as const;
type Signal = (typeof Signal)[keyof typeof Signal];

/** The local APO agent's OTLP/HTTP receiver. 127.0.0.1 rather than localhost: no IPv6-first surprise. */
const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
const DEFAULT_METRIC_INTERVAL_MS = 10_000;
/** The specification's defaults for the batch processors (the SDK no longer reads these variables). */
const DEFAULT_SPAN_DELAY_MS = 5_000;
const DEFAULT_LOG_DELAY_MS = 1_000;
/** How long the exit flush may hold a process that is ending (see exit-flush.ts). */
const DEFAULT_EXIT_FLUSH_TIMEOUT_MS = 1_000;

export const DiagLevel = {
  None: 'none',
  Error: 'error',
  Warn: 'warn',
  Info: 'info',
  Debug: 'debug',
  Verbose: 'verbose',
  All: 'all',
} as const;
export type DiagLevel = (typeof DiagLevel)[keyof typeof DiagLevel];

export interface InstrumentConfig {
  /** OTEL_SDK_DISABLED=true: the preload does nothing at all. */
  disabled: boolean;
  /** Full export URL per signal, or null when that signal's exporter is `none`. */
  endpoints: Record<Signal, string | null>;
  metricExportIntervalMs: number;
  /** OTEL_BSP_SCHEDULE_DELAY: how long ended spans wait to be batched. */
  spanScheduleDelayMs: number;
  /** OTEL_BLRP_SCHEDULE_DELAY: the same for log records. */
  logScheduleDelayMs: number;
  /** APO_INSTRUMENT_FLUSH_TIMEOUT: the most an ending process waits for its last export. */
  exitFlushTimeoutMs: number;
  /** OTEL_SERVICE_NAME when set; otherwise the service name is derived from the app (see resource.ts). */
  serviceName: string | undefined;
  /** OTEL_RESOURCE_ATTRIBUTES, decoded; empty when unset or malformed. */
  resourceAttributes: Record<string, string>;
  diagLevel: DiagLevel;
  /** `sync` (in-thread module.registerHooks) when the Node version supports it, else `async` (module.register). */
  esmLoader: 'auto' | 'sync' | 'async';
  /** Problems found while reading; the caller reports them once diagnostics are set up. */
  warnings: string[];
}

const signalPath: Record<Signal, string> = { traces: 'v1/traces', metrics: 'v1/metrics', logs: 'v1/logs' };
const signalVar: Record<Signal, string> = { traces: 'TRACES', metrics: 'METRICS', logs: 'LOGS' };

const set = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

function isHttpUrl(value: string): boolean {
  const protocol = URL.parse(value)?.protocol;
  return protocol === 'http:' || protocol === 'https:';
}

/**
 * As the OTLP exporter specification says: a signal-specific endpoint is used as given; the general one
 * gets `/v1/<signal>` appended.
 */
function endpointFor(env: Env, signal: Signal, warnings: string[]): string | null {
  const exporterVar = `OTEL_${signalVar[signal]}_EXPORTER`;
  const exporter = set(env[exporterVar])?.toLowerCase();
  if (exporter === 'none') return null;
  if (exporter !== undefined && exporter !== 'otlp')
    warnings.push(`${exporterVar}=${JSON.stringify(exporter)} is not supported; using otlp`);

  const specificVar = `OTEL_EXPORTER_OTLP_${signalVar[signal]}_ENDPOINT`;
  const specific = set(env[specificVar]);
  if (specific !== undefined) {
    if (isHttpUrl(specific)) return specific;
    warnings.push(`${specificVar}=${JSON.stringify(specific)} is not an http(s) URL; ignored`);
  }
  let base = DEFAULT_OTLP_ENDPOINT;
  const general = set(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (general !== undefined) {
    if (isHttpUrl(general)) base = general;
    else
      warnings.push(`OTEL_EXPORTER_OTLP_ENDPOINT=${JSON.stringify(general)} is not an http(s) URL; ignored`);
  }
  return `${base.replace(/\/+$/, '')}/${signalPath[signal]}`;
}

function positiveMs(env: Env, name: string, fallback: number, warnings: string[]): number {
  const raw = set(env[name]);
  if (raw === undefined) return fallback;
  const ms = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (Number.isSafeInteger(ms) && ms > 0) return ms;
  warnings.push(`${name}=${JSON.stringify(raw)} is not a positive number of milliseconds; using ${fallback}`);
  return fallback;
}

/**
 * `key1=value1,key2=value2`, percent-decoded. As the specification says, one bad entry discards the whole
 * value: half of a deliberate set of attributes would mislabel the service silently.
 */
function resourceAttributes(env: Env, warnings: string[]): Record<string, string> {
  const raw = set(env.OTEL_RESOURCE_ATTRIBUTES);
  const attributes: Record<string, string> = Object.create(null) as Record<string, string>;
  if (raw === undefined) return attributes;
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const parts = entry.split('=');
    let key: string | undefined;
    let value: string | undefined;
    try {
      key = parts.length === 2 ? decodeURIComponent(parts[0]!.trim()) : undefined;
      value = parts.length === 2 ? decodeURIComponent(parts[1]!.trim()) : undefined;
    } catch {
      key = undefined;
    }
    if (key === undefined || key === '' || value === undefined) {
      warnings.push(
        `OTEL_RESOURCE_ATTRIBUTES entry ${JSON.stringify(entry)} is not key=value (percent-encode ',' and '='); the variable is ignored`,
      );
      return Object.create(null) as Record<string, string>;
    }
    attributes[key] = value;
  }
  return attributes;
}

function diagLevel(env: Env, warnings: string[]): DiagLevel {
  const raw = set(env.OTEL_LOG_LEVEL)?.toLowerCase();
  if (raw === undefined) return DiagLevel.None;
  const known = Object.values(DiagLevel) as string[];
  if (known.includes(raw)) return raw as DiagLevel;
  warnings.push(`OTEL_LOG_LEVEL=${JSON.stringify(raw)} is not one of ${known.join(', ')}; using none`);
  return DiagLevel.None;
}

function esmLoader(env: Env, warnings: string[]): InstrumentConfig['esmLoader'] {
  const raw = set(env.APO_INSTRUMENT_ESM_LOADER)?.toLowerCase();
  if (raw === undefined) return 'auto';
  if (raw === 'auto' || raw === 'sync' || raw === 'async') return raw;
  warnings.push(`APO_INSTRUMENT_ESM_LOADER=${JSON.stringify(raw)} is not auto, sync or async; using auto`);
  return 'auto';
}

export function readInstrumentEnv(env: Env = process.env): InstrumentConfig {
  const warnings: string[] = [];
  return {
    disabled: set(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true',
    endpoints: {
      traces: endpointFor(env, Signal.Traces, warnings),
      metrics: endpointFor(env, Signal.Metrics, warnings),
      logs: endpointFor(env, Signal.Logs, warnings),
    },
    metricExportIntervalMs: positiveMs(
      env,
      'OTEL_METRIC_EXPORT_INTERVAL',
      DEFAULT_METRIC_INTERVAL_MS,
      warnings,
    ),
    spanScheduleDelayMs: positiveMs(env, 'OTEL_BSP_SCHEDULE_DELAY', DEFAULT_SPAN_DELAY_MS, warnings),
    logScheduleDelayMs: positiveMs(env, 'OTEL_BLRP_SCHEDULE_DELAY', DEFAULT_LOG_DELAY_MS, warnings),
    exitFlushTimeoutMs: positiveMs(
      env,
      'APO_INSTRUMENT_FLUSH_TIMEOUT',
      DEFAULT_EXIT_FLUSH_TIMEOUT_MS,
      warnings,
    ),
    serviceName: set(env.OTEL_SERVICE_NAME),
    resourceAttributes: resourceAttributes(env, warnings),
    diagLevel: diagLevel(env, warnings),
    esmLoader: esmLoader(env, warnings),
    // The general endpoint is read once per signal; say what is wrong with it once.
    warnings: [...new Set(warnings)],
  };
}
