/**
 * Assembles the proxy: OTLP receivers (HTTP, gRPC) → relay intake (auth, check, rate limit) → disk queue →
 * exporter to the server, plus the sampling-decision relay and the status server. Each part has its own close
 * step; they run in reverse start order, so receiving stops first and the queue is closed last.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  BatchExporter,
  DiskQueue,
  InFlightBytes,
  IngestError,
  queueHealth,
  refusalWhenUnwritable,
  connectionLimitsOf,
  createOtlpGrpcServer,
  listenGrpc,
  renderExportMetrics,
  startOtlpHttpReceiver,
  startStatusServer,
  type OutboundBatch,
} from '@apo/otlp-transport';
import { agentTokenEntries, type ProxyConfig } from './config/proxy-config.ts';
import { DecisionRelay } from './decisions/decision-relay.ts';
import { handleDecisionRoute } from './decisions/decision-routes.ts';
import { AgentAuth } from './receivers/agent-auth.ts';
import { RateLimiter } from './receivers/rate-limiter.ts';
import { RelayIntake } from './receivers/relay-intake.ts';
import { AgentRegistry, ANONYMOUS } from './status/agent-registry.ts';
import { proxyMetricsText } from './status/proxy-metrics.ts';

export interface StatusSource {
  /** More /healthz fields. */
  health?: () => Record<string, unknown>;
  /** More /metrics lines (Prometheus text, ending with a newline). */
  metrics?: () => string;
}

export interface RunningProxy {
  readonly otlpHttpPort: number;
  readonly otlpGrpcPort: number;
  readonly statusPort: number;
  /**
   * Appends a batch of the proxy's own (e.g. Kubernetes events) to the export queue, as the receivers do.
   * Rejects with an IngestError ('unavailable') when the queue is full or cannot be written.
   */
  enqueue(batch: OutboundBatch): Promise<void>;
  /** Adds fields to /healthz and lines to /metrics (e.g. the Kubernetes part's). */
  addStatus(source: StatusSource): void;
  close(): Promise<void>;
}

export async function startProxy(
  config: ProxyConfig,
  log: Logger,
  meta: { version: string; startedAt: number },
): Promise<RunningProxy> {
  const closers: (() => Promise<void>)[] = [];
  let closing: Promise<void> | undefined;
  const closeAll = () =>
    (closing ??= (async () => {
      for (const close of closers.reverse()) {
        try {
          await close();
        } catch (err) {
          log.error({ err }, 'error while closing');
        }
      }
    })());
  try {
    const queue = await DiskQueue.open({
      dir: join(config.dataDir, 'queue'),
      maxBytes: config.export.queueMaxBytes,
      // Agents keep their batches until answered: a full queue refuses (503) rather than drop acknowledged data.
      whenFull: 'refuse',
      log: log.child({ part: 'queue' }),
    });
    closers.push(() => queue.close());
    const agents = new AgentRegistry(config.agents.maxTracked);
    const exporter = new BatchExporter({
      queue,
      baseUrl: config.export.url,
      ...(config.export.token === undefined ? {} : { token: config.export.token }),
      headers: { 'x-apo-cluster-id': config.clusterId },
      concurrency: config.export.concurrency,
      requestTimeoutMs: config.export.timeoutSeconds * 1000,
      log: log.child({ part: 'exporter' }),
      onSettled: (batch, outcome) => {
        const agent = batch.headers?.['x-apo-agent-id'];
        if (agent !== undefined) agents.settled(agent, batch.signal, batch.items, outcome);
      },
    });
    exporter.start();
    const queuedBatches = () =>
      Object.values(exporter.stats().signals).reduce((n, s) => n + s.queuedBatches, 0);
    closers.push(async () => {
      // Keep delivering for a bounded time, then leave the rest on disk for the next start.
      const deadline = Date.now() + config.export.drainSeconds * 1000;
      while (queuedBatches() > 0 && Date.now() < deadline) await sleep(100);
      await exporter.close({ drainMs: Math.max(500, deadline - Date.now()) });
    });

    const enqueue = async (batch: OutboundBatch): Promise<void> => {
      const { stored } = await queue.append(batch).catch((err: unknown) => {
        throw refusalWhenUnwritable(err, 'the proxy');
      });
      if (!stored) throw new IngestError('unavailable', "the proxy's disk queue is full", 5);
    };

    const auth = new AgentAuth(agentTokenEntries(config.agents));
    const intake = new RelayIntake({
      auth,
      limiter: new RateLimiter(),
      defaultLimit: config.agents.rateLimit,
      agents,
      append: (batch) => queue.append(batch),
    });
    const relay = new DecisionRelay({
      upstreamUrl: config.export.url,
      token: config.export.token,
      log: log.child({ part: 'decisions' }),
    });

    const r = config.receivers;
    const connections = connectionLimitsOf(config.connections);
    // One bound for both receivers: bodies as received plus what they inflate to (429 beyond).
    const inFlight = new InFlightBytes(r.maxInFlightBytes, 'the proxy');
    const http = await startOtlpHttpReceiver({
      host: r.host,
      port: r.httpPort,
      maxBodyBytes: r.maxBodyBytes,
      inFlight,
      connections,
      // The credential is checked before the body is read; intake.accept checks it again for the token's name.
      admit: (header) => void auth.check(header('authorization')),
      handle: (req) =>
        intake.accept({
          signal: req.signal,
          encoding: req.encoding,
          contentEncoding: req.contentEncoding,
          body: req.body,
          payload: req.payload,
          header: req.header,
        }),
      onRefused: (err) => intake.refused(err),
      onInternalError: (err) => log.error({ err }, 'OTLP/HTTP request failed'),
      otherRoute: (req, res) => handleDecisionRoute(req, res, relay, auth),
    });
    closers.push(async () => {
      // Stop accepting first; long polls are answered at once so their connections do not hold the close.
      const closed = http.close();
      await relay.close();
      await closed;
    });
    const grpc = createOtlpGrpcServer({
      maxBodyBytes: r.maxBodyBytes,
      inFlight,
      connections,
      handle: (req) =>
        intake.accept({
          signal: req.signal,
          encoding: 'protobuf',
          // grpc-js hands messages over inflated, whatever grpc-encoding they travelled with.
          contentEncoding: 'identity',
          body: req.payload,
          payload: () => Promise.resolve(req.payload),
          header: req.metadata,
        }),
      onRefused: (err) => intake.refused(err),
      onInternalError: (err) => log.error({ err }, 'OTLP/gRPC request failed'),
    });
    const grpcListener = await listenGrpc(grpc, r.host, r.grpcPort, connections);
    const grpcPort = grpcListener.port;
    closers.push(() => grpcListener.close());

    const sources: StatusSource[] = [];
    const status = await startStatusServer({
      component: 'proxy',
      version: meta.version,
      host: config.status.host,
      port: config.status.port,
      startedAt: meta.startedAt,
      connections,
      log,
      // What an operator asks first: where does it send, how far behind is it, what went wrong last, and can
      // it take anything in (degraded, answered 503, while its disk queue cannot write).
      health: () => {
        const exported = exporter.stats();
        return {
          clusterId: config.clusterId,
          exportUrl: config.export.url,
          agentAuth: auth.enabled,
          queuedBatches: Object.values(exported.signals).reduce((n, x) => n + x.queuedBatches, 0),
          queuedBytes: Object.values(exported.signals).reduce((n, x) => n + x.queuedBytes, 0),
          queueMaxBytes: exported.queue.maxBytes,
          lastExportError:
            Object.values(exported.signals).find((x) => x.lastError !== null)?.lastError ?? null,
          ...sources.reduce<Record<string, unknown>>((all, s) => ({ ...all, ...s.health?.() }), {}),
          ...queueHealth({ queue: exported.queue.write }),
        };
      },
      metrics: () =>
        proxyMetricsText({
          agents,
          exporterText: renderExportMetrics(exporter.stats(), 'apo_proxy_export'),
          decisions: relay.stats(),
          extra: sources.map((s) => s.metrics?.() ?? ''),
        }),
    });
    // Last to close: /healthz and /metrics stay up while the queue drains.
    closers.unshift(() => status.close());
    log.info(
      {
        otlpHttp: `${r.host}:${http.port}`,
        otlpGrpc: `${r.host}:${grpcPort}`,
        status: `http://${config.status.host}:${status.port}`,
        exportUrl: config.export.url,
        clusterId: config.clusterId,
        tokenSet: config.export.token !== undefined,
        agentTokens: config.agents.tokens.length,
        rateLimit: config.agents.rateLimit.itemsPerSecond,
        dataDir: config.dataDir,
      },
      'apo-proxy ready',
    );
    if (!auth.enabled)
      log.warn(
        { host: r.host, anonymous: ANONYMOUS },
        'agents are not authenticated (no agent tokens): accepted on loopback only',
      );
    return {
      otlpHttpPort: http.port,
      otlpGrpcPort: grpcPort,
      statusPort: status.port,
      enqueue,
      addStatus: (source) => sources.push(source),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err instanceof IngestError ? new Error(err.message) : err;
  }
}
