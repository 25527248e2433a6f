/**
 * Assembles the agent: OTLP receivers → (traces: journal → RED + tail sampler) → disk queue → exporter,
 * plus the decision sharing between agents and the status server. Each part has its own close step; they
 * run in reverse start order so that nothing accepted is left in memory.
 */
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  InFlightBytes,
  connectionLimitsOf,
  createOtlpGrpcServer,
  listenGrpc,
  BatchExporter,
  DiskQueue,
  gzipBody,
  newBatchId,
  packBody,
  unpackBody,
  renderExportMetrics,
  IngestError,
  queueHealth,
  refusalWhenUnwritable,
  startOtlpHttpReceiver,
  startStatusServer,
  type OutboundBatch,
} from '@apo/otlp-transport';
import { encodeMetricsProto } from '@apo/shared/otlp';
import { createRedAggregator, entryEndpoint, entryKindIndex } from '@apo/shared/red';
import type { AgentConfig } from './env.ts';
import { loadHostIdentity } from './identity/host-identity.ts';
import { DecisionSync } from './processors/traces/decision-sync.ts';
import { DiskJournal } from './processors/traces/disk-journal.ts';
import { TailSampler, defaultSamplerOptions } from './processors/traces/tail-sampler.ts';
import { TracePipeline } from './processors/traces/trace-pipeline.ts';
import { startCollectors } from './collectors/start-collectors.ts';
import { OtlpIntake } from './receivers/otlp-intake.ts';
import { agentMetricsText } from './status/agent-metrics.ts';

export interface RunningAgent {
  readonly statusPort: number;
  readonly otlpHttpPort: number;
  readonly otlpGrpcPort: number;
  close(): Promise<void>;
}

const gzip = (bytes: Uint8Array): Promise<Uint8Array> => gzipBody(bytes);

export async function startAgent(
  config: AgentConfig,
  log: Logger,
  meta: { version: string; startedAt: number },
): Promise<RunningAgent> {
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        log.error({ err }, 'error while closing');
      }
    }
  };
  try {
    const identity = await loadHostIdentity({ hostName: config.host.name });
    const queue = await DiskQueue.open({
      dir: join(config.dataDir, 'queue'),
      maxBytes: config.export.queueMaxBytes,
      log: log.child({ part: 'queue' }),
    });
    closers.push(() => queue.close());
    const enqueue = async (batch: OutboundBatch): Promise<void> => {
      // A full disk: the sender is told 503 with Retry-After (and why), not "internal error".
      await queue.append(batch).catch((err: unknown) => {
        throw refusalWhenUnwritable(err, 'the agent');
      });
    };
    const exporter = new BatchExporter({
      queue,
      baseUrl: config.export.url,
      ...(config.export.token === undefined ? {} : { token: config.export.token }),
      headers: { 'x-apo-agent-id': identity.hostName }, // a proxy's per-agent metrics key on it
      concurrency: config.export.concurrency,
      requestTimeoutMs: config.export.timeoutSeconds * 1000,
      log: log.child({ part: 'exporter' }),
    });
    exporter.start();
    closers.push(() => exporter.close({ drainMs: 5000 }));

    const red = createRedAggregator({ maxSeries: config.red.maxSeries });
    const flushRed = async () => {
      const metrics = red.flush(BigInt(Date.now()) * 1_000_000n);
      if (metrics === null) return;
      let points = 0;
      for (const rm of metrics.resourceMetrics)
        for (const sm of rm.scopeMetrics)
          for (const m of sm.metrics) points += 'points' in m.data ? m.data.points.length : 0;
      await enqueue({
        signal: 'metrics',
        batchId: newBatchId(),
        contentType: 'application/x-protobuf',
        contentEncoding: 'gzip',
        body: await gzip(encodeMetricsProto(metrics)),
        items: points,
      });
    };
    const redTimer = setInterval(() => {
      flushRed().catch((err: unknown) => log.error({ err }, 'RED flush failed'));
    }, config.red.flushIntervalSeconds * 1000);
    closers.push(async () => {
      clearInterval(redTimer);
      await flushRed();
    });

    const s = config.sampling;
    const sampler = s.enabled
      ? new TailSampler({
          ...defaultSamplerOptions,
          decisionWaitMs: s.decisionWaitSeconds * 1000,
          holdMs: s.holdSeconds * 1000,
          spanBudgetPerSecond: s.spanBudgetPerSecond,
          capPerEndpointPerSecond: s.capPerEndpointPerSecond,
          baselinePerEndpointPerMinute: s.baselinePerEndpointPerMinute,
          slow: { ...defaultSamplerOptions.slow, defaultMs: s.slowDefaultMs },
        })
      : undefined;
    const journal = new DiskJournal(
      await DiskQueue.open({
        dir: join(config.dataDir, 'journal'),
        maxBytes: config.export.queueMaxBytes,
        // The journal is read back only after a crash; the OS page cache is durable enough for kill -9.
        fsync: 'interval',
        log: log.child({ part: 'journal' }),
      }),
    );
    const pipeline = new TracePipeline({
      sampler,
      red,
      journal,
      sink: { enqueue },
      identity: (rs) => identity.additionsFor(rs.resource),
      endpointOf: (resource, span) => {
        const service =
          typeof resource.attributes['service.name'] === 'string' ? resource.attributes['service.name'] : '';
        return `${service} ${entryEndpoint(span, entryKindIndex(span))}`;
      },
      gzip,
      pack: packBody,
      unpack: unpackBody,
      log: log.child({ part: 'traces' }),
    });
    journal.start((batch, record) => void pipeline.replay(batch, record));
    closers.push(() => journal.close());
    closers.push(() => pipeline.drain());

    const sync =
      sampler && s.shareDecisions
        ? new DecisionSync({
            baseUrl: config.export.url,
            token: config.export.token,
            onRemote: (ids) => sampler.addRemote(ids),
            log: log.child({ part: 'decisions' }),
          })
        : undefined;
    sync?.start();
    if (sync) closers.push(() => sync.close());
    const tick = setInterval(() => sync?.publish(pipeline.tick()), 500);
    closers.push(() => {
      clearInterval(tick);
      return Promise.resolve();
    });

    const collectors = await startCollectors({
      config,
      hostName: identity.hostName,
      hostResource: {
        'host.name': identity.hostName,
        ...(identity.hostId === undefined ? {} : { 'host.id': identity.hostId }),
      },
      enqueue,
      log: log.child({ part: 'collectors' }),
    });
    closers.push(() => collectors.close());
    const intake = new OtlpIntake({
      traces: (payload, data, batchId) => pipeline.accept(payload, data, batchId),
      enqueue,
      identity: (resource) => identity.additionsFor(resource),
      sawResource: (resource) => collectors.observeResource(resource.attributes),
      gzip,
    });
    const r = config.receivers;
    const connections = connectionLimitsOf(config.connections);
    // One bound for both receivers: bodies as received plus what they inflate to (429 beyond). The agent's
    // receivers take no credential (loopback by default), so there is nothing to check before the body.
    const inFlight = new InFlightBytes(r.maxInFlightBytes, 'the agent');
    const http = await startOtlpHttpReceiver({
      host: r.host,
      port: r.httpPort,
      maxBodyBytes: r.maxBodyBytes,
      inFlight,
      connections,
      handle: async (req) => {
        await intake.accept(req.signal, await req.payload(), req.encoding);
        return {};
      },
      onRefused: (err) => intake.refused(err.kind),
      onInternalError: (err) => log.error({ err }, 'OTLP/HTTP request failed'),
    });
    closers.push(() => http.close());
    const grpc = createOtlpGrpcServer({
      maxBodyBytes: r.maxBodyBytes,
      inFlight,
      connections,
      handle: async (req) => {
        await intake.accept(req.signal, req.payload, 'protobuf');
        return {};
      },
      onRefused: (err) => intake.refused(err.kind),
      onInternalError: (err) => log.error({ err }, 'OTLP/gRPC request failed'),
    });
    const grpcListener = await listenGrpc(grpc, r.host, r.grpcPort, connections);
    const grpcPort = grpcListener.port;
    closers.push(() => grpcListener.close());

    const status = await startStatusServer({
      component: 'agent',
      version: meta.version,
      host: config.status.host,
      port: config.status.port,
      startedAt: meta.startedAt,
      connections,
      log,
      // What an operator asks first: is it exporting, how far behind is it, what went wrong last, and can it
      // take anything in (degraded, answered 503, while its disk queue or journal cannot write).
      health: () => {
        const exported = exporter.stats();
        return {
          exportUrl: config.export.url,
          sampling: s.enabled,
          queuedBatches: Object.values(exported.signals).reduce((n, x) => n + x.queuedBatches, 0),
          lastExportError:
            Object.values(exported.signals).find((x) => x.lastError !== null)?.lastError ?? null,
          ...queueHealth({ queue: exported.queue.write, journal: journal.writeState() }),
        };
      },
      metrics: () =>
        agentMetricsText({
          intake: intake.counters,
          exporterText: renderExportMetrics(exporter.stats(), 'apo_agent_export'),
          traces: pipeline.stats(),
          sampler: sampler?.stats(Date.now()),
          decisions: sync?.stats(),
          red: red.stats,
          extra: [collectors.metricsText()],
        }),
    });
    closers.push(() => status.close());
    log.info(
      {
        otlpHttp: `${r.host}:${http.port}`,
        otlpGrpc: `${r.host}:${grpcPort}`,
        status: `http://${config.status.host}:${status.port}`,
        exportUrl: config.export.url,
        tokenSet: config.export.token !== undefined,
        dataDir: config.dataDir,
        sampling: s.enabled,
      },
      'apo-agent ready',
    );
    return {
      statusPort: status.port,
      otlpHttpPort: http.port,
      otlpGrpcPort: grpcPort,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err instanceof IngestError ? new Error(err.message) : err;
  }
}
