import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The server's own metrics, served at `/metrics` in the Prometheus text format. One registry per server. */
export function createServerMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'apo_server_' });
  const ingest = {
    receivedRecords: new Counter({
      name: 'apo_ingest_received_records_total',
      help: 'Spans, log records and metric points received, by signal and transport.',
      labelNames: ['signal', 'transport'] as const,
      registers: [registry],
    }),
    receivedBytes: new Counter({
      name: 'apo_ingest_received_bytes_total',
      help: 'Request body bytes received (as sent, before decompression).',
      labelNames: ['signal', 'transport'] as const,
      registers: [registry],
    }),
    rejectedRequests: new Counter({
      name: 'apo_ingest_rejected_requests_total',
      help: 'Requests refused, by signal and reason.',
      labelNames: ['signal', 'reason'] as const,
      registers: [registry],
    }),
    duplicateBatches: new Counter({
      name: 'apo_ingest_duplicate_batches_total',
      help: 'Requests whose X-APO-Batch-Id was already stored (acknowledged, not stored again).',
      registers: [registry],
    }),
    truncatedValues: new Counter({
      name: 'apo_ingest_truncated_values_total',
      help: 'Attribute values cut to the configured maximum length.',
      registers: [registry],
    }),
    droppedAttributes: new Counter({
      name: 'apo_ingest_dropped_attributes_total',
      help: 'Attributes dropped beyond the configured maximum count per record or attribute bytes per item.',
      registers: [registry],
    }),
    droppedEvents: new Counter({
      name: 'apo_ingest_dropped_span_events_total',
      help: "Span events dropped beyond the configured maximum per span (added to the span's dropped events count).",
      registers: [registry],
    }),
    droppedLinks: new Counter({
      name: 'apo_ingest_dropped_span_links_total',
      help: "Span links dropped beyond the configured maximum per span (added to the span's dropped links count).",
      registers: [registry],
    }),
    droppedValueEntries: new Counter({
      name: 'apo_ingest_dropped_value_entries_total',
      help: 'Entries of array and kvlist attribute values dropped beyond the configured maximum per value.',
      registers: [registry],
    }),
    rejectedRecords: new Counter({
      name: 'apo_ingest_rejected_records_total',
      help: 'Spans, log records and data points rejected by admission (answered in the OTLP partial success), by signal and reason: time (outside the retention window), end-time, start-time, trace-id, span-id, kind.',
      labelNames: ['signal', 'reason'] as const,
      registers: [registry],
    }),
    redPointsSkipped: new Counter({
      name: 'apo_ingest_red_points_skipped_total',
      help: 'Points of RED metrics (apo.red.*.duration) skipped as malformed: another temporality or bounds, bucket counts that do not add up, no sum or time. The rest of the request is stored.',
      registers: [registry],
    }),
    redRowsOutOfRange: new Counter({
      name: 'apo_ingest_red_rows_out_of_range_total',
      help: 'RED rollup rows (one per series and minute) dropped because their minute lies before the RED retention or more than a day ahead.',
      registers: [registry],
    }),
    storedRows: new Counter({
      name: 'apo_storage_stored_rows_total',
      help: 'Rows stored, by table.',
      labelNames: ['table'] as const,
      registers: [registry],
    }),
    failedFlushes: new Counter({
      name: 'apo_storage_failed_flushes_total',
      help: 'Flushes that failed, by kind: unavailable (every request answered 503) or refused (the engine refused rows; the requests that carry them were looked for and answered 400, the others stored).',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    refusedRequests: new Counter({
      name: 'apo_storage_refused_requests_total',
      help: 'Requests whose rows the storage engine refused on their own (answered 400, not stored).',
      registers: [registry],
    }),
    storageWritable: new Gauge({
      name: 'apo_storage_writable',
      help: '1 while the last write to storage succeeded, 0 since one failed for a storage reason (see /readyz).',
      registers: [registry],
    }),
    queueRows: new Gauge({
      name: 'apo_ingest_queue_rows',
      help: 'Rows accepted and not yet stored.',
      registers: [registry],
    }),
    insertSeconds: new Histogram({
      name: 'apo_storage_insert_seconds',
      help: 'Latency of one insert into one table.',
      labelNames: ['table'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
  return { registry, ingest };
}

type ServerMetrics = ReturnType<typeof createServerMetrics>;
export type IngestMetrics = ServerMetrics['ingest'];
