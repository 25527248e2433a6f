import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import Fastify, { LogController, type FastifyError } from 'fastify';
import cors from '@fastify/cors';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { Logger } from 'pino';
import { Authenticator } from './auth/authenticator.ts';
import { openAccess, type OpenedAccess } from './auth/open-access.ts';
import { isAllowedOrigin, resolveAuth, type ServerConfig } from './config/server-config.ts';
import { defaultConsoleDir } from './env.ts';
import { allowedHostsOf, registerHostCheck } from './http/allowed-hosts.ts';
import { registerConsoleFiles } from './http/console-files.ts';
import { BatchLedger, removeInterruptedFlushes } from './ingest/batch-ledger.ts';
import { dataTables } from './ingest/data-tables.ts';
import { GroupCommitWriter } from './ingest/group-commit-writer.ts';
import { ServerRedStage } from './ingest/red-stage.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { InFlightBytes, httpServerOptions, limitHttpConnections, listenGrpc } from '@apo/otlp-transport';
import { createOtlpGrpcServer } from './ingest/otlp-grpc-server.ts';
import { registerOtlpHttpRoutes } from './ingest/otlp-http-routes.ts';
import { PodDirectory } from './features/kubernetes/pod-directory.ts';
import { registerPodSnapshotRoutes } from './features/kubernetes/snapshot-routes.ts';
import { DecisionBoard } from '@apo/otlp-transport';
import { registerSamplingRoutes } from './features/sampling/sampling-routes.ts';
import { InvestigationStore } from './features/investigations/investigation-store.ts';
import { SavedInvestigationStore } from './features/investigations/saved-investigation-store.ts';
import { registerTraceColumnsRoute } from './features/traces/trace-columns-route.ts';
import { registerTraceExportRoute } from './features/export/trace-export-route.ts';
import { registerJaegerRoutes } from './features/jaeger/jaeger-routes.ts';
import { lastFlushId, openStorage, type Storage } from './storage/index.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { JobLeadership } from './jobs/job-leadership.ts';
import { JobLeases } from './jobs/job-lease.ts';
import { TopologyJob } from './jobs/topology-job.ts';
import type { ConfigStore } from './config-store/config-store.ts';
import { createServerMetrics } from './telemetry/ingest-metrics.ts';
import { registerJobMetrics } from './telemetry/job-metrics.ts';
import { makeContextFactory } from './trpc/context.ts';
import { appRouter } from './trpc/root.ts';

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

const serverVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface RunningServer {
  /** Base URL of the HTTP listener (tRPC, OTLP/HTTP, probes). */
  httpUrl: string;
  grpcPort: number;
  storage: Storage;
  close(): Promise<void>;
}

/** Opens storage, recovers interrupted flushes, and starts the HTTP and gRPC listeners. */
export async function startServer(config: ServerConfig, log: Logger): Promise<RunningServer> {
  const authDecision = resolveAuth(config);
  if (authDecision.problem) throw new StartupError(authDecision.problem);
  const auth = new Authenticator({ enabled: authDecision.enabled, ...config.auth });

  const storage = await openStorage(
    { ...config.storage, dataDir: config.storage.dataDir ?? '' },
    log.child({ component: 'storage' }),
  );
  let ready = false;
  let access: OpenedAccess | undefined;
  try {
    access = await openAccess(config, authDecision.enabled, auth, log);
    const retentionMs = config.storage.ledgerRetentionHours * 3_600_000;
    await removeInterruptedFlushes(storage, dataTables, retentionMs, log);
    const ledger = await BatchLedger.load(storage, retentionMs);
    const kubernetesLog = log.child({ component: 'kubernetes' });
    const pods = await PodDirectory.load(storage, kubernetesLog);
    // Servers sharing one ClickHouse each see a proxy's publish only when it reaches them; the others take it
    // from the table. Embedded storage has one server per data directory: nothing to pick up.
    const podRefresh =
      storage.engine === 'remote'
        ? setInterval(() => {
            pods.refresh(kubernetesLog).catch((err: unknown) => {
              kubernetesLog.warn({ err }, 'could not refresh the Kubernetes pod snapshots');
            });
          }, 30_000)
        : undefined;
    podRefresh?.unref();
    const metrics = createServerMetrics();
    const writer = new GroupCommitWriter(
      storage,
      ledger,
      new ServerRedStage(storage.retention.red, config.ingest.redFlushIntervalMs, metrics.ingest),
      { ...config.ingest, writeTimeoutMs: config.storage.writeTimeoutMs },
      log.child({ component: 'writer' }),
      metrics.ingest,
      await lastFlushId(storage),
    );
    const service = new IngestService({
      writer,
      limits: {
        maxAttributes: config.ingest.maxAttributes,
        maxValueLength: config.ingest.maxAttributeValueLength,
        maxEventsPerSpan: config.ingest.maxEventsPerSpan,
        maxLinksPerSpan: config.ingest.maxLinksPerSpan,
        maxValueEntries: config.ingest.maxValueEntries,
        maxAttributeBytes: config.ingest.maxAttributeBytes,
      },
      retention: storage.retention,
      metrics: metrics.ingest,
      auth,
      defaultCluster: config.defaultCluster,
      pods,
    });
    const transport = {
      service,
      maxBodyBytes: config.ingest.maxBodyBytes,
      // One bound for OTLP/HTTP, OTLP/gRPC and pod snapshots: what they hold received and inflated.
      inFlight: new InFlightBytes(config.ingest.maxInFlightBytes, 'the server'),
      connections: config.connections,
    };

    const app = Fastify({
      loggerInstance: log.child({ component: 'http' }),
      // Per-request logs at ingest rates would cost more than the ingest; errors are still logged.
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: 1024 * 1024,
      // A batched tRPC GET names its procedures in one path parameter (`/trpc/a,b,c`); the default 100
      // characters cut a page's batch of 8 procedures off with a 414 before CORS headers, which a browser
      // reports only as a failed fetch. The URL itself stays bounded by the client (maxURLLength).
      maxParamLength: 2048,
      http: httpServerOptions(config.connections),
      // Fastify sets these itself after creating the server; the same values, once more.
      keepAliveTimeout: config.connections.keepAliveTimeoutMs,
      requestTimeout: config.connections.requestTimeoutMs,
    });
    limitHttpConnections(app.server, config.connections);
    registerHostCheck(app, allowedHostsOf(config.allowedHosts, config.host));
    // Fastify answers a 5xx with the error's own message, which can quote SQL or name a file; callers get a
    // stable one and the log keeps the detail. A 4xx message describes the request and stays. Never a stack.
    app.setErrorHandler((err: FastifyError, req, res) => {
      const status =
        err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      if (status === 500) req.log.error({ err }, 'request failed');
      return res.status(status).send({
        statusCode: status,
        ...(status === 500 ? {} : { code: err.code }),
        error: STATUS_CODES[status],
        message: status === 500 ? 'internal error; see the server log' : err.message,
      });
    });
    await app.register(cors, {
      origin: (origin, done) => {
        done(null, origin === undefined || isAllowedOrigin(origin, config.corsOrigins));
      },
      allowedHeaders: ['authorization', 'content-type', 'content-encoding', 'x-apo-batch-id', 'trpc-accept'],
      maxAge: 600,
    });
    app.get('/healthz', () => ({ status: 'ok' }));
    app.get('/readyz', (_req, res) => {
      if (!ready) return res.status(503).send({ status: 'not ready', reason: 'starting or shutting down' });
      // Not ready while writes fail, so a load balancer can send agents elsewhere; the writer tries again on
      // its own (an empty flush every few seconds) and reports ready after the first write that succeeds.
      const problem = writer.storageProblem;
      if (problem !== undefined) {
        return res.status(503).send({
          status: 'not ready',
          reason: `storage cannot write since ${new Date(problem.since).toISOString()}: ${problem.reason}`,
        });
      }
      return { status: 'ready' };
    });
    app.get('/metrics', async (req, res) => {
      // Counters name services, clusters and rates: with auth on they are the admin's.
      if (!auth.allowsApi(req.headers.authorization)) {
        return res
          .status(401)
          .send({ message: 'metrics need the admin token: send "Authorization: Bearer <APO_ADMIN_TOKEN>"' });
      }
      void res.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
    registerOtlpHttpRoutes(app, transport);
    registerPodSnapshotRoutes(app, {
      directory: pods,
      auth,
      maxBodyBytes: config.ingest.maxBodyBytes,
      inFlight: transport.inFlight,
    });
    registerSamplingRoutes(app, {
      board: new DecisionBoard({ retainMs: 60_000, maxDecisions: 1_000_000 }),
      auth,
    });
    await app.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      trpcOptions: {
        router: appRouter,
        createContext: makeContextFactory({
          storage,
          log,
          auth,
          access: access.access,
          settings: access.settings,
          investigations: new InvestigationStore(access.store.db),
          savedInvestigations: new SavedInvestigationStore(access.store.db),
          pods,
          limits: config.api,
          version: serverVersion,
          startedAt: Date.now(),
          isReady: () => ready,
        }),
      },
    });
    registerTraceColumnsRoute(app, { storage, access: access.access });
    // A whole trace as an OTLP or Jaeger JSON file, every span with its attributes (the console's Export).
    registerTraceExportRoute(app, { storage, access: access.access, limits: config.api });
    // Jaeger's query API (`/api/services`, `/api/traces`, …) for the Jaeger UI and Grafana's Jaeger source.
    registerJaegerRoutes(app, { storage, access: access.access, limits: config.api });
    // The web console at `/`; its fallback (client routes → index.html) answers only what no route above took.
    registerConsoleFiles(app, { dir: config.consoleDir ?? defaultConsoleDir() });

    const grpcServer = createOtlpGrpcServer(transport);
    const grpcListener = await listenGrpc(grpcServer, config.host, config.grpcPort, config.connections);
    const grpcPort = grpcListener.port;
    const httpUrl = await app.listen({ host: config.host, port: config.httpPort });
    ready = true;
    const jobs = startJobs(storage, access.store, config, log);
    registerJobMetrics(metrics.registry, [TOPOLOGY_JOB], (job) => jobs.leads(job));
    await access.announce(httpUrl);
    log.info(
      {
        http: httpUrl,
        grpcPort,
        engine: storage.engine,
        dataDir: config.storage.dataDir,
        auth: auth.enabled,
        configStore: access.store.location,
      },
      `APO server ready: ${httpUrl} (tRPC /trpc, OTLP/HTTP /v1/traces|logs|metrics), OTLP/gRPC ${config.host}:${grpcPort}, ` +
        (storage.engine === 'embedded'
          ? `embedded storage in ${config.storage.dataDir}`
          : `ClickHouse at ${config.storage.url}`),
    );

    let closing: Promise<void> | undefined;
    return {
      httpUrl,
      grpcPort,
      storage,
      close: () =>
        (closing ??= (async () => {
          ready = false;
          clearInterval(podRefresh);
          // Stop taking new work, let requests in progress finish, then store everything accepted.
          await Promise.all([app.close(), grpcListener.close(30_000), writer.close(), jobs.stop()]);
          await writer.close();
          await storage.close();
          await access?.close();
          log.info('APO server stopped');
        })()),
    };
  } catch (err) {
    await storage.close().catch(() => undefined);
    await access?.close().catch(() => undefined);
    throw err;
  }
}

const TOPOLOGY_JOB = 'topology';

/**
 * The background jobs, started once the server is ready; `close()` stops them before the storage closes.
 * Against ClickHouse with a PostgreSQL config store — the set-up of servers sharing one ClickHouse — each
 * job runs on the server holding its lease. Otherwise this server is alone with its data and runs them all.
 */
function startJobs(storage: Storage, store: ConfigStore, config: ServerConfig, log: Logger): JobRunner {
  const jobLog = log.child({ component: 'jobs' });
  const topology = new TopologyJob(storage, { ...config.jobs.topology, windowsPerRun: 3 }, jobLog);
  const shared = storage.engine === 'remote' && store.dialect === 'postgres';
  const leadership = shared
    ? new JobLeadership(new JobLeases(store.db, { ttlMs: config.jobs.leaseMs }), jobLog)
    : undefined;
  const runner = new JobRunner(jobLog, leadership);
  runner.add({
    name: TOPOLOGY_JOB,
    intervalMs: config.jobs.topology.intervalMs,
    run: () => topology.runDue(),
    resume: () => topology.resume(),
  });
  runner.start();
  return runner;
}
