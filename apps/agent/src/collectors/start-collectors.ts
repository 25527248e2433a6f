/**
 * Starts what the agent collects by itself — host metrics, process metrics of the instrumented processes
 * (and configured patterns) with their change events, Prometheus scrapes — and sends every cycle through
 * the same export queue as the telemetry it receives.
 */
import type { Logger } from 'pino';
import { gzipBody, MetricText, newBatchId, type OutboundBatch } from '@apo/otlp-transport';
import { type Attributes, type ResourceLogs, type ResourceMetrics } from '@apo/shared/model';
import { encodeLogsProto, encodeMetricsProto } from '@apo/shared/otlp';
import type { AgentConfig } from '../config/agent-config.ts';
import { createHostCollector, HOST_METRICS_SCOPE } from './host/index.ts';
import { createLogCollector, type LogCollectorStats } from './logs/index.ts';
import { createProcessTracker, type ProcessTracker } from './process/index.ts';
import { createPrometheusScraper } from './prometheus/index.ts';

export interface Collectors {
  /** Telemetry announced this resource: its `process.pid` is measured from now on. */
  observeResource(attributes: Attributes): void;
  /** Status lines for /metrics. */
  metricsText(): string;
  close(): Promise<void>;
}

function pointsOf(resourceMetrics: readonly ResourceMetrics[]): number {
  let n = 0;
  for (const rm of resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics) n += 'points' in m.data ? m.data.points.length : 0;
  return n;
}

/** Runs `cycle` every `seconds`, never two at once; a failed cycle is logged and the next one runs. */
function every(seconds: number, log: Logger, what: string, cycle: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= cycle()
      .catch((err: unknown) => log.error({ err }, `${what} failed`))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, seconds * 1000);
  run();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

export async function startCollectors(options: {
  config: AgentConfig;
  hostName: string;
  hostResource: Attributes;
  enqueue(batch: OutboundBatch): Promise<void>;
  log: Logger;
}): Promise<Collectors> {
  const { config, log } = options;
  const sendMetrics = async (resourceMetrics: ResourceMetrics[]) => {
    const items = pointsOf(resourceMetrics);
    if (items === 0) return;
    await options.enqueue({
      signal: 'metrics',
      batchId: newBatchId(),
      contentType: 'application/x-protobuf',
      contentEncoding: 'gzip',
      body: await gzipBody(encodeMetricsProto({ resourceMetrics })),
      items,
    });
  };
  const sendEvents = async (resourceLogs: ResourceLogs[]) => {
    let items = 0;
    for (const rl of resourceLogs) for (const sl of rl.scopeLogs) items += sl.logRecords.length;
    if (items === 0) return;
    await options.enqueue({
      signal: 'logs',
      batchId: newBatchId(),
      contentType: 'application/x-protobuf',
      contentEncoding: 'gzip',
      body: await gzipBody(encodeLogsProto({ resourceLogs })),
      items,
    });
  };

  const stops: (() => Promise<void>)[] = [];
  const counts = { hostCycles: 0, processCycles: 0, blockIoDelayAvailable: false };
  const host = createHostCollector();
  // It keeps its /proc files open between cycles.
  stops.push(() => {
    host.close();
    return Promise.resolve();
  });
  if (config.host.enabled) {
    stops.push(
      every(config.host.intervalSeconds, log, 'host collection', async () => {
        const metrics = await host.collect();
        counts.hostCycles++;
        await sendMetrics([
          {
            resource: { attributes: { ...options.hostResource }, droppedAttributesCount: 0 },
            scopeMetrics: [{ scope: HOST_METRICS_SCOPE, metrics, schemaUrl: '' }],
            schemaUrl: '',
          },
        ]);
      }),
    );
  }

  const tracker: ProcessTracker = createProcessTracker({
    patterns: config.processes.patterns.map((p) => new RegExp(p)),
  });
  stops.push(
    every(config.processes.intervalSeconds, log, 'process collection', async () => {
      const collection = await tracker.collect();
      counts.processCycles++;
      counts.blockIoDelayAvailable = collection.blockIoDelayAvailable;
      await sendMetrics(collection.resourceMetrics);
      await sendEvents(collection.events);
    }),
  );

  const targets = config.prometheus.targets;
  if (targets.length > 0) {
    const scraper = createPrometheusScraper(targets);
    const loop = scraper.start((metrics) => {
      sendMetrics([metrics]).catch((err: unknown) => log.error({ err }, 'sending scraped metrics failed'));
    });
    stops.push(() => loop.stop());
  }

  const logs =
    config.logs.sources.length > 0
      ? createLogCollector({
          sources: config.logs.sources,
          dataDir: config.dataDir,
          hostName: options.hostName,
          log,
          // The batch id comes from the file ranges it covers: a batch re-read after a crash is stored once.
          sink: async (resourceLogs, info) => {
            await options.enqueue({
              signal: 'logs',
              batchId: info.batchId,
              contentType: 'application/x-protobuf',
              contentEncoding: 'gzip',
              body: await gzipBody(encodeLogsProto({ resourceLogs })),
              items: info.records,
            });
          },
        })
      : undefined;
  if (logs) {
    await logs.start();
    stops.push(() => logs.close());
    // Per-instance record and error-line counts ride with the host cycle.
    stops.push(every(config.host.intervalSeconds, log, 'log counts', () => sendMetrics(logs.metrics())));
  }

  return {
    observeResource: (attributes) => tracker.observeResource(attributes),
    metricsText: () => {
      const t = new MetricText()
        .metric('apo_agent_host_collections_total', 'counter', 'Host collection cycles completed.', [
          ['', counts.hostCycles],
        ])
        .metric('apo_agent_process_collections_total', 'counter', 'Process collection cycles completed.', [
          ['', counts.processCycles],
        ])
        .metric(
          'apo_agent_processes_tracked',
          'gauge',
          'Processes measured (instrumented or matching a pattern).',
          [['', tracker.stats().tracked]],
        )
        .metric(
          'apo_agent_process_blkio_delay_available',
          'gauge',
          'Whether block-I/O delay is measured (kernel.task_delayacct).',
          [['', counts.blockIoDelayAvailable ? 1 : 0]],
        );
      if (logs) logMetrics(t, logs.stats());
      return t.toString();
    },
    close: async () => {
      for (const stop of stops) await stop();
    },
  };
}

function logMetrics(t: MetricText, s: LogCollectorStats): void {
  t.metric('apo_agent_log_files', 'gauge', 'Log files open (rotated ones still being read included).', [
    ['', s.files],
  ])
    .metric('apo_agent_log_read_bytes_total', 'counter', 'Bytes read from log files.', [['', s.bytesRead]])
    .metric('apo_agent_log_records_total', 'counter', 'Log records delivered to the export queue.', [
      ['', s.recordsDelivered],
    ])
    .metric(
      'apo_agent_log_truncated_lines_total',
      'counter',
      'Lines longer than the limit, cut and flagged.',
      [['', s.truncatedLines]],
    )
    .metric('apo_agent_log_rotations_total', 'counter', 'Rotations (rename or copy-truncate) followed.', [
      ['', s.rotations + s.truncations],
    ]);
}
