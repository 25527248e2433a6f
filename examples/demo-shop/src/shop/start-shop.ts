import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { inheritedEnv } from '../env.ts';
import { readFaults } from '../faults/store.ts';
import { baseVersionOf } from '../runtime/service-config.ts';
import {
  ADMIN_PORT_OFFSET,
  DEFAULT_AGENT_URL,
  DEFAULT_BASE_PORT,
  SERVICES,
  dataPaths,
  type ServiceName,
} from '../topology.ts';
import { DEFAULT_DAY_MS, DEFAULT_RPS } from '../traffic/day-curve.ts';
import { chooseCache, chooseDatabase, prepareDatabases } from './backends.ts';
import { DEFAULT_BACKOFF, SupervisedChild, type Backoff } from './child-process.ts';
import { LogSink } from './log-sink.ts';
import { prepareShopCode } from './shop-code.ts';
import { removeState, writeState, type ShopState } from './state-file.ts';

export interface ShopOptions {
  /** Databases, queue, fault store, audit log, logs and the state file live here. */
  dataDir: string;
  /** OTLP/HTTP endpoint of the agent the services export to (default http://127.0.0.1:4318). */
  agentUrl?: string;
  host?: string;
  /** Services listen on basePort + 0..6 (gateway first), admin endpoints on adminBasePort + 0..6. */
  basePort?: number;
  adminBasePort?: number;
  database?: 'auto' | 'sqlite' | 'postgres';
  pgUrl?: string;
  /** A Redis URL, `null` for no cache, or undefined to use 127.0.0.1:6379 when it listens. */
  redisUrl?: string | null;
  /** `false` for no traffic; the average rate (requests/s) and the length of a compressed day. */
  traffic?: false | { rps?: number; dayMs?: number; startPhase?: number };
  /** Export intervals of the preload (short ones make tests fast). */
  exportIntervals?: { spansMs?: number; metricsMs?: number; logsMs?: number };
  restartBackoff?: Partial<Backoff>;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Extra environment for the services (applied last). */
  env?: Record<string, string>;
  /** Supervisor messages (restarts, exits); default: none. */
  onEvent?: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface ShopService {
  name: ServiceName;
  url: string;
  adminUrl: string;
  /** The current process, undefined while it is down. */
  readonly pid: number | undefined;
  /** The service.version of the current process. */
  readonly version: string;
  readonly restarts: number;
  logFile: string;
}

export interface Shop {
  dataDir: string;
  stateFile: string;
  auditLog: string;
  agentUrl: string;
  database: 'sqlite' | 'postgres';
  cache: 'redis' | 'none';
  /** A note on the choice of backends (e.g. PostgreSQL found but refused), if any. */
  note: string | undefined;
  services: ShopService[];
  service(name: ServiceName): ShopService;
  traffic: { readonly pid: number | undefined; rps: number; dayMs: number } | undefined;
  stop(): Promise<void>;
}

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const PRELOAD = '@apo/agent/instrument';

/** Variables of the parent that would give every child the same identity; the shop sets its own. */
const NOT_INHERITED = ['OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT'];

async function waitReady(
  child: SupervisedChild,
  adminUrl: string,
  sink: LogSink,
  deadline: number,
): Promise<void> {
  for (;;) {
    try {
      const res = await fetch(`${adminUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${child.spec.name} did not become ready (${adminUrl}/healthz); its last output:\n${sink.tail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Starts the shop: prepares the databases, starts every service (and the traffic), waits until all serve. */
export async function startShop(options: ShopOptions): Promise<Shop> {
  const paths = dataPaths(options.dataDir);
  mkdirSync(options.dataDir, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const agentUrl = options.agentUrl ?? DEFAULT_AGENT_URL;
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  const adminBasePort = options.adminBasePort ?? basePort + ADMIN_PORT_OFFSET;
  const backoff: Backoff = { ...DEFAULT_BACKOFF, ...options.restartBackoff };
  const emit = options.onEvent ?? (() => undefined);

  const { choice, note } = await chooseDatabase(options.database ?? 'auto', options.pgUrl);
  const redisUrl = await chooseCache(options.redisUrl);
  await prepareDatabases(options.dataDir, choice);
  const code = await prepareShopCode();
  if (code.form !== 'javascript') emit(`running the shop's TypeScript sources: ${code.form.sources}`);

  const urls = Object.fromEntries(SERVICES.map((s) => [s.name, `http://${host}:${basePort + s.index}`]));
  const base = Object.fromEntries(Object.entries(inheritedEnv()).filter(([k]) => !NOT_INHERITED.includes(k)));
  const intervals = options.exportIntervals ?? {};
  const sinks: LogSink[] = [];

  const children = SERVICES.map((spec) => {
    const baseVersion = baseVersionOf(spec.name);
    const sink = new LogSink(paths.logFile(spec.name));
    sinks.push(sink);
    const command = () => {
      // A bad deploy lives in the fault store; the supervisor reads it at each start to pick the version.
      const badDeploy = readFaults(options.dataDir, spec.name).find(
        (f) => f.kind === 'bad-deploy' && (f.until === null || f.until > Date.now()),
      );
      const version = badDeploy ? String(badDeploy.params.version) : baseVersion;
      // One supervised slot is one service instance across restarts (as a pod is across container
      // restarts): a stable service.instance.id is what lets the agent see a restart or a new version of
      // the same instance rather than an unrelated new one (the preload would draw a random id per start).
      const instanceId = `${spec.name}-${hostname()}`;
      const env: Record<string, string | undefined> = {
        ...base,
        OTEL_EXPORTER_OTLP_ENDPOINT: agentUrl,
        OTEL_SERVICE_NAME: spec.name,
        OTEL_RESOURCE_ATTRIBUTES: `service.version=${encodeURIComponent(version)},service.instance.id=${encodeURIComponent(instanceId)},deployment.environment.name=demo`,
        ...(intervals.spansMs !== undefined ? { OTEL_BSP_SCHEDULE_DELAY: String(intervals.spansMs) } : {}),
        ...(intervals.metricsMs !== undefined
          ? { OTEL_METRIC_EXPORT_INTERVAL: String(intervals.metricsMs) }
          : {}),
        ...(intervals.logsMs !== undefined ? { OTEL_BLRP_SCHEDULE_DELAY: String(intervals.logsMs) } : {}),
        DEMO_HOST: host,
        DEMO_SERVICE_PORT: String(basePort + spec.index),
        DEMO_ADMIN_PORT: String(adminBasePort + spec.index),
        DEMO_DATA_DIR: options.dataDir,
        DEMO_PEERS: JSON.stringify(urls),
        DEMO_DB: choice.dialect,
        DEMO_PG_URL: choice.dialect === 'postgres' ? choice.url : '',
        DEMO_REDIS_URL: redisUrl ?? '',
        DEMO_LOG_LEVEL: options.logLevel ?? 'info',
        ...options.env,
      };
      return { args: ['--import', PRELOAD, code.serviceEntry(spec.name)], env };
    };
    return new SupervisedChild({
      name: spec.name,
      cwd: packageDir,
      command,
      sink,
      backoff,
      onStart: () => saveState(),
      onExit: (child, code, signal, restartInMs) => {
        saveState();
        if (restartInMs >= 0) {
          emit(
            `${child.spec.name} exited (${signal ?? `code ${code ?? '?'}`}), restarting${restartInMs > 0 ? ` in ${restartInMs} ms` : ''}`,
          );
        }
      },
    });
  });

  const versionOf = (child: SupervisedChild) =>
    /service\.version=([^,]*)/.exec(child.env.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[1] ?? '';
  const services: ShopService[] = SERVICES.map((spec, i) => {
    const child = children[i]!;
    return {
      name: spec.name,
      url: urls[spec.name]!,
      adminUrl: `http://${host}:${adminBasePort + spec.index}`,
      logFile: paths.logFile(spec.name),
      get pid() {
        return child.pid;
      },
      get version() {
        return decodeURIComponent(versionOf(child));
      },
      get restarts() {
        return child.restarts;
      },
    };
  });

  const trafficOptions = options.traffic === false ? undefined : (options.traffic ?? {});
  const rps = trafficOptions?.rps ?? DEFAULT_RPS;
  const dayMs = trafficOptions?.dayMs ?? DEFAULT_DAY_MS;
  let traffic: SupervisedChild | undefined;

  const startedAt = new Date().toISOString();
  function saveState(): void {
    const state: ShopState = {
      supervisorPid: process.pid,
      startedAt,
      dataDir: options.dataDir,
      agentUrl,
      database: choice.dialect,
      cache: redisUrl === undefined ? 'none' : 'redis',
      auditLog: paths.auditLog,
      services: services.map((s) => ({
        name: s.name,
        url: s.url,
        adminUrl: s.adminUrl,
        pid: s.pid ?? null,
        version: s.version,
        restarts: s.restarts,
      })),
      traffic: trafficOptions === undefined ? null : { pid: traffic?.pid ?? null, rps, dayMs },
    };
    writeState(paths.stateFile, state);
  }

  const stop = async () => {
    await traffic?.stop();
    await Promise.all(children.map((c) => c.stop()));
    removeState(paths.stateFile);
    await Promise.all(sinks.map((s) => s.close()));
    await code.dispose();
  };

  for (const child of children) child.start();
  try {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    await Promise.all(children.map((c, i) => waitReady(c, services[i]!.adminUrl, c.spec.sink, deadline)));
  } catch (error) {
    await stop();
    throw error;
  }

  if (trafficOptions !== undefined) {
    const sink = new LogSink(paths.logFile('traffic'));
    sinks.push(sink);
    traffic = new SupervisedChild({
      name: 'traffic',
      cwd: packageDir,
      command: () => ({
        args: [
          code.trafficEntry,
          '--target',
          urls.gateway!,
          '--rps',
          String(rps),
          '--day',
          `${dayMs}ms`,
          ...(trafficOptions.startPhase === undefined
            ? []
            : ['--start-phase', String(trafficOptions.startPhase)]),
        ],
        env: base,
      }),
      sink,
      backoff,
      onStart: () => saveState(),
    });
    traffic.start();
  }
  saveState();
  const trafficChild = traffic;

  return {
    dataDir: options.dataDir,
    stateFile: paths.stateFile,
    auditLog: paths.auditLog,
    agentUrl,
    database: choice.dialect,
    cache: redisUrl === undefined ? 'none' : 'redis',
    note,
    services,
    service: (name) => services.find((s) => s.name === name)!,
    traffic: trafficChild && {
      get pid() {
        return trafficChild.pid;
      },
      rps,
      dayMs,
    },
    stop,
  };
}
