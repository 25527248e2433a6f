import type { SignalType } from '@apo/shared/model';
import type { DiskQueueStats } from './disk-queue/queue-types.ts';
import { WORKER_STEPS, workerStepStats, type WorkerStepStats } from './exporter/worker-watch.ts';

/** The exporter's own counters for one signal. */
export interface ExporterSignalStats {
  exportedBatches: number;
  exportedItems: number;
  /** Attempts that failed retryably (each one, not each batch). */
  retries: number;
  rejectedBatches: number;
  rejectedItems: number;
  /** Batches taken from the queue and not settled yet (being sent, or waiting to be retried). */
  inFlight: number;
  /** The last failure (status and message, or network error), null until one happens. */
  lastError: string | null;
}

/** One signal's view of the whole export path: queue and exporter together. */
export interface SignalExportStats extends ExporterSignalStats {
  enqueuedBatches: number;
  enqueuedItems: number;
  droppedFullBatches: number;
  droppedFullItems: number;
  /** Batches on disk not delivered yet (in flight included), and their bytes. */
  queuedBatches: number;
  queuedBytes: number;
}

export interface ExportStats {
  signals: Record<SignalType, SignalExportStats>;
  queue: Omit<DiskQueueStats, 'signals'>;
  /** What the export workers are doing: how many per step, and the longest one has been at it. */
  workers: WorkerStepStats;
}

export function combineExportStats(
  queue: DiskQueueStats,
  exporter: Record<SignalType, ExporterSignalStats>,
  workers: WorkerStepStats = workerStepStats([]),
): ExportStats {
  const { signals: queueSignals, ...queueTotals } = queue;
  const signals = {} as Record<SignalType, SignalExportStats>;
  for (const signal of Object.keys(exporter) as SignalType[]) {
    const q = queueSignals[signal];
    signals[signal] = {
      ...exporter[signal],
      enqueuedBatches: q.enqueuedBatches,
      enqueuedItems: q.enqueuedItems,
      droppedFullBatches: q.droppedFullBatches,
      droppedFullItems: q.droppedFullItems,
      queuedBatches: q.queuedBatches,
      queuedBytes: q.queuedBytes,
    };
  }
  return { signals, queue: queueTotals, workers };
}

interface PerSignalMetric {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  value: (s: SignalExportStats) => number;
  labels?: string;
}

const perSignal: PerSignalMetric[] = [
  {
    name: 'enqueued_batches_total',
    type: 'counter',
    help: 'Batches written to the disk queue.',
    value: (s) => s.enqueuedBatches,
  },
  {
    name: 'enqueued_items_total',
    type: 'counter',
    help: 'Records (spans, log records, metric points) written to the disk queue.',
    value: (s) => s.enqueuedItems,
  },
  {
    name: 'exported_batches_total',
    type: 'counter',
    help: 'Batches the next hop acknowledged (2xx).',
    value: (s) => s.exportedBatches,
  },
  {
    name: 'exported_items_total',
    type: 'counter',
    help: 'Records in batches the next hop acknowledged.',
    value: (s) => s.exportedItems,
  },
  {
    name: 'retries_total',
    type: 'counter',
    help: 'Export attempts that failed retryably (429/502/503/504/401/403, network errors, timeouts).',
    value: (s) => s.retries,
  },
  {
    name: 'rejected_batches_total',
    type: 'counter',
    help: 'Batches the next hop refused permanently (400, 413, other 4xx and 5xx); not retried.',
    value: (s) => s.rejectedBatches,
  },
  {
    name: 'rejected_items_total',
    type: 'counter',
    help: 'Records in batches the next hop refused permanently.',
    value: (s) => s.rejectedItems,
  },
  {
    name: 'dropped_batches_total',
    type: 'counter',
    help: 'Batches dropped before delivery; reason="queue_full": oldest undelivered, to stay within the disk bound.',
    value: (s) => s.droppedFullBatches,
    labels: 'reason="queue_full"',
  },
  {
    name: 'dropped_items_total',
    type: 'counter',
    help: 'Records in batches dropped before delivery.',
    value: (s) => s.droppedFullItems,
    labels: 'reason="queue_full"',
  },
  {
    name: 'queued_batches',
    type: 'gauge',
    help: 'Batches on disk not delivered yet (in flight included).',
    value: (s) => s.queuedBatches,
  },
  {
    name: 'queued_bytes',
    type: 'gauge',
    help: 'Bytes on disk of batches not delivered yet.',
    value: (s) => s.queuedBytes,
  },
  {
    name: 'in_flight_batches',
    type: 'gauge',
    help: 'Batches being sent or waiting for a retry.',
    value: (s) => s.inFlight,
  },
];

/**
 * Prometheus text exposition lines for a status server's /metrics, e.g. with prefix `apo_agent_export`:
 * `apo_agent_export_dropped_batches_total{signal="traces",reason="queue_full"} 3`. Ends with a newline.
 */
export function renderExportMetrics(stats: ExportStats, prefix: string): string {
  const p = prefix.replace(/[^a-zA-Z0-9_:]/g, '_');
  const lines: string[] = [];
  for (const metric of perSignal) {
    lines.push(`# HELP ${p}_${metric.name} ${metric.help}`, `# TYPE ${p}_${metric.name} ${metric.type}`);
    for (const [signal, s] of Object.entries(stats.signals)) {
      const labels = metric.labels === undefined ? '' : `,${metric.labels}`;
      lines.push(`${p}_${metric.name}{signal="${signal}"${labels}} ${metric.value(s)}`);
    }
  }
  const q = stats.queue;
  const totals: [string, 'counter' | 'gauge', string, number][] = [
    ['queue_disk_bytes', 'gauge', 'Bytes of the disk queue segment files.', q.diskBytes],
    ['queue_max_bytes', 'gauge', 'Configured bound of the disk queue.', q.maxBytes],
    ['queue_segments', 'gauge', 'Segment files of the disk queue.', q.segments],
    [
      'queue_corrupt_records_total',
      'counter',
      'Queued records skipped because their checksum or header was bad.',
      q.corruptRecords,
    ],
    [
      'queue_writable',
      'gauge',
      'Whether the disk queue can write (0 while the disk is full: appends are refused, see /healthz).',
      q.write.writable ? 1 : 0,
    ],
    [
      'queue_truncated_bytes_total',
      'counter',
      'Bytes of a torn write cut from the disk queue at start-up.',
      q.truncatedBytes,
    ],
  ];
  for (const [name, type, help, value] of totals) {
    lines.push(`# HELP ${p}_${name} ${help}`, `# TYPE ${p}_${name} ${type}`, `${p}_${name} ${value}`);
  }
  // A stalled export shows here: workers at a step longer than it can take (sending past the request
  // deadline, acking for seconds), or every worker taking while queued_batches stays above zero.
  lines.push(
    `# HELP ${p}_workers Export workers by step: taking (waiting for a batch), sending, acking, backing_off (waiting to retry).`,
    `# TYPE ${p}_workers gauge`,
    ...WORKER_STEPS.map((step) => `${p}_workers{step="${step}"} ${stats.workers[step].workers}`),
    `# HELP ${p}_worker_step_max_seconds The longest any worker has been at its current step, per step.`,
    `# TYPE ${p}_worker_step_max_seconds gauge`,
    ...WORKER_STEPS.map(
      (step) =>
        `${p}_worker_step_max_seconds{step="${step}"} ${Math.floor(stats.workers[step].longestMs / 1000)}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}
