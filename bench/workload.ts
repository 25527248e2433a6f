/**
 * The standard codec workload: deterministic (seeded) OTLP-shaped telemetry resembling what instrumented
 * web services send — HTTP server spans with HTTP client and database children, a few errors with
 * exception events, per-service resources — so codec figures are comparable across runs and machines.
 */
import type {
  Attributes, AnyValue, InstrumentationScope, LogRecord, LogsData, Metric, MetricsData, NumberDataPoint, Resource, Span, TracesData,
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

const SERVICES = ['checkout', 'cart', 'catalog', 'payments', 'accounts', 'shipping', 'search', 'recommendations'];
const ROUTES = ['/api/v1/users/{id}', '/api/v1/orders', '/api/v1/orders/{id}', '/api/v1/cart/items', '/api/v1/products/{sku}', '/health'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const TABLES = ['users', 'orders', 'order_items', 'products', 'inventory', 'sessions'];
const AGENTS = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36', 'okhttp/4.12.0', 'curl/8.7.1'];

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
  for (let i = entries.length; i < n; i++) entries.push([`app.attribute_${i}`, i % 3 === 0 ? BigInt(rng.int(1000)) : `value-${rng.int(100)}`]);
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

export function generateTraces(opts: TraceWorkloadOptions = {}): TracesData {
  const { spansPerRequest = 512, attributesPerSpan = 11, services = 4, seed = 42, startNs = 1_750_000_000_000_000_000n } = opts;
  const rng = new Rng(seed);
  const serviceNames = Array.from({ length: services }, (_, i) => SERVICES[i % SERVICES.length]! + (i >= SERVICES.length ? `-${i}` : ''));
  const byService = serviceNames.map(() => ({ http: [] as Span[], db: [] as Span[] }));
  let made = 0;
  let clock = startNs;
  while (made < spansPerRequest) {
    // One trace: a server span and 1-7 children (HTTP client and database calls), all from one service.
    const s = rng.int(services);
    const bucket = byService[s]!;
    const traceId = rng.hex(16);
    const rootId = rng.hex(8);
    const method = rng.pick(METHODS);
    const route = rng.pick(ROUTES);
    const userId = `u-${String(rng.int(100000)).padStart(6, '0')}`;
    const failed = rng.next() < 0.03;
    const status = failed ? 500n : rng.next() < 0.05 ? 404n : 200n;
    const start = clock;
    const duration = BigInt(2 + rng.int(400)) * MS;
    clock += BigInt(1 + rng.int(5)) * MS;
    const path = route.replace('{id}', String(rng.int(99999))).replace('{sku}', `SKU-${rng.int(9999)}`);
    bucket.http.push(
      span(traceId, rootId, '', `${method} ${route}`, 2, start, start + duration, spanAttributes(rng, [
        ['http.request.method', method],
        ['http.route', route],
        ['url.path', path],
        ['url.scheme', 'https'],
        ['http.response.status_code', status],
        ['server.address', `${serviceNames[s]!}.shop.internal`],
        ['server.port', 8443n],
        ['client.address', `10.0.${rng.int(255)}.${rng.int(255)}`],
        ['user_agent.original', rng.pick(AGENTS)],
        ['network.protocol.version', '1.1'],
        ['user.id', userId],
      ], attributesPerSpan), failed),
    );
    made++;
    const children = Math.min(1 + rng.int(7), spansPerRequest - made);
    for (let c = 0; c < children; c++) {
      const childStart = start + BigInt(c + 1) * MS / 2n;
      const childEnd = childStart + BigInt(1 + rng.int(50)) * MS;
      if (rng.next() < 0.6) {
        const table = rng.pick(TABLES);
        const op = rng.pick(['SELECT', 'SELECT', 'INSERT', 'UPDATE']);
        bucket.db.push(
          span(traceId, rng.hex(8), rootId, `${op} ${table}`, 3, childStart, childEnd, spanAttributes(rng, [
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
            ['user.id', userId],
          ], attributesPerSpan), false),
        );
      } else {
        const target = rng.pick(serviceNames);
        const clientMethod = rng.pick(METHODS);
        bucket.http.push(
          span(traceId, rng.hex(8), rootId, clientMethod, 3, childStart, childEnd, spanAttributes(rng, [
            ['http.request.method', clientMethod],
            ['url.full', `https://${target}.shop.internal:8443${rng.pick(ROUTES).replace('{id}', String(rng.int(999))).replace('{sku}', 'SKU-1')}`],
            ['server.address', `${target}.shop.internal`],
            ['server.port', 8443n],
            ['http.response.status_code', rng.next() < 0.05 ? 503n : 200n],
            ['network.peer.address', `10.0.${rng.int(255)}.${rng.int(255)}`],
            ['network.protocol.version', '1.1'],
            ['url.scheme', 'https'],
            ['peer.service', target],
            ['http.request.resend_count', 0n],
            ['user.id', userId],
          ], attributesPerSpan), false),
        );
      }
      made++;
    }
  }
  return {
    resourceSpans: serviceNames.map((service, i) => ({
      resource: resourceFor(rng, service, i),
      scopeSpans: [
        { scope: scope('@opentelemetry/instrumentation-http', '0.57.2'), spans: byService[i]!.http, schemaUrl: '' },
        { scope: scope('@opentelemetry/instrumentation-pg', '0.51.0'), spans: byService[i]!.db, schemaUrl: '' },
      ],
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    })),
  };
}

function span(
  traceId: string, spanId: string, parentSpanId: string, name: string, kind: 2 | 3, start: bigint, end: bigint, attributes: Attributes, failed: boolean,
): Span {
  const events = failed
    ? [{
        timeUnixNano: end - 1000n,
        name: 'exception',
        attributes: attrs([
          ['exception.type', 'TypeError'],
          ['exception.message', "Cannot read properties of undefined (reading 'id')"],
          ['exception.stacktrace', 'TypeError: Cannot read properties of undefined\n    at handler (/app/src/routes/orders.js:42:17)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'],
        ]),
        droppedAttributesCount: 0,
      }]
    : [];
  return {
    traceId, spanId, traceState: '', parentSpanId, flags: 0x101, name, kind, startTimeUnixNano: start, endTimeUnixNano: end, attributes,
    droppedAttributesCount: 0, events, droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: failed ? { code: 2, message: 'TypeError: Cannot read properties of undefined' } : { code: 0, message: '' },
  };
}

export interface LogWorkloadOptions {
  recordsPerRequest?: number;
  attributesPerRecord?: number;
  services?: number;
  seed?: number;
  startNs?: bigint;
}

const LEVELS = [['INFO', 9], ['INFO', 9], ['INFO', 9], ['DEBUG', 5], ['WARN', 13], ['ERROR', 17]] as const;

export function generateLogs(opts: LogWorkloadOptions = {}): LogsData {
  const { recordsPerRequest = 512, attributesPerRecord = 6, services = 4, seed = 7, startNs = 1_750_000_000_000_000_000n } = opts;
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
      attributes: spanAttributes(rng, [
        ['http.route', route],
        ['user.id', `u-${String(rng.int(100000)).padStart(6, '0')}`],
        ['code.function.name', rng.pick(['handleRequest', 'loadUser', 'placeOrder', 'reserveStock'])],
        ['code.file.path', '/app/src/routes/orders.js'],
        ['thread.id', BigInt(rng.int(16))],
        ['log.iostream', 'stdout'],
      ], attributesPerRecord),
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
  const { metricsPerService = 12, pointsPerMetric = 8, services = 4, seed = 11, startNs = 1_750_000_000_000_000_000n } = opts;
  const rng = new Rng(seed);
  const now = startNs + 60_000n * MS;
  const pointAttributes = (p: number): Attributes =>
    attrs([['http.request.method', METHODS[p % METHODS.length]!], ['http.route', ROUTES[p % ROUTES.length]!], ['http.response.status_code', p % 5 === 0 ? 500n : 200n]]);
  const numberPoint = (p: number, value: number | bigint): NumberDataPoint => ({
    attributes: pointAttributes(p), startTimeUnixNano: startNs, timeUnixNano: now, flags: 0, value, exemplars: [],
  });
  const metric = (m: number): Metric => {
    const points = Array.from({ length: pointsPerMetric }, (_, p) => p);
    switch (m % 3) {
      case 0:
        return {
          name: `process.memory.usage.${m}`, description: 'Process memory in use', unit: 'By', metadata: attrs([]),
          data: { type: 'gauge', points: points.map((p) => numberPoint(p, BigInt(50_000_000 + rng.int(10_000_000)))) },
        };
      case 1:
        return {
          name: `http.server.request.count.${m}`, description: 'Requests handled', unit: '{request}', metadata: attrs([]),
          data: { type: 'sum', aggregationTemporality: 2, isMonotonic: true, points: points.map((p) => numberPoint(p, BigInt(rng.int(100000)))) },
        };
      default:
        return {
          name: `http.server.request.duration.${m}`, description: 'Duration of HTTP server requests', unit: 'ms', metadata: attrs([]),
          data: {
            type: 'histogram',
            aggregationTemporality: 2,
            points: points.map((p) => {
              const bucketCounts = [...BOUNDS, Infinity].map(() => BigInt(rng.int(500)));
              return {
                attributes: pointAttributes(p), startTimeUnixNano: startNs, timeUnixNano: now, flags: 0,
                count: bucketCounts.reduce((a, b) => a + b, 0n), sum: rng.next() * 1e6, bucketCounts, explicitBounds: BOUNDS, exemplars: [],
                min: rng.next() * 2, max: 5000 + rng.next() * 5000,
              };
            }),
          },
        };
    }
  };
  return {
    resourceMetrics: Array.from({ length: services }, (_, i) => ({
      resource: resourceFor(rng, SERVICES[i % SERVICES.length]!, i),
      scopeMetrics: [{ scope: scope('@opentelemetry/sdk-metrics', '2.0.1'), metrics: Array.from({ length: metricsPerService }, (_, m) => metric(m)), schemaUrl: '' }],
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
