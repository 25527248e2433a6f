/**
 * The standard codec workload: deterministic (seeded) OTLP-shaped telemetry resembling what instrumented
 * web services send — HTTP server spans with HTTP client and database children, a few errors with
 * exception events, per-service resources — so codec figures are comparable across runs and machines.
 */
import type {
  Attributes,
  AnyValue,
  InstrumentationScope,
  LogRecord,
  LogsData,
  HistogramDataPoint,
  Metric,
  MetricData,
  MetricsData,
  NumberDataPoint,
  Resource,
  Span,
  TracesData,
} from '../packages/shared/src/index.ts';

/** mulberry32: tiny, fast and good enough to make varied but reproducible data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i++) out += this.int(256).toString(16).padStart(2, '0');
    return out;
  }
}

function attrs(entries: [string, AnyValue][]): Attributes {
  const map = Object.create(null) as Attributes;
  for (const [k, v] of entries) map[k] = v;
  return map;
}

const SERVICES = 'checkout cart catalog payments accounts shipping search recommendations'.split(' ');
const ROUTES =
  '/api/v1/users/{id} /api/v1/orders /api/v1/orders/{id} /api/v1/cart/items /api/v1/products/{sku} /health'.split(
    ' ',
  );
const METHODS = 'GET GET GET POST PUT DELETE'.split(' ');
const TABLES = 'users orders order_items products inventory sessions'.split(' ');
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'okhttp/4.12.0',
  'curl/8.7.1',
];

function resourceFor(rng: Rng, service: string, index: number): Resource {
  return {
    attributes: attrs([
      ['service.name', service],
      ['service.namespace', 'shop'],
      ['service.version', `1.${index}.${rng.int(20)}`],
      ['service.instance.id', `${rng.hex(4)}-${rng.hex(2)}-${rng.hex(2)}-${rng.hex(2)}-${rng.hex(6)}`],
      ['host.name', `ip-10-0-${index}-${rng.int(255)}.ec2.internal`],
      ['host.arch', 'amd64'],
      ['process.pid', BigInt(1000 + rng.int(60000))],
      ['process.runtime.name', 'nodejs'],
      ['process.runtime.version', '24.1.0'],
      ['deployment.environment.name', 'production'],
      ['telemetry.sdk.name', 'opentelemetry'],
      ['telemetry.sdk.language', 'nodejs'],
      ['telemetry.sdk.version', '2.0.1'],
    ]),
    droppedAttributesCount: 0,
  };
}

function scope(name: string, version: string): InstrumentationScope {
  return { name, version, attributes: attrs([]), droppedAttributesCount: 0 };
}

/** Takes `n` attributes from the realistic pool, padding with application attributes when asked for more. */
function spanAttributes(rng: Rng, pool: [string, AnyValue][], n: number): Attributes {
  const entries = pool.slice(0, n);
  for (let i = entries.length; i < n; i++)
    entries.push([`app.attribute_${i}`, i % 3 === 0 ? BigInt(rng.int(1000)) : `value-${rng.int(100)}`]);
  return attrs(entries);
}

export interface TraceWorkloadOptions {
  spansPerRequest?: number;
  attributesPerSpan?: number;
  services?: number;
  seed?: number;
  startNs?: bigint;
}

const MS = 1_000_000n;

/** What the spans of one trace share. */
interface TraceContext {
  rng: Rng;
  service: string;
  traceId: string;
  rootId: string;
  userId: string;
  start: bigint;
  attributesPerSpan: number;
}

const EXCEPTION_EVENT = (time: bigint) => ({
  timeUnixNano: time,
  name: 'exception',
  attributes: attrs([
    ['exception.type', 'TypeError'],
    ['exception.message', "Cannot read properties of undefined (reading 'id')"],
    [
      'exception.stacktrace',
      'TypeError: Cannot read properties of undefined\n    at handler (/app/src/routes/orders.js:42:17)',
    ],
  ]),
  droppedAttributesCount: 0,
});

function span(
  t: TraceContext,
  ids: { spanId: string; parentSpanId: string },
  name: string,
  kind: 2 | 3,
  end: bigint,
  pool: [string, AnyValue][],
  failed = false,
): Span {
  const start = ids.parentSpanId === '' ? t.start : t.start + BigInt(1 + t.rng.int(5)) * MS;
  return {
    traceId: t.traceId,
    ...ids,
    traceState: '',
    flags: 0x101,
    name,
    kind,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: spanAttributes(t.rng, pool, t.attributesPerSpan),
    droppedAttributesCount: 0,
    events: failed ? [EXCEPTION_EVENT(end - 1000n)] : [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: failed
      ? { code: 2, message: 'TypeError: Cannot read properties of undefined' }
      : { code: 0, message: '' },
  };
}

/** The root: an HTTP server span, 3% of them failed with an exception event. */
function serverSpan(t: TraceContext): Span {
  const { rng } = t;
  const method = rng.pick(METHODS);
  const route = rng.pick(ROUTES);
  const failed = rng.next() < 0.03;
  const path = route.replace('{id}', String(rng.int(99999))).replace('{sku}', `SKU-${rng.int(9999)}`);
  return span(
    t,
    { spanId: t.rootId, parentSpanId: '' },
    `${method} ${route}`,
    2,
    t.start + BigInt(60 + rng.int(400)) * MS,
    [
      ['http.request.method', method],
      ['http.route', route],
      ['url.path', path],
      ['url.scheme', 'https'],
      ['http.response.status_code', failed ? 500n : rng.next() < 0.05 ? 404n : 200n],
      ['server.address', `${t.service}.shop.internal`],
      ['server.port', 8443n],
      ['client.address', `10.0.${rng.int(255)}.${rng.int(255)}`],
      ['user_agent.original', rng.pick(AGENTS)],
      ['network.protocol.version', '1.1'],
      ['user.id', t.userId],
    ],
    failed,
  );
}

function databaseSpan(t: TraceContext): Span {
  const { rng } = t;
  const table = rng.pick(TABLES);
  const op = rng.pick(['SELECT', 'SELECT', 'INSERT', 'UPDATE']);
  return span(
    t,
    { spanId: rng.hex(8), parentSpanId: t.rootId },
    `${op} ${table}`,
    3,
    t.start + BigInt(10 + rng.int(50)) * MS,
    [
      ['db.system.name', 'postgresql'],
      ['db.namespace', 'shop'],
      ['db.operation.name', op],
      ['db.collection.name', table],
      ['db.query.text', `${op} * FROM ${table} WHERE id = $1 AND tenant_id = $2 LIMIT 50`],
      ['server.address', 'db-primary.shop.internal'],
      ['server.port', 5432n],
      ['db.response.returned_rows', BigInt(rng.int(50))],
      ['network.peer.address', `10.1.0.${rng.int(16)}`],
      ['db.client.connection.pool.name', 'main'],
      ['user.id', t.userId],
    ],
  );
}

function clientSpan(t: TraceContext, services: string[]): Span {
  const { rng } = t;
  const target = rng.pick(services);
  const method = rng.pick(METHODS);
  const path = rng
    .pick(ROUTES)
    .replace('{id}', String(rng.int(999)))
    .replace('{sku}', 'SKU-1');
  return span(
    t,
    { spanId: rng.hex(8), parentSpanId: t.rootId },
    method,
    3,
    t.start + BigInt(10 + rng.int(50)) * MS,
    [
      ['http.request.method', method],
      ['url.full', `https://${target}.shop.internal:8443${path}`],
      ['server.address', `${target}.shop.internal`],
      ['server.port', 8443n],
      ['http.response.status_code', rng.next() < 0.05 ? 503n : 200n],
      ['network.peer.address', `10.0.${rng.int(255)}.${rng.int(255)}`],
      ['network.protocol.version', '1.1'],
      ['url.scheme', 'https'],
      ['peer.service', target],
      ['http.request.resend_count', 0n],
      ['user.id', t.userId],
    ],
  );
}

export function generateTraces(opts: TraceWorkloadOptions = {}): TracesData {
  const {
    spansPerRequest = 512,
    attributesPerSpan = 11,
    services = 4,
    seed = 42,
    startNs = 1_750_000_000_000_000_000n,
  } = opts;
  const rng = new Rng(seed);
  const names = Array.from(
    { length: services },
    (_, i) => SERVICES[i % SERVICES.length]! + (i >= SERVICES.length ? `-${i}` : ''),
  );
  const byService = names.map(() => ({ http: [] as Span[], db: [] as Span[] }));
  let made = 0;
  let clock = startNs;
  while (made < spansPerRequest) {
    // One trace: a server span and 1-7 children (HTTP client and database calls), all from one service.
    const s = rng.int(services);
    const t: TraceContext = {
      rng,
      service: names[s]!,
      traceId: rng.hex(16),
      rootId: rng.hex(8),
      userId: `u-${String(rng.int(100000)).padStart(6, '0')}`,
      start: clock,
      attributesPerSpan,
    };
    clock += BigInt(1 + rng.int(5)) * MS;
    byService[s]!.http.push(serverSpan(t));
    made++;
    for (let c = Math.min(1 + rng.int(7), spansPerRequest - made); c > 0; c--, made++) {
      if (rng.next() < 0.6) byService[s]!.db.push(databaseSpan(t));
      else byService[s]!.http.push(clientSpan(t, names));
    }
  }
  return {
    resourceSpans: names.map((service, i) => ({
      resource: resourceFor(rng, service, i),
      scopeSpans: [
        {
          scope: scope('@opentelemetry/instrumentation-http', '0.57.2'),
          spans: byService[i]!.http,
          schemaUrl: '',
        },
        {
          scope: scope('@opentelemetry/instrumentation-pg', '0.51.0'),
          spans: byService[i]!.db,
          schemaUrl: '',
        },
      ],
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    })),
  };
}

export interface LogWorkloadOptions {
  recordsPerRequest?: number;
  attributesPerRecord?: number;
  services?: number;
  seed?: number;
  startNs?: bigint;
}

const LEVELS = [
  ['INFO', 9],
  ['INFO', 9],
  ['INFO', 9],
  ['DEBUG', 5],
  ['WARN', 13],
  ['ERROR', 17],
] as const;

export function generateLogs(opts: LogWorkloadOptions = {}): LogsData {
  const {
    recordsPerRequest = 512,
    attributesPerRecord = 6,
    services = 4,
    seed = 7,
    startNs = 1_750_000_000_000_000_000n,
  } = opts;
  const rng = new Rng(seed);
  const records: LogRecord[][] = Array.from({ length: services }, () => []);
  let clock = startNs;
  for (let i = 0; i < recordsPerRequest; i++) {
    const [text, number] = rng.pick(LEVELS);
    const route = rng.pick(ROUTES);
    const inTrace = rng.next() < 0.7;
    clock += BigInt(rng.int(3_000_000));
    records[rng.int(services)]!.push({
      timeUnixNano: clock,
      observedTimeUnixNano: clock + 150_000n,
      severityNumber: number,
      severityText: text,
      body: `${rng.pick(METHODS)} ${route} completed in ${rng.int(900)} ms`,
      attributes: spanAttributes(
        rng,
        [
          ['http.route', route],
          ['user.id', `u-${String(rng.int(100000)).padStart(6, '0')}`],
          ['code.function.name', rng.pick(['handleRequest', 'loadUser', 'placeOrder', 'reserveStock'])],
          ['code.file.path', '/app/src/routes/orders.js'],
          ['thread.id', BigInt(rng.int(16))],
          ['log.iostream', 'stdout'],
        ],
        attributesPerRecord,
      ),
      droppedAttributesCount: 0,
      flags: inTrace ? 1 : 0,
      traceId: inTrace ? rng.hex(16) : '',
      spanId: inTrace ? rng.hex(8) : '',
      eventName: '',
    });
  }
  return {
    resourceLogs: records.map((logRecords, i) => ({
      resource: resourceFor(rng, SERVICES[i % SERVICES.length]!, i),
      scopeLogs: [{ scope: scope('pino', '9.6.0'), logRecords, schemaUrl: '' }],
      schemaUrl: '',
    })),
  };
}

export interface MetricWorkloadOptions {
  /** Metrics per service; each has `pointsPerMetric` points (one per attribute combination). */
  metricsPerService?: number;
  pointsPerMetric?: number;
  services?: number;
  seed?: number;
  startNs?: bigint;
}

const BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

export function generateMetrics(opts: MetricWorkloadOptions = {}): MetricsData {
  const {
    metricsPerService = 12,
    pointsPerMetric = 8,
    services = 4,
    seed = 11,
    startNs = 1_750_000_000_000_000_000n,
  } = opts;
  const rng = new Rng(seed);
  const now = startNs + 60_000n * MS;
  const pointAttributes = (p: number): Attributes =>
    attrs([
      ['http.request.method', METHODS[p % METHODS.length]!],
      ['http.route', ROUTES[p % ROUTES.length]!],
      ['http.response.status_code', p % 5 === 0 ? 500n : 200n],
    ]);
  const numberPoint = (p: number, value: number | bigint): NumberDataPoint => ({
    attributes: pointAttributes(p),
    startTimeUnixNano: startNs,
    timeUnixNano: now,
    flags: 0,
    value,
    exemplars: [],
  });
  const histogramPoint = (p: number): HistogramDataPoint => {
    const bucketCounts = [...BOUNDS, Infinity].map(() => BigInt(rng.int(500)));
    return {
      attributes: pointAttributes(p),
      startTimeUnixNano: startNs,
      timeUnixNano: now,
      flags: 0,
      count: bucketCounts.reduce((a, b) => a + b, 0n),
      sum: rng.next() * 1e6,
      bucketCounts,
      explicitBounds: BOUNDS,
      exemplars: [],
      min: rng.next() * 2,
      max: 5000 + rng.next() * 5000,
    };
  };
  /** A third each of gauges (memory), monotonic sums (request counts) and histograms (durations). */
  const metric = (m: number): Metric => {
    const points = Array.from({ length: pointsPerMetric }, (_, p) => p);
    const base = { description: '', metadata: attrs([]) };
    if (m % 3 === 0) {
      const data: MetricData = {
        type: 'gauge',
        points: points.map((p) => numberPoint(p, BigInt(50_000_000 + rng.int(10_000_000)))),
      };
      return { ...base, name: `process.memory.usage.${m}`, unit: 'By', data };
    }
    if (m % 3 === 1) {
      const data: MetricData = {
        type: 'sum',
        aggregationTemporality: 2,
        isMonotonic: true,
        points: points.map((p) => numberPoint(p, BigInt(rng.int(100000)))),
      };
      return { ...base, name: `http.server.request.count.${m}`, unit: '{request}', data };
    }
    const data: MetricData = {
      type: 'histogram',
      aggregationTemporality: 2,
      points: points.map(histogramPoint),
    };
    return { ...base, name: `http.server.request.duration.${m}`, unit: 'ms', data };
  };
  return {
    resourceMetrics: Array.from({ length: services }, (_, i) => ({
      resource: resourceFor(rng, SERVICES[i % SERVICES.length]!, i),
      scopeMetrics: [
        {
          scope: scope('@opentelemetry/sdk-metrics', '2.0.1'),
          metrics: Array.from({ length: metricsPerService }, (_, m) => metric(m)),
          schemaUrl: '',
        },
      ],
      schemaUrl: '',
    })),
  };
}

/** Spans in a TracesData (for per-span rates). */
export function countSpans(data: TracesData): number {
  let n = 0;
  for (const rs of data.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
