/**
 * A small deterministic world for the service detail procedures, written through the storage layer's insert
 * path: `payments` over ten minutes [startMs, startMs + 10 min) with
 * - RED rollups of `POST /pay` (100 requests a minute at ≤ 100 ms, 1 a minute at ≤ 500 ms) and
 *   `GET /health` (10 a minute at ≤ 5 ms), 100 % figures;
 * - stored traces: 10 fast `POST /pay` requests (100 ms, two overlapping DB calls covering 80 ms: share 0.8),
 *   10 slow ones (400 ms, one 80 ms call: share 0.2) — the tail sampler's over-representation of slow
 *   requests — and 5 `GET /health` requests without calls (share 0);
 * - client-call rollups: sqlite `SELECT payments` 100 a minute at 40 ms (10 ms a day earlier), and an HTTP
 *   call to `bank.example:443` 20 a minute at 150 ms (the same a day earlier);
 * - error spans: 3 × SqliteError "database is locked", 1 with only a status message "timeout";
 * - process metrics of `payments-1` on host `node-a` (pid 4242, pod `payments-7d9f`), runtime metrics, a
 *   restart, a BackOff Kubernetes warning, error logs (3 on payments-1, 1 on payments-2);
 * - node_exporter metrics of `node-a`: 2 cores 50 % busy, memory 87.5 % used, `/` 95 % full, 3 % of TCP
 *   segments retransmitted, 1 reset/s.
 */
import type { LogRecord, LogsData, Span, TracesData } from '@apo/shared/model';
import type { RedClientRollupRow, RedServerRollupRow } from '@apo/shared/red';
import {
  appendEventRows,
  appendLogRows,
  appendMetricRows,
  appendRedClientRows,
  appendRedServerRows,
  appendSpanRows,
  RowBinaryWriter,
} from '../../src/storage/index.ts';
import type { Storage } from '../../src/storage/index.ts';
import { metricsData } from './service-detail-metrics.ts';
import { attrs, NS, PAYMENTS_RESOURCE, res, scope } from './service-detail-resources.ts';

const MINUTE = 60_000;
const SEED_MINUTES = 10;
const CLUSTER = 'default';

const buckets = (counts: Record<number, number>) => Array.from({ length: 16 }, (_, i) => counts[i] ?? 0);

/** Server rollups: per minute. */
function serverRows(startMs: number): RedServerRollupRow[] {
  const rows: RedServerRollupRow[] = [];
  for (let m = 0; m < SEED_MINUTES; m++) {
    const base = {
      cluster: CLUSTER,
      minuteMs: startMs + m * MINUTE,
      service: 'payments',
      instance: 'payments-1',
    };
    const row = (endpoint: string, b: Record<number, number>, durationSumMs: number) => ({
      ...base,
      endpoint,
      kind: 'server',
      error: false,
      count: Object.values(b).reduce((x, y) => x + y, 0),
      errorCount: 0,
      durationSumMs,
      bucketCounts: buckets(b),
    });
    rows.push(row('POST /pay', { 6: 100, 8: 1 }, 100 * 100 + 400), row('GET /health', { 2: 10 }, 10 * 4));
  }
  return rows;
}

/** Client rollups of the range (`shiftMs` 0) and of a day earlier. */
function clientRows(startMs: number): RedClientRollupRow[] {
  const rows: RedClientRollupRow[] = [];
  for (const [shift, dbMs] of [
    [0, 40],
    [86_400_000, 10],
  ] as const) {
    for (let m = 0; m < SEED_MINUTES; m++) {
      const base = {
        cluster: CLUSTER,
        minuteMs: startMs - shift + m * MINUTE,
        service: 'payments',
        instance: 'payments-1',
        kind: 'client',
        error: false,
        role: '',
      };
      rows.push(
        {
          ...base,
          callType: 'db',
          peer: '',
          system: 'sqlite',
          dbNamespace: 'shop',
          operation: 'SELECT',
          target: 'payments',
          count: 100,
          errorCount: 0,
          durationSumMs: 100 * dbMs,
          bucketCounts: buckets({ [dbMs === 40 ? 5 : 3]: 100 }),
        },
        {
          ...base,
          callType: 'http',
          peer: 'bank.example:443',
          system: 'http',
          dbNamespace: '',
          operation: 'POST',
          target: '/charge',
          count: 20,
          errorCount: 2,
          error: false,
          durationSumMs: 20 * 150,
          bucketCounts: buckets({ 7: 20 }),
        },
      );
    }
  }
  return rows;
}

let nextId = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function spanOf(traceId: string, startMs: number, durationMs: number, extra: Partial<Span>): Span {
  return {
    traceId,
    spanId: hex(nextId++, 16),
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: 'span',
    kind: 1,
    startTimeUnixNano: BigInt(Math.round(startMs * 1000)) * 1000n,
    endTimeUnixNano: BigInt(Math.round((startMs + durationMs) * 1000)) * 1000n,
    attributes: attrs({}),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    ...extra,
  };
}

/** An entry span of `POST /pay` or `GET /health` with client calls at [offset, offset + length) ms. */
function request(atMs: number, route: string, durationMs: number, calls: [number, number][]): Span[] {
  const traceId = hex(nextId++, 32);
  const [method, path] = route.split(' ') as [string, string];
  const entry = spanOf(traceId, atMs, durationMs, {
    name: route,
    kind: 2,
    attributes: attrs({ 'http.route': path, 'http.request.method': method }),
  });
  const children = calls.map(([offset, length]) =>
    spanOf(traceId, atMs + offset, length, {
      name: 'SELECT payments',
      kind: 3,
      parentSpanId: entry.spanId,
      attributes: attrs({ 'db.system': 'sqlite' }),
    }),
  );
  return [entry, ...children];
}

function errorSpan(atMs: number, exception: { type: string; message: string } | null, status: string): Span {
  return spanOf(hex(nextId++, 32), atMs, 5, {
    name: 'POST /pay',
    kind: 2,
    status: { code: 2, message: status },
    events:
      exception === null
        ? []
        : [
            {
              timeUnixNano: BigInt(atMs) * NS,
              name: 'exception',
              attributes: attrs({ 'exception.type': exception.type, 'exception.message': exception.message }),
              droppedAttributesCount: 0,
            },
          ],
  });
}

function traces(startMs: number): TracesData {
  const spans: Span[] = [];
  for (let i = 0; i < 10; i++) {
    const at = startMs + 30_000 + i * 20_000;
    spans.push(
      ...request(at, 'POST /pay', 100, [
        [10, 50],
        [30, 60],
      ]),
    );
    spans.push(...request(at + 5_000, 'POST /pay', 400, [[100, 80]]));
    if (i < 5) spans.push(...request(at + 7_000, 'GET /health', 4, []));
  }
  const locked = { type: 'SqliteError', message: 'database is locked' };
  spans.push(
    errorSpan(startMs + 60_000, locked, 'SqliteError'),
    errorSpan(startMs + 120_000, locked, 'SqliteError'),
    errorSpan(startMs + 180_000, locked, 'SqliteError'),
    errorSpan(startMs + 240_000, null, 'timeout'),
  );
  return {
    resourceSpans: [
      { resource: res(PAYMENTS_RESOURCE), schemaUrl: '', scopeSpans: [{ scope, schemaUrl: '', spans }] },
    ],
  };
}

function log(atMs: number, severityNumber: number, body: string, extra: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: BigInt(atMs) * NS,
    observedTimeUnixNano: BigInt(atMs) * NS,
    severityNumber,
    severityText: severityNumber >= 17 ? 'ERROR' : 'INFO',
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

function logsData(startMs: number): LogsData {
  const other = { ...PAYMENTS_RESOURCE, 'service.instance.id': 'payments-2', 'process.pid': 4343n };
  return {
    resourceLogs: [
      {
        resource: res(PAYMENTS_RESOURCE),
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: [1, 2, 3]
              .map((i) => log(startMs + i * 60_000, 17, 'charge failed'))
              .concat(log(startMs, 9, 'ok')),
          },
        ],
      },
      {
        resource: res(other),
        schemaUrl: '',
        scopeLogs: [{ scope, schemaUrl: '', logRecords: [log(startMs + 1000, 18, 'x')] }],
      },
    ],
  };
}

function eventsData(startMs: number): LogsData {
  const event = (name: string, extra: Record<string, string>) =>
    log(startMs + 90_000, 9, name, { eventName: name, attributes: attrs({ 'event.name': name, ...extra }) });
  return {
    resourceLogs: [
      {
        resource: res(PAYMENTS_RESOURCE),
        schemaUrl: '',
        scopeLogs: [
          {
            scope,
            schemaUrl: '',
            logRecords: [
              event('process.restart', {}),
              event('k8s.event', { 'k8s.event.reason': 'BackOff', 'k8s.event.type': 'Warning' }),
            ],
          },
        ],
      },
    ],
  };
}

/** Writes the world for [startMs, startMs + 10 min); `startMs` a whole minute. */
export async function seedServiceDetail(storage: Storage, startMs: number): Promise<void> {
  const w = new RowBinaryWriter();
  const ctx = { cluster: CLUSTER, flushId: 1n };
  const write = async (table: Parameters<Storage['insertRowBinary']>[0], append: () => number) => {
    w.reset();
    const n = append();
    await storage.insertRowBinary(table, w.bytes(), n);
  };
  await write(storage.tables.red_server_1m, () => appendRedServerRows(w, serverRows(startMs), 1n));
  await write(storage.tables.red_client_1m, () => appendRedClientRows(w, clientRows(startMs), 1n));
  await write(storage.tables.spans, () => appendSpanRows(w, traces(startMs), ctx));
  await write(storage.tables.metrics, () => appendMetricRows(w, metricsData(startMs), ctx));
  await write(storage.tables.logs, () => appendLogRows(w, logsData(startMs), ctx));
  await write(storage.tables.events, () => appendEventRows(w, eventsData(startMs), ctx));
}
