import { describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { newBatchId } from './batch-id.ts';
import type { DiskQueueStats } from './disk-queue/queue-types.ts';
import { combineExportStats, renderExportMetrics, type ExporterSignalStats } from './export-stats.ts';
import { workerStepStats } from './exporter/worker-watch.ts';
import { gzipBody } from './gzip-body.ts';

const queueSignal = (n: number) => ({
  enqueuedBatches: 10 * n,
  enqueuedItems: 100 * n,
  droppedFullBatches: n,
  droppedFullItems: 7 * n,
  queuedBatches: 2 * n,
  queuedItems: 20 * n,
  queuedBytes: 1000 * n,
  inFlight: n,
});
const exporterSignal = (n: number): ExporterSignalStats => ({
  exportedBatches: 5 * n,
  exportedItems: 50 * n,
  retries: 3 * n,
  rejectedBatches: n,
  rejectedItems: 9 * n,
  inFlight: n,
  lastError: n === 0 ? null : 'HTTP 503',
});

describe('export stats', () => {
  const queue: DiskQueueStats = {
    signals: { traces: queueSignal(1), logs: queueSignal(2), metrics: queueSignal(0) },
    diskBytes: 4096,
    maxBytes: 1 << 20,
    segments: 2,
    corruptRecords: 1,
    truncatedBytes: 17,
    write: {
      writable: false,
      reason: 'disk full (ENOSPC) since 2026-01-02T03:04:05.000Z',
      code: 'ENOSPC',
      since: 1767323045000,
    },
  };
  const stats = combineExportStats(
    queue,
    { traces: exporterSignal(1), logs: exporterSignal(2), metrics: exporterSignal(0) },
    workerStepStats([
      { step: 'sending', since: 0, forMs: 1500, batchId: 'a', attempt: 0 },
      { step: 'sending', since: 0, forMs: 42_900, batchId: 'b', attempt: 2 },
      { step: 'acking', since: 0, forMs: 3, batchId: 'c', attempt: 0 },
      { step: 'taking', since: 0, forMs: 60_000 },
    ]),
  );

  it('joins queue and exporter counters per signal', () => {
    expect(stats.signals.logs).toEqual({
      exportedBatches: 10,
      exportedItems: 100,
      retries: 6,
      rejectedBatches: 2,
      rejectedItems: 18,
      inFlight: 2,
      lastError: 'HTTP 503',
      enqueuedBatches: 20,
      enqueuedItems: 200,
      droppedFullBatches: 2,
      droppedFullItems: 14,
      queuedBatches: 4,
      queuedBytes: 2000,
    });
    expect(stats.queue).toEqual({
      diskBytes: 4096,
      maxBytes: 1 << 20,
      segments: 2,
      corruptRecords: 1,
      truncatedBytes: 17,
      write: queue.write,
    });
  });

  it('renders Prometheus text with the prefix, a signal label, and the drop reason', () => {
    const text = renderExportMetrics(stats, 'apo_agent_export');
    expect(text).toMatch(/^# TYPE apo_agent_export_dropped_batches_total counter$/m);
    expect(text).toMatch(/^apo_agent_export_dropped_batches_total\{signal="logs",reason="queue_full"\} 2$/m);
    expect(text).toMatch(/^apo_agent_export_exported_items_total\{signal="traces"\} 50$/m);
    expect(text).toMatch(/^apo_agent_export_queued_bytes\{signal="metrics"\} 0$/m);
    expect(text).toMatch(/^apo_agent_export_in_flight_batches\{signal="logs"\} 2$/m);
    expect(text).toMatch(/^apo_agent_export_queue_disk_bytes 4096$/m);
    expect(text).toMatch(/^apo_agent_export_queue_corrupt_records_total 1$/m);
    expect(text).toMatch(/^apo_agent_export_queue_writable 0$/m);
    expect(text).toMatch(/^apo_agent_export_workers\{step="sending"\} 2$/m);
    expect(text).toMatch(/^apo_agent_export_workers\{step="backing_off"\} 0$/m);
    expect(text).toMatch(/^apo_agent_export_worker_step_max_seconds\{step="sending"\} 42$/m);
    expect(text).toMatch(/^apo_agent_export_worker_step_max_seconds\{step="acking"\} 0$/m);
    expect(text.endsWith('\n')).toBe(true);
    // Every sample line is `name{labels} value` or `name value`: nothing a scraper would choke on.
    for (const line of text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_:][a-z0-9_:]*(\{[a-z_]+="[a-z_]+"(,[a-z_]+="[a-z_]+")*\})? \d+$/);
    }
  });
});

describe('batch ids and gzip', () => {
  it('makes 128-bit hex batch ids the server accepts, never the same twice', () => {
    const ids = new Set(Array.from({ length: 1000 }, newBatchId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gzips a body that gunzips to the same bytes', async () => {
    const body = new TextEncoder().encode('span '.repeat(10_000));
    const gz = await gzipBody(body);
    expect(gz.length).toBeLessThan(body.length / 10);
    expect(new Uint8Array(gunzipSync(gz))).toEqual(body);
  });
});
