import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate, type ServiceSchema } from '../db/migrate.ts';
import { readServiceEnv, type ServiceEnv } from '../env.ts';
import { startAdminServer } from '../faults/admin-server.ts';
import type { ActiveFault } from '../faults/catalog.ts';
import { FaultController } from '../faults/controller.ts';
import { serviceSpec, type ServiceName } from '../topology.ts';
import { openCache, type Cache } from './cache.ts';
import { HttpError } from './http-errors.ts';
import { createPeers, type Peers } from './peers.ts';
import { startRetention } from './retention.ts';
import { baseVersionOf, databaseConfig, EXIT_REDEPLOY } from './service-config.ts';

/**
 * What every service of the shop is made of: express on its public port, an admin endpoint on its own, a
 * pino logger (the preload adds trace ids and exports the records), its database, an optional cache, clients
 * for the services it calls, and the fault controller. A service module only adds routes and background work.
 */
export interface ServiceContext {
  name: ServiceName;
  version: string;
  log: Logger;
  db: Database;
  cache: Cache;
  peers: Peers;
  env: ServiceEnv;
  /** Runs a unit of work that is not an HTTP request (a queue message, a job) under the active faults. */
  underFaults: <T>(fn: () => Promise<T>) => Promise<T>;
}

export interface ServiceDefinition {
  name: ServiceName;
  schema: ServiceSchema;
  routes(app: Express, ctx: ServiceContext): void;
  /** Background work (consumers, jobs); returns its stop function. */
  background?(ctx: ServiceContext): () => Promise<void>;
  /** Statements that purge rows older than the retention (one `?`: the cutoff, epoch ms); see retention.ts. */
  retention?: readonly string[];
}

const routeOf = (req: Request) => (req.route as { path?: string } | undefined)?.path;

export async function runService(definition: ServiceDefinition): Promise<void> {
  const { name } = definition;
  const env = readServiceEnv(name);
  const baseVersion = baseVersionOf(name);
  const version = env.versionOverride ?? baseVersion;
  const startedAt = Date.now();
  const log = pino({ level: env.logLevel, base: { service: name, version, pid: process.pid } });

  const db = await openDatabase(databaseConfig(name, env), {
    service: name,
    tables: definition.schema.tables,
  });
  await migrate(db, definition.schema);
  const cache = await openCache(env.redisUrl, name);

  let shuttingDown = false;
  const stops: (() => Promise<void>)[] = [];
  const shutdown = async (exitCode: number, reason: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ reason }, 'shutting down');
    // Whatever hangs, the process ends: the preload flushes on the way out within its own limit.
    setTimeout(() => process.exit(exitCode), 5000).unref();
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    process.exitCode = exitCode;
    // An open IPC channel would keep the event loop (and so the process) alive.
    if (process.connected) process.disconnect();
    // The preload's own flush (started on SIGTERM, or on beforeExit) gets a moment; an unreachable agent
    // would otherwise keep its retry timers, and the process, alive for up to 30 s.
    setTimeout(() => process.exit(exitCode), 1500).unref();
  };
  const restart = () => void shutdown(EXIT_REDEPLOY, 'redeploy');
  const crash = (fault: ActiveFault) => {
    const error = new Error('invariant violated: worker state machine reached an unknown state');
    log.fatal({ err: error, uptimeMs: Date.now() - startedAt }, 'unrecoverable error, exiting');
    void shutdown(Number(fault.params.exitCode), 'crash');
  };

  const faults = new FaultController({
    dataDir: env.dataDir,
    service: name,
    calls: serviceSpec(name).calls,
    baseVersion,
    runningVersion: version,
    db,
    restart: () => {
      if (env.supervised) restart();
    },
    crash,
  });
  const peers = createPeers({ urls: env.peers, defaultTimeoutMs: 5000, hang: () => faults.hang() });
  const underFaults = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await faults.beforeWork();
    try {
      return await fn();
    } finally {
      release();
    }
  };
  const ctx: ServiceContext = { name, version, log, db, cache, peers, env, underFaults };

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: name, version });
  });
  app.use(express.json({ limit: '256kb' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    faults.beforeWork().then((release) => {
      res.on('close', release);
      next();
    }, next);
  });
  definition.routes(app, ctx);
  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`));
  });
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    // HttpError: ours; `status` 4xx: express's body parser; `statusCode` 5xx: a failure that carries its answer.
    const { status: given, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
    const status =
      error instanceof HttpError
        ? error.status
        : typeof given === 'number' && given >= 400 && given < 500
          ? given
          : typeof statusCode === 'number' && statusCode >= 500
            ? statusCode
            : 500;
    const code = error instanceof HttpError ? error.code : status < 500 ? 'bad_request' : 'internal_error';
    const message = error instanceof Error ? error.message : String(error);
    if (status >= 500) log.error({ err: error, route: routeOf(req), status }, 'request failed');
    else log.warn({ code, status, route: routeOf(req) }, message);
    if (!res.headersSent) res.status(status).json({ error: code, message });
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(env.port, env.host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const health = () => ({
    status: 'ok',
    service: name,
    version,
    baseVersion,
    pid: process.pid,
    startedAt: new Date(startedAt).toISOString(),
    uptimeMs: Date.now() - startedAt,
    url: `http://${env.host}:${env.port}`,
    database: { dialect: db.dialect, location: db.location, pool: db.pool.stats() },
    cache: cache.enabled ? 'redis' : 'none',
    memory: { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed },
    faults: faults.list(),
  });
  const admin = await startAdminServer({
    port: env.adminPort,
    host: env.host,
    controller: faults,
    health,
    restart,
  });
  const closeServer = (s: Server) =>
    new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  stops.push(
    () => closeServer(admin),
    async () => {
      await faults.close();
      await db.close();
      await cache.close();
      peers.close();
    },
  );
  if (definition.background) stops.push(definition.background(ctx));
  if (definition.retention) stops.push(startRetention(ctx, definition.retention));
  stops.push(() => closeServer(server));
  // Starts the persisted faults last: a crash-loop's clock starts when the service serves.
  faults.start();

  process.once('SIGTERM', () => void shutdown(0, 'SIGTERM'));
  process.once('SIGINT', () => void shutdown(0, 'SIGINT'));
  // The supervisor went away (even by SIGKILL): do not linger as an orphan.
  process.once('disconnect', () => void shutdown(0, 'supervisor gone'));
  log.info(
    { port: env.port, adminPort: env.adminPort, database: db.dialect, cache: cache.enabled },
    `${name} ${version} listening on ${env.host}:${env.port}`,
  );
}
