/**
 * Seed data for the services overview, for its tests, its benchmark and the console's E2E tests.
 *
 * - `seedOverviewDemo(storage, nowMs)`: a small deterministic world through the storage layer's insert
 *   path (the RowBinary encoders the ingest writer uses): 8 days of per-minute RED rollups, spans (for the
 *   Kubernetes namespace), logs and change events for four services —
 *   `checkout` (namespace `shop`) degraded over the last 2 h: its `POST /checkout` moves 10 % of requests
 *   from (50, 100] ms to (100, 250] ms, so the endpoint's p95 goes 97.5 → 175 ms and the service's
 *   97 → 160 ms (+64.9 %); restarted 30 min and changed version to `1.4.0` 2 h before `nowMs`;
 *   `cart` (`shop`), steady, 4 % errors and 3 error logs per hour every day;
 *   `payments` (`billing`), steady, fast;
 *   `catalog`, silent for the last 2 days (inactive: listed greyed).
 *   Every minute before `nowMs`'s minute holds the same figures except where said, so any range compares
 *   like with like. Call it on an empty data directory; calling it twice doubles the figures.
 * - `seedBulkRedRollups(storage, seed)`: services × endpoints × minutes of rollups generated inside the
 *   engine (INSERT … SELECT from numbers(), one day per statement), for the benchmark (200 × 20 × 8 days
 *   ≈ 46 M rows) and the hour/minute equivalence tests.
 */
import type { Attributes, LogRecord, LogsData, Span, TracesData } from '@apo/shared/model';
import type { RedServerRollupRow } from '@apo/shared/red';
import {
  appendEventRows,
  appendLogRows,
  appendRedServerRows,
  appendSpanRows,
  RowBinaryWriter,
} from '../../src/storage/index.ts';
import type { Storage } from '../../src/storage/index.ts';
import { RESTART_EVENT, VERSION_CHANGE_EVENT } from '../../src/features/overview/overview-queries.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const NS = 1_000_000n;

function attrs(entries: Record<string, string>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

/** Bucket counts (16, RED's bounds) with `counts[i]` requests in bucket `i`. */
function buckets(counts: Record<number, number>): number[] {
  return Array.from({ length: 16 }, (_, i) => counts[i] ?? 0);
}

/** Per-minute rows of one demo endpoint at a minute; `degraded` for the last 2 h of checkout. */
interface DemoEndpoint {
  service: string;
  endpoint: string;
  rows(minuteMs: number, degraded: boolean): { error: boolean; buckets: number[]; durationMs: number }[];
}

const DEMO_CLUSTER = 'demo';
const DEMO_NAMESPACES: Record<string, string> = {
  checkout: 'shop',
  cart: 'shop',
  payments: 'billing',
};

const demoEndpoints: DemoEndpoint[] = [
  {
    service: 'checkout',
    endpoint: 'POST /checkout',
    rows: (_, degraded) => [
      degraded
        ? { error: false, buckets: buckets({ 6: 90, 7: 10 }), durationMs: 90 * 80 + 10 * 150 }
        : { error: false, buckets: buckets({ 6: 100 }), durationMs: 100 * 80 },
    ],
  },
  {
    service: 'checkout',
    endpoint: 'GET /checkout/status',
    rows: () => [{ error: false, buckets: buckets({ 4: 20 }), durationMs: 20 * 15 }],
  },
  {
    service: 'cart',
    endpoint: 'POST /cart',
    rows: () => [
      { error: false, buckets: buckets({ 3: 30, 4: 18 }), durationMs: 30 * 8 + 18 * 20 },
      { error: true, buckets: buckets({ 5: 2 }), durationMs: 2 * 40 },
    ],
  },
  {
    service: 'payments',
    endpoint: 'POST /pay',
    rows: () => [{ error: false, buckets: buckets({ 2: 10 }), durationMs: 10 * 4 }],
  },
  {
    service: 'catalog',
    endpoint: 'GET /products',
    rows: () => [{ error: false, buckets: buckets({ 3: 5 }), durationMs: 5 * 6 }],
  },
];

/** The demo's degraded window and silent service, relative to the end of the seeded minutes. */
const DEMO_DEGRADED_MS = 2 * HOUR_MS;
const DEMO_SILENT_MS = 2 * DAY_MS;
const DEMO_DAYS = 8;

function span(endpoint: string, endMs: number): Span {
  return {
    traceId: '0'.repeat(31) + '1',
    spanId: '0'.repeat(15) + '1',
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: endpoint,
    kind: 2,
    startTimeUnixNano: BigInt(endMs - 10) * NS,
    endTimeUnixNano: BigInt(endMs) * NS,
    attributes: attrs({}),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
  };
}

function logRecord(
  atMs: number,
  severityNumber: number,
  body: string,
  extra: Partial<LogRecord> = {},
): LogRecord {
  return {
    timeUnixNano: BigInt(atMs) * NS,
    observedTimeUnixNano: BigInt(atMs) * NS,
    severityNumber,
    severityText: severityNumber >= 17 ? 'ERROR' : 'WARN',
    body,
    attributes: attrs({}),
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    ...extra,
  };
}

function resourceOf(service: string): { attributes: Attributes; droppedAttributesCount: number } {
  const namespace = DEMO_NAMESPACES[service];
  return {
    attributes: attrs({
      'service.name': service,
      'service.instance.id': `${service}-0`,
      ...(namespace === undefined ? {} : { 'k8s.namespace.name': namespace }),
    }),
    droppedAttributesCount: 0,
  };
}

const scope = { name: 'overview-seed', version: '', attributes: attrs({}), droppedAttributesCount: 0 };

/** Seeds the demo world ending at `nowMs`'s minute (exclusive); returns that end, ms. */
export async function seedOverviewDemo(storage: Storage, nowMs: number): Promise<number> {
  const endMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const ctx = { cluster: DEMO_CLUSTER, flushId: 1n };
  const w = new RowBinaryWriter();
  // One day per insert keeps each body a few MB.
  for (let day = DEMO_DAYS; day > 0; day--) {
    const rollups: RedServerRollupRow[] = [];
    for (let m = endMs - day * DAY_MS; m < endMs - (day - 1) * DAY_MS; m += MINUTE_MS) {
      for (const e of demoEndpoints) {
        if (e.service === 'catalog' && m >= endMs - DEMO_SILENT_MS) continue;
        const degraded = e.service === 'checkout' && m >= endMs - DEMO_DEGRADED_MS;
        for (const r of e.rows(m, degraded)) {
          const count = r.buckets.reduce((a, b) => a + b, 0);
          rollups.push({
            ...{ cluster: DEMO_CLUSTER, minuteMs: m, service: e.service, instance: `${e.service}-0` },
            ...{
              endpoint: e.endpoint,
              kind: 'server',
              error: r.error,
              count,
              errorCount: r.error ? count : 0,
            },
            durationSumMs: r.durationMs,
            bucketCounts: r.buckets,
          });
        }
      }
    }
    w.reset();
    const n = appendRedServerRows(w, rollups, ctx.flushId);
    await storage.insertRowBinary(storage.tables.red_server_1m, w.bytes(), n);
  }

  // Spans of the last minutes carry the namespace; catalog's are as old as its last requests.
  const traces: TracesData = {
    resourceSpans: demoEndpoints.map((e) => ({
      resource: resourceOf(e.service),
      schemaUrl: '',
      scopeSpans: [
        {
          scope,
          schemaUrl: '',
          spans: [span(e.endpoint, e.service === 'catalog' ? endMs - DEMO_SILENT_MS - 1 : endMs - 1)],
        },
      ],
    })),
  };
  w.reset();
  const spans = appendSpanRows(w, traces, ctx);
  await storage.insertRowBinary(storage.tables.spans, w.bytes(), spans);

  // Logs: checkout 2 errors per hour, cart 3 per hour (and a warning that does not count), every hour.
  const records = new Map<string, LogRecord[]>([
    ['checkout', []],
    ['cart', []],
  ]);
  for (let h = endMs - DEMO_DAYS * DAY_MS; h < endMs; h += HOUR_MS) {
    for (let i = 0; i < 2; i++)
      records.get('checkout')!.push(logRecord(h + 60_000 + i * 1000, 17, 'payment declined'));
    for (let i = 0; i < 3; i++)
      records.get('cart')!.push(logRecord(h + 120_000 + i * 1000, 18, 'stock lookup failed'));
    records.get('cart')!.push(logRecord(h + 180_000, 13, 'slow stock lookup'));
  }
  const logs: LogsData = {
    resourceLogs: [...records].map(([service, logRecords]) => ({
      resource: resourceOf(service),
      schemaUrl: '',
      scopeLogs: [{ scope, logRecords, schemaUrl: '' }],
    })),
  };
  w.reset();
  const logRows = appendLogRows(w, logs, ctx);
  await storage.insertRowBinary(storage.tables.logs, w.bytes(), logRows);

  // The agent's change events (apps/agent/src/collectors/process/change-events.ts) for checkout.
  const event = (atMs: number, name: string, version: string): LogRecord =>
    logRecord(atMs, 9, `${name} of checkout`, {
      eventName: name,
      attributes: attrs({ 'event.name': name, 'service.version': version }),
    });
  const events: LogsData = {
    resourceLogs: [
      {
        resource: resourceOf('checkout'),
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: [
              event(endMs - 3 * DAY_MS, VERSION_CHANGE_EVENT, '1.3.0'),
              event(endMs - 3 * DAY_MS, RESTART_EVENT, '1.3.0'),
              event(endMs - DEMO_DEGRADED_MS, VERSION_CHANGE_EVENT, '1.4.0'),
              event(endMs - 30 * MINUTE_MS, RESTART_EVENT, '1.4.0'),
            ],
          },
        ],
      },
    ],
  };
  w.reset();
  const eventRows = appendEventRows(w, events, ctx);
  await storage.insertRowBinary(storage.tables.events, w.bytes(), eventRows);
  return endMs;
}

export interface BulkRedSeed {
  services: number;
  endpointsPerService: number;
  /** Minutes [fromMs, toMs), whole minutes. */
  fromMs: number;
  toMs: number;
  cluster?: string;
  /** `svc-000`'s endpoints are slower (a heavier tail) from this time on. */
  degradedFromMs?: number;
}

/** The name of bulk service `i`: `svc-000`, `svc-001`, … */
export const bulkServiceName = (i: number): string => `svc-${String(i).padStart(3, '0')}`;

/**
 * One row per minute × service × endpoint: 10–59 requests (an error row of 2 requests every 20th
 * minute of a series), bucket counts spread over (5, 10], (10, 25] and a tail. Integral duration sums,
 * so every sum is exact in Float64 whatever the order. Returns the number of rows.
 */
export async function seedBulkRedRollups(storage: Storage, seed: BulkRedSeed): Promise<number> {
  const table = storage.qualified(storage.tables.red_server_1m);
  const perMinute = seed.services * seed.endpointsPerService;
  const fromS = Math.floor(seed.fromMs / 1000);
  const minutes = Math.floor((seed.toMs - seed.fromMs) / MINUTE_MS);
  for (let m0 = 0; m0 < minutes; m0 += 1440) {
    const chunk = Math.min(1440, minutes - m0);
    await storage.client.command({
      query: `INSERT INTO ${table} (cluster, minute, service, endpoint, instance, kind, error, count, error_count,
                duration_sum_ms, bucket_counts, flush_id)
        SELECT {cluster:String}, toDateTime({from:UInt32} + m * 60, 'UTC'), svc,
               concat(if(e % 4 = 0, 'POST', 'GET'), ' /api/v1/resource-', toString(e)), concat(svc, '-0'),
               'server', err, c, if(err, c, 0), toFloat64(c * 20 + tail * 100), b, 1
        FROM (
          SELECT intDiv(number, {perMinute:UInt32}) AS m, intDiv(number % {perMinute:UInt32}, {endpoints:UInt32}) AS s,
                 number % {endpoints:UInt32} AS e, concat('svc-', leftPad(toString(s), 3, '0')) AS svc,
                 (m + s + e) % 20 = 0 AS err, if(err, 2, 10 + (s * 7 + e * 3) % 50) AS c,
                 intDiv(c, 5) AS tail,
                 s = 0 AND {from:UInt32} + m * 60 >= {degradedFrom:UInt32} AS slow,
                 arrayMap(i -> multiIf(i = 3, c - intDiv(c, 2) - tail, i = 4, intDiv(c, 2), i = if(slow, 7, 6), tail, 0),
                          range(16)) AS b
          FROM numbers({offset:UInt64}, {rows:UInt64})
        )`,
      query_params: {
        cluster: seed.cluster ?? 'default',
        from: fromS,
        perMinute,
        endpoints: seed.endpointsPerService,
        degradedFrom: Math.floor((seed.degradedFromMs ?? 4_294_967_295_000) / 1000),
        offset: m0 * perMinute,
        rows: chunk * perMinute,
      },
    });
  }
  return minutes * perMinute;
}
