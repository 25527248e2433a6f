/**
 * The live demo shop's shape at its rate, as stored rows: the seven services of examples/demo-shop
 * (gateway → catalog / inventory / orders → payments → fraud, orders → order-events → notifications) at
 * ~4.5 requests/s, ≈ 40 spans/s, every span stored and every minute's spans through the RED aggregator
 * (the 100 % rollups, as the agent computes them); process metrics of each service every 15 s, a log record
 * per request (1 % at ERROR), a restart per service at the start. With `faultFromMs`, payments' database
 * answers 200 ms slower from then on (the demo's `db-slow`), so an investigation has an onset to find.
 */
import type { AnyValue, Attributes, ResourceSpans, Span } from '../../packages/shared/src/model/index.ts';
import { SpanKind, StatusCode } from '../../packages/shared/src/model/index.ts';
import { createRedAggregator, redRollupRows } from '../../packages/shared/src/red/index.ts';
import {
  appendRedClientRows,
  appendRedServerRows,
  appendSpanRows,
  RowBinaryWriter,
} from '../../apps/server/src/storage/index.ts';
import type { Storage } from '../../apps/server/src/storage/index.ts';
import { Rng } from './common.ts';

export interface DemoWorld {
  /** Minutes of traffic ending at `endMs` (a whole minute). */
  minutes: number;
  endMs: number;
  /** payments' database is 200 ms slower from this time on. */
  faultFromMs?: number;
}

const MINUTE = 60_000;
const MS = 1_000_000n;
const SERVICES = ['gateway', 'catalog', 'orders', 'payments', 'fraud', 'inventory', 'notifications'];
const PORT = Object.fromEntries(SERVICES.map((s, i) => [s, BigInt(18080 + i)]));
/** Requests per minute of each journey: ~2,430 spans a minute. */
const MIX = { browse: 120, product: 60, checkout: 90 };

function attrs(entries: Record<string, AnyValue>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** Builds one trace's spans, each service's apart; times in ms from the trace's start. */
class TraceBuilder {
  readonly spans = new Map<string, Span[]>();
  private next = 1;
  private readonly traceNo: number;
  private readonly startMs: number;
  constructor(traceNo: number, startMs: number) {
    this.traceNo = traceNo;
    this.startMs = startMs;
  }

  add(
    service: string,
    parent: string,
    kind: Span['kind'],
    name: string,
    at: number,
    durationMs: number,
    a: Record<string, AnyValue>,
    failed = false,
  ): string {
    const spanId = hex(this.traceNo * 32 + this.next++, 16);
    const start = BigInt(Math.round((this.startMs + at) * 1000)) * 1000n;
    const list = this.spans.get(service) ?? [];
    this.spans.set(service, list);
    list.push({
      traceId: hex(this.traceNo + 1, 32),
      spanId,
      traceState: '',
      parentSpanId: parent,
      flags: 1,
      name,
      kind,
      startTimeUnixNano: start,
      endTimeUnixNano: start + BigInt(Math.round(durationMs * 1000)) * 1000n,
      attributes: attrs(a),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: failed
        ? { code: StatusCode.Error, message: 'HTTP 500' }
        : { code: StatusCode.Unset, message: '' },
    });
    return spanId;
  }

  /** `caller`'s HTTP call to `callee`'s route, the callee's server span under it; returns the callee's span. */
  call(caller: string, parent: string, callee: string, route: string, at: number, ms: number): string {
    const [method = 'GET', path = '/'] = route.split(' ');
    const client = this.add(caller, parent, SpanKind.Client, method, at, ms + 1, {
      'http.request.method': method,
      'server.address': '127.0.0.1',
      'server.port': PORT[callee] ?? 0n,
    });
    return this.add(callee, client, SpanKind.Server, route, at + 0.5, ms, {
      'http.request.method': method,
      'http.route': path,
    });
  }

  db(service: string, parent: string, op: string, at: number, ms: number): void {
    this.add(service, parent, SpanKind.Client, `${op} ${service}`, at, ms, {
      'db.system.name': 'sqlite',
      'db.namespace': service,
      'db.operation.name': op,
    });
  }
}

/** One journey's trace; `dbSlowMs` is added to each of payments' statements. */
function journey(
  kind: keyof typeof MIX,
  no: number,
  startMs: number,
  rng: Rng,
  dbSlowMs: number,
): TraceBuilder {
  const t = new TraceBuilder(no, startMs);
  const j = () => 0.8 + 0.4 * rng.next();
  const failed = rng.next() < 0.01;
  if (kind === 'browse') {
    const db = 2 * j();
    const gw = t.add(
      'gateway',
      '',
      SpanKind.Server,
      'GET /api/products',
      0,
      db + 6,
      {
        'http.request.method': 'GET',
        'http.route': '/api/products',
      },
      failed,
    );
    t.db('catalog', t.call('gateway', gw, 'catalog', 'GET /products', 1, db + 3), 'SELECT', 2, db);
    return t;
  }
  if (kind === 'product') {
    const gw = t.add('gateway', '', SpanKind.Server, 'GET /api/products/:id', 0, 14 * j(), {
      'http.request.method': 'GET',
      'http.route': '/api/products/:id',
    });
    t.db('catalog', t.call('gateway', gw, 'catalog', 'GET /products/:id', 1, 4), 'SELECT', 2, 2 * j());
    t.db('inventory', t.call('gateway', gw, 'inventory', 'GET /stock/:sku', 6, 4), 'SELECT', 7, 2 * j());
    return t;
  }
  const payDb = 3 * j() + dbSlowMs;
  const fraud = 5 * j();
  const payments = 3 + payDb + fraud + 2;
  const orders = 2 + 8 + payments + 3;
  const gw = t.add(
    'gateway',
    '',
    SpanKind.Server,
    'POST /api/checkout',
    0,
    orders + 4,
    {
      'http.request.method': 'POST',
      'http.route': '/api/checkout',
    },
    failed,
  );
  const o = t.call('gateway', gw, 'orders', 'POST /orders', 1, orders);
  t.db('orders', o, 'INSERT', 2, 2 * j());
  t.db('catalog', t.call('orders', o, 'catalog', 'GET /products/:id', 4, 3), 'SELECT', 5, 1.5);
  t.db('inventory', t.call('orders', o, 'inventory', 'POST /reservations', 8, 3), 'UPDATE', 9, 1.5);
  const p = t.call('orders', o, 'payments', 'POST /charges', 12, payments);
  t.db('payments', p, 'INSERT', 13, payDb);
  t.call('payments', p, 'fraud', 'POST /score', 14 + payDb, fraud);
  const producer = t.add('orders', o, SpanKind.Producer, 'order-events publish', 13 + payments, 1, {
    'messaging.system': 'file-queue',
    'messaging.destination.name': 'order-events',
    'messaging.operation.type': 'publish',
  });
  t.add('notifications', producer, SpanKind.Consumer, 'order-events process', 40 + payments, 3, {
    'messaging.system': 'file-queue',
    'messaging.destination.name': 'order-events',
    'messaging.operation.type': 'process',
  });
  return t;
}

function resourceSpans(service: string, spans: Span[]): ResourceSpans {
  return {
    resource: {
      attributes: attrs({ 'service.name': service, 'service.instance.id': `${service}-1` }),
      droppedAttributesCount: 0,
    },
    schemaUrl: '',
    scopeSpans: [
      {
        scope: { name: 'demo', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
        schemaUrl: '',
        spans,
      },
    ],
  };
}

/** Seeds the world; returns the number of spans stored. */
export async function seedDemoWorld(storage: Storage, w: DemoWorld): Promise<number> {
  const rng = new Rng(7);
  const startMs = w.endMs - w.minutes * MINUTE;
  const perMinute = MIX.browse + MIX.product + MIX.checkout;
  let stored = 0;
  let traceNo = 0;
  for (let m = 0; m < w.minutes; m++) {
    const minuteMs = startMs + m * MINUTE;
    const aggregator = createRedAggregator({ startTimeUnixNano: BigInt(minuteMs) * MS });
    const byService = new Map<string, Span[]>();
    let n = 0;
    for (const [kind, count] of Object.entries(MIX) as [keyof typeof MIX, number][])
      for (let i = 0; i < count; i++, n++) {
        const at = minuteMs + Math.floor((((n * 7919) % perMinute) * 59_000) / perMinute);
        const slow = w.faultFromMs !== undefined && at >= w.faultFromMs ? 200 : 0;
        for (const [service, spans] of journey(kind, traceNo++, at, rng, slow).spans)
          byService.set(service, [...(byService.get(service) ?? []), ...spans]);
      }
    const data = [...byService].map(([s, spans]) => resourceSpans(s, spans));
    aggregator.add(data);
    const metrics = aggregator.flush(BigInt(minuteMs + MINUTE) * MS);
    const writer = new RowBinaryWriter(8 * 1024 * 1024);
    const rows = appendSpanRows(
      writer,
      { resourceSpans: data },
      { cluster: 'default', flushId: BigInt(m + 1) },
    );
    await storage.insertRowBinary(storage.tables.spans, writer.bytes(), rows);
    stored += rows;
    if (metrics === null) continue;
    const rollups = redRollupRows(metrics, 'default');
    writer.reset();
    const s = appendRedServerRows(writer, rollups.server, 1n);
    await storage.insertRowBinary(storage.tables.red_server_1m, writer.bytes(), s);
    writer.reset();
    const c = appendRedClientRows(writer, rollups.client, 1n);
    await storage.insertRowBinary(storage.tables.red_client_1m, writer.bytes(), c);
  }
  await loadDemoTelemetry(storage, startMs, w.endMs, perMinute);
  return stored;
}

/** Process metrics every 15 s per service, a log record per request (1 % errors), a restart each at the start. */
async function loadDemoTelemetry(storage: Storage, fromMs: number, toMs: number, perMinute: number) {
  const db = storage.database;
  const params = { from: fromMs, services: SERVICES, points: Math.floor((toMs - fromMs) / 15_000) };
  await storage.client.command({
    query: `INSERT INTO ${db}.metrics (cluster, service, instance, name, metric_type, temporality, is_monotonic, ts,
              start_ts, labels, resource_attributes, value, unit)
      SELECT 'default', svc, concat(svc, '-1'), name, if(gauge, 'gauge', 'sum'), if(gauge, 0, 2), NOT gauge,
             fromUnixTimestamp64Milli(toInt64({from:Int64} + p * 15000 + 7000)), fromUnixTimestamp64Milli(toInt64({from:Int64})),
             map(), map('process.pid', toString(1000 + s), 'service.version', '1.0.0'),
             if(gauge, [90e6, 12.0][k - 1], [0.3, 0.01, 0, 0, 0.02, 0.001][k + 1] * (p + 1)), ['s', 's', 'By', 'ms', 's', 's'][k + 1]
      FROM (SELECT intDiv(number, length({services:Array(String)}) * 6) AS p,
                   intDiv(number % (length({services:Array(String)}) * 6), 6) AS s, number % 6 AS k,
                   {services:Array(String)}[s + 1] AS svc, k IN (2, 3) AS gauge,
                   ['process.cpu.time', 'apo.process.runqueue.wait.time', 'process.memory.usage',
                    'nodejs.eventloop.delay.p99', 'v8js.gc.duration', 'db.client.connection.wait_time'][k + 1] AS name
            FROM numbers({points:UInt64} * length({services:Array(String)}) * 6))`,
    query_params: params,
  });
  await storage.client.command({
    query: `INSERT INTO ${db}.logs (cluster, ts, service, instance, severity_number, severity_text, body)
      SELECT 'default', fromUnixTimestamp64Milli(toInt64({from:Int64} + intDiv(number * 60000, {perMinute:UInt32}))), svc,
             concat(svc, '-1'), if(number % 100 = 0, 17, 9), if(number % 100 = 0, 'ERROR', 'INFO'),
             if(number % 100 = 0, concat('request failed: order ', toString(number), ' rejected'), 'request handled')
      FROM (SELECT number, {services:Array(String)}[number % length({services:Array(String)}) + 1] AS svc
            FROM numbers(intDiv(({to:Int64} - {from:Int64}) * {perMinute:UInt32}, 60000)))`,
    query_params: { ...params, to: toMs, perMinute },
  });
  await storage.client.command({
    query: `INSERT INTO ${db}.events (cluster, ts, service, instance, name, severity_number, body)
      SELECT 'default', fromUnixTimestamp64Milli(toInt64({from:Int64} + number * 1000)), svc, concat(svc, '-1'),
             'process.restart', 9, 'started'
      FROM (SELECT number, {services:Array(String)}[number + 1] AS svc FROM numbers(length({services:Array(String)})))`,
    query_params: params,
  });
}
