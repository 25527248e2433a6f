import { readFileSync } from 'node:fs';
import Fastify, { LogController } from 'fastify';
import cors from '@fastify/cors';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import type { Logger } from 'pino';
import { Authenticator } from './auth/authenticator.ts';
import { isAllowedOrigin, resolveAuth, type ServerConfig } from './config/server-config.ts';
import { BatchLedger, removeInterruptedFlushes } from './ingest/batch-ledger.ts';
import { dataTables, GroupCommitWriter } from './ingest/group-commit-writer.ts';
import { IngestService } from './ingest/ingest-service.ts';
import { bindGrpc } from '@apo/pipeline';
import { createOtlpGrpcServer } from './ingest/otlp-grpc-server.ts';
import { registerOtlpHttpRoutes } from './ingest/otlp-http-routes.ts';
import { PodDirectory } from './features/kubernetes/pod-directory.ts';
import { registerPodSnapshotRoutes } from './features/kubernetes/snapshot-routes.ts';
import { DecisionBoard } from '@apo/pipeline';
import { registerSamplingRoutes } from './features/sampling/sampling-routes.ts';
import { openStorage, type Storage } from './storage/index.ts';
import { createServerMetrics } from './telemetry/ingest-metrics.ts';
import { makeContextFactory } from './trpc/context.ts';
import { appRouter } from './trpc/root.ts';

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export const serverVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface RunningServer {
  /** Base URL of the HTTP listener (tRPC, OTLP/HTTP, probes). */
  httpUrl: string;
  grpcPort: number;
  storage: Storage;
  close(): Promise<void>;
}

async function lastFlushId(storage: Storage): Promise<bigint> {
  const result = await storage.client.query({
    query: `SELECT toString(max(flush_id)) AS id FROM ${storage.database}.ingest_ledger`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ id: string }>();
  return BigInt(row?.id ?? '0');
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
  try {
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
      { ...config.ingest, writeTimeoutMs: config.storage.writeTimeoutMs },
      log.child({ component: 'writer' }),
      metrics.ingest,
      await lastFlushId(storage),
    );
    const service = new IngestService(
      writer,
      { maxAttributes: config.ingest.maxAttributes, maxValueLength: config.ingest.maxAttributeValueLength },
      metrics.ingest,
      pods,
    );
    const transport = {
      service,
      auth,
      metrics: metrics.ingest,
      defaultCluster: config.defaultCluster,
      maxBodyBytes: config.ingest.maxBodyBytes,
    };

    const app = Fastify({
      loggerInstance: log.child({ component: 'http' }),
      // Per-request logs at ingest rates would cost more than the ingest; errors are still logged.
      logController: new LogController({ disableRequestLogging: true }),
      bodyLimit: 1024 * 1024,
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
    app.get('/metrics', async (_req, res) => {
      void res.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
    registerOtlpHttpRoutes(app, transport);
    registerPodSnapshotRoutes(app, { directory: pods, auth, maxBodyBytes: config.ingest.maxBodyBytes });
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
          pods,
          version: serverVersion,
          startedAt: Date.now(),
          isReady: () => ready,
        }),
      },
    });

    const grpcServer = createOtlpGrpcServer(transport);
    const grpcPort = await bindGrpc(grpcServer, config.host, config.grpcPort);
    const httpUrl = await app.listen({ host: config.host, port: config.httpPort });
    ready = true;
    log.info(
      {
        http: httpUrl,
        grpcPort,
        engine: storage.engine,
        dataDir: config.storage.dataDir,
        auth: auth.enabled,
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
          await Promise.all([
            app.close(),
            new Promise<void>((resolve) => {
              grpcServer.tryShutdown(() => resolve());
            }),
            writer.close(),
          ]);
          await writer.close();
          await storage.close();
          log.info('APO server stopped');
        })()),
    };
  } catch (err) {
    await storage.close().catch(() => undefined);
    throw err;
  }
}
