/**
 * The binary insert path against the real embedded engine (chDB): telemetry encoded straight from the
 * model, inserted with `insertRowBinary`, and every column read back with SQL.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from './open-storage.ts';
import type { Storage } from './open-storage.ts';
import { RowBinaryWriter } from './row-binary-writer.ts';
import { appendEventRows } from './rows/events.ts';
import { appendLedgerRows } from './rows/ledger.ts';
import { appendLogRows } from './rows/logs.ts';
import { appendMetricRows } from './rows/metrics.ts';
import { appendSpanRows } from './rows/spans.ts';
import { CapturingLog, selectRows } from './storage-test-support.ts';
import {
  BASE_NS,
  logsFixture,
  metricsFixture,
  spanIdOf,
  traceIdOf,
  tracesFixture,
} from './telemetry-fixtures.ts';

const FLUSH_ID = 1_767_225_600_123_000_123n; // > 2^53: must survive exactly

let dataDir: string;
let storage: Storage;

const rows = <T>(sql: string, params: Record<string, unknown> = {}): Promise<T[]> =>
  selectRows<T>(storage, sql, params);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-inserts-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
});

afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('binary inserts', () => {
  it('store every span column as encoded from the model', async () => {
    const w = new RowBinaryWriter(256); // small on purpose: the writer must grow
    const n = appendSpanRows(w, tracesFixture(), { cluster: 'c1', flushId: FLUSH_ID });
    expect(n).toBe(4);
    await storage.insertRowBinary(storage.tables.spans, w.bytes(), n);
    const stored = await rows<Record<string, unknown>>(
      `SELECT cluster, toString(toUnixTimestamp64Nano(ts)) AS ts_ns, duration_ns, trace_id, span_id, parent_span_id, trace_state, flags,
              service, service_version, instance, name, kind, status_code, status_message, http_route, http_status, db_system, peer,
              scope_name, scope_version, resource_attributes, attributes,
              arrayMap(t -> toString(toUnixTimestamp64Nano(t)), event_ts) AS event_ts_ns, event_names, event_attributes,
              link_trace_ids, link_span_ids, link_trace_states, link_attributes, dropped_attributes, dropped_events, dropped_links, flush_id
       FROM apo.spans ORDER BY span_id`,
    );
    expect(stored).toHaveLength(4);
    const checkoutResource = {
      'service.name': 'checkout',
      'service.version': '2.4.1',
      'service.instance.id': 'checkout-7f9c',
      'host.name': 'node-a',
      'process.pid': '4242',
      'deployment.environment': 'prod',
    };
    expect(stored[0]).toEqual({
      cluster: 'c1',
      ts_ns: (BASE_NS + 1_000_000n).toString(),
      duration_ns: '1500001',
      trace_id: traceIdOf(1),
      span_id: spanIdOf(1),
      parent_span_id: '',
      trace_state: 'vendor=a',
      flags: 1,
      service: 'checkout',
      service_version: '2.4.1',
      instance: 'checkout-7f9c',
      name: 'GET /orders/{id}',
      kind: 2,
      status_code: 2,
      status_message: 'upstream unavailable',
      http_route: '/orders/{id}',
      http_status: 503,
      db_system: '',
      peer: 'orders.internal:8080',
      scope_name: '@opentelemetry/instrumentation-http',
      scope_version: '0.57.0',
      resource_attributes: checkoutResource,
      attributes: {
        'http.route': '/orders/{id}',
        'http.response.status_code': '503',
        'server.address': 'orders.internal',
        'server.port': '8080',
        'user.tags': '["a","b"]',
        ratio: '0.25',
        retry: 'true',
        payload: 'AQL/',
        empty: '',
        'note.unicode': 'café – 東京 🚀',
        'note.long': 'x'.repeat(300) + 'é',
      },
      event_ts_ns: [(BASE_NS + 100n).toString(), (BASE_NS + 200n).toString()],
      event_names: ['exception', 'retry'],
      event_attributes: [{ 'exception.type': 'TimeoutError' }, {}],
      link_trace_ids: [traceIdOf(9)],
      link_span_ids: [spanIdOf(99)],
      link_trace_states: ['k=v'],
      link_attributes: [{ 'link.kind': 'follows' }],
      dropped_attributes: 2,
      dropped_events: 1,
      dropped_links: 3,
      flush_id: FLUSH_ID.toString(),
    });
    expect(stored[1]).toMatchObject({
      span_id: spanIdOf(2),
      parent_span_id: spanIdOf(1),
      kind: 3,
      db_system: 'postgresql',
      peer: 'pg-main',
      http_status: 200,
      event_names: [],
      link_attributes: [],
    });
    expect(stored[2]).toMatchObject({
      span_id: spanIdOf(3),
      db_system: 'mysql',
      peer: 'billing',
      scope_name: 'pg',
      scope_version: '1.0.0',
    });
    expect(stored[3]).toMatchObject({
      span_id: spanIdOf(4),
      trace_id: traceIdOf(2),
      duration_ns: '0',
      http_status: 0,
      service: 'unknown_service',
      service_version: '',
      instance: 'node-b:17',
      resource_attributes: { 'host.name': 'node-b', 'process.pid': '17', 'telemetry.sdk.language': 'nodejs' },
    });
  });

  it('feed the trace index with each trace’s start, end and span count', async () => {
    const index = await rows<{
      trace_id: string;
      cluster: string;
      start_ns: string;
      end_ns: string;
      spans: string;
    }>(
      `SELECT trace_id, cluster, toString(toUnixTimestamp64Nano(min(start))) AS start_ns,
              toString(toUnixTimestamp64Nano(max(\`end\`))) AS end_ns, toString(sum(span_count)) AS spans
       FROM apo.trace_index GROUP BY trace_id, cluster ORDER BY trace_id`,
    );
    // Trace 1: spans 1..3 start at BASE + n ms and last 1.5 ms + n ns; the last one ends last.
    expect(index).toEqual([
      {
        trace_id: traceIdOf(1),
        cluster: 'c1',
        start_ns: (BASE_NS + 1_000_000n).toString(),
        end_ns: (BASE_NS + 3_000_000n + 1_500_003n).toString(),
        spans: '3',
      },
      {
        trace_id: traceIdOf(2),
        cluster: 'c1',
        start_ns: (BASE_NS + 4_000_000n).toString(),
        end_ns: (BASE_NS + 4_000_000n).toString(),
        spans: '1',
      },
    ]);
  });

  it('store ordinary log records in logs and event records only in events', async () => {
    const logsW = new RowBinaryWriter();
    const eventsW = new RowBinaryWriter();
    const data = logsFixture();
    const nLogs = appendLogRows(logsW, data, { cluster: 'c1', flushId: FLUSH_ID });
    const nEvents = appendEventRows(eventsW, data, { cluster: 'c1', flushId: FLUSH_ID + 1n });
    expect([nLogs, nEvents]).toEqual([4, 2]);
    await storage.insertRowBinary(storage.tables.logs, logsW.bytes(), nLogs);
    await storage.insertRowBinary(storage.tables.events, eventsW.bytes(), nEvents);

    const logs = await rows<Record<string, unknown>>(
      `SELECT cluster, toString(toUnixTimestamp64Nano(ts)) AS ts_ns, toString(toUnixTimestamp64Nano(observed_ts)) AS observed_ns,
              service, service_version, instance, severity_number, severity_text, body, trace_id, span_id, flags, scope_name,
              resource_attributes, attributes, dropped_attributes, flush_id
       FROM apo.logs ORDER BY observed_ts`,
    );
    expect(logs.map((l) => l.body)).toEqual([
      'Connection refused: orders.internal:8080 — ünïcödé',
      '{"msg":"structured","n":1}',
      '',
      'log line 6',
    ]);
    expect(logs[0]).toEqual({
      cluster: 'c1',
      ts_ns: (BASE_NS + 1_000n).toString(),
      observed_ns: (BASE_NS + 1_007n).toString(),
      service: 'checkout',
      service_version: '2.4.1',
      instance: 'checkout-7f9c',
      severity_number: 17,
      severity_text: 'ERROR',
      body: 'Connection refused: orders.internal:8080 — ünïcödé',
      trace_id: traceIdOf(1),
      span_id: spanIdOf(1),
      flags: 1,
      scope_name: 'app-logger',
      resource_attributes: expect.objectContaining({ 'service.name': 'checkout' }) as unknown,
      attributes: { 'code.lineno': '42', 'exception.escaped': 'false' },
      dropped_attributes: 1,
      flush_id: FLUSH_ID.toString(),
    });
    // A record without an event time takes its observed time.
    expect(logs[2]).toMatchObject({
      ts_ns: (BASE_NS + 4_007n).toString(),
      observed_ns: (BASE_NS + 4_007n).toString(),
    });
    // A non-string event.name does not make an event.
    expect(logs[3]).toMatchObject({ service: 'unknown_service', attributes: { 'event.name': '12' } });

    const events = await rows<Record<string, unknown>>(
      `SELECT cluster, toString(toUnixTimestamp64Nano(ts)) AS ts_ns, service, instance, name, severity_number, severity_text, body,
              trace_id, span_id, resource_attributes, attributes, flush_id
       FROM apo.events ORDER BY ts`,
    );
    expect(events).toEqual([
      {
        cluster: 'c1',
        ts_ns: (BASE_NS + 3_000n).toString(),
        service: 'checkout',
        instance: 'checkout-7f9c',
        name: 'deployment.finished',
        severity_number: 9,
        severity_text: 'INFO',
        body: 'version 2.4.1 rolled out',
        trace_id: '',
        span_id: '',
        resource_attributes: expect.objectContaining({ 'service.version': '2.4.1' }) as unknown,
        attributes: { 'deployment.version': '2.4.1' },
        flush_id: (FLUSH_ID + 1n).toString(),
      },
      {
        cluster: 'c1',
        ts_ns: (BASE_NS + 5_000n).toString(),
        service: 'unknown_service',
        instance: 'node-b:17',
        name: 'k8s.pod.restarted',
        severity_number: 13,
        severity_text: 'WARN',
        body: 'log line 5',
        trace_id: '',
        span_id: '',
        resource_attributes: expect.objectContaining({ 'host.name': 'node-b' }) as unknown,
        attributes: { 'event.name': 'k8s.pod.restarted', reason: 'OOMKilled' },
        flush_id: (FLUSH_ID + 1n).toString(),
      },
    ]);
  });

  it('make log bodies searchable through the full-text index', async () => {
    const [hit] = await rows<{ n: string }>(
      "SELECT count() AS n FROM apo.logs WHERE hasToken(lower(body), 'refused')",
    );
    expect(hit?.n).toBe('1');
  });

  it('store one metrics row per point of every metric type', async () => {
    const w = new RowBinaryWriter();
    const n = appendMetricRows(w, metricsFixture(), { cluster: 'c2', flushId: FLUSH_ID });
    expect(n).toBe(7);
    await storage.insertRowBinary(storage.tables.metrics, w.bytes(), n);
    const stored = await rows<Record<string, unknown>>(
      `SELECT cluster, service, instance, name, metric_type, unit, description, temporality, is_monotonic,
              toString(toUnixTimestamp64Nano(ts)) AS ts_ns, toString(toUnixTimestamp64Nano(start_ts)) AS start_ns, labels,
              resource_attributes, scope_name, value, count, sum, min, max, bucket_bounds, bucket_counts, exp_scale, exp_zero_count,
              exp_zero_threshold, exp_positive_offset, exp_positive_counts, exp_negative_offset, exp_negative_counts,
              quantiles, quantile_values, flags, flush_id
       FROM apo.metrics ORDER BY name, ts`,
    );
    const neutral = {
      cluster: 'c2',
      service: 'checkout',
      instance: 'checkout-7f9c',
      ts_ns: BASE_NS.toString(),
      start_ns: (BASE_NS - 60_000_000_000n).toString(),
      labels: { 'http.route': '/orders' },
      resource_attributes: expect.objectContaining({ 'deployment.environment': 'prod' }) as unknown,
      scope_name: 'meter',
      value: 0,
      count: '0',
      sum: null,
      min: null,
      max: null,
      bucket_bounds: [],
      bucket_counts: [],
      exp_scale: 0,
      exp_zero_count: '0',
      exp_zero_threshold: 0,
      exp_positive_offset: 0,
      exp_positive_counts: [],
      exp_negative_offset: 0,
      exp_negative_counts: [],
      quantiles: [],
      quantile_values: [],
      flags: 0,
      flush_id: FLUSH_ID.toString(),
      temporality: 0,
      is_monotonic: false,
    };
    expect(stored).toEqual([
      {
        ...neutral,
        name: 'gc.pause',
        metric_type: 'summary',
        unit: 's',
        description: '',
        count: '5',
        sum: 0.75,
        quantiles: [0.5, 0.99],
        quantile_values: [0.1, 0.3],
      },
      {
        ...neutral,
        name: 'http.server.duration',
        metric_type: 'histogram',
        unit: 'ms',
        description: 'latency',
        temporality: 1,
        count: '10',
        sum: 123.5,
        min: 0.5,
        max: 250,
        bucket_bounds: [10, 100],
        bucket_counts: ['1', '2', '7'],
      },
      {
        ...neutral,
        name: 'http.server.duration',
        metric_type: 'histogram',
        unit: 'ms',
        description: 'latency',
        temporality: 1,
        ts_ns: (BASE_NS + 2n).toString(),
      },
      {
        ...neutral,
        name: 'http.server.requests',
        metric_type: 'sum',
        unit: '{request}',
        description: '',
        temporality: 2,
        is_monotonic: true,
        value: 42,
        flags: 1,
      },
      {
        ...neutral,
        name: 'process.memory.usage',
        metric_type: 'gauge',
        unit: 'By',
        description: 'RSS',
        value: 123456789,
      },
      {
        ...neutral,
        name: 'process.memory.usage',
        metric_type: 'gauge',
        unit: 'By',
        description: 'RSS',
        value: 1.5,
        ts_ns: (BASE_NS + 1n).toString(),
      },
      {
        ...neutral,
        name: 'rpc.duration',
        metric_type: 'exponential_histogram',
        unit: 's',
        description: '',
        temporality: 2,
        count: '9',
        sum: 4.5,
        min: 0,
        max: 3.25,
        exp_scale: -2,
        exp_zero_count: '1',
        exp_zero_threshold: 1e-9,
        exp_positive_offset: -3,
        exp_positive_counts: ['3', '4'],
        exp_negative_offset: 2,
        exp_negative_counts: ['1'],
      },
    ]);
  });

  it('store ledger rows with millisecond times, signal and digest', async () => {
    const w = new RowBinaryWriter();
    const storedAt = Date.now();
    const n = appendLedgerRows(w, FLUSH_ID, storedAt, [
      { batchId: 'batch-1', cluster: 'c1', signal: 'traces', digest: 'q83v' },
      { batchId: 'batch-2', cluster: '', signal: '', digest: '' },
    ]);
    await storage.insertRowBinary(storage.tables.ingest_ledger, w.bytes(), n);
    const stored = await rows<Record<string, unknown>>(
      'SELECT batch_id, flush_id, cluster, toString(toUnixTimestamp64Milli(stored_at)) AS at_ms, signal, digest FROM apo.ingest_ledger ORDER BY batch_id',
    );
    expect(stored).toEqual([
      {
        batch_id: 'batch-1',
        flush_id: FLUSH_ID.toString(),
        cluster: 'c1',
        at_ms: String(storedAt),
        signal: 'traces',
        digest: 'q83v',
      },
      {
        batch_id: 'batch-2',
        flush_id: FLUSH_ID.toString(),
        cluster: '',
        at_ms: String(storedAt),
        signal: '',
        digest: '',
      },
    ]);
  });

  it('leave no insert files behind and skip empty inserts', async () => {
    await storage.insertRowBinary(storage.tables.spans, new Uint8Array(0), 0);
    const spillDirs = (await readdir('/dev/shm').catch(() => [] as string[])).filter((d) =>
      d.startsWith(`apo-${process.pid}-`),
    );
    for (const dir of spillDirs) expect(await readdir(join('/dev/shm', dir))).toEqual([]);
  });

  it('report a malformed body as an error and keep working', async () => {
    await expect(
      storage.insertRowBinary(storage.tables.ingest_ledger, new Uint8Array([200, 1, 2]), 1),
    ).rejects.toThrow();
    const [row] = await rows<{ n: string }>('SELECT count() AS n FROM apo.ingest_ledger');
    expect(row?.n).toBe('2');
  });
});
