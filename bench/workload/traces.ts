/** Traces: HTTP server spans with HTTP client and database children, a few errors with exception events. */
import type { AnyValue, Span, TracesData } from '../../packages/shared/src/model/index.ts';
import {
  Rng,
  attrs,
  SERVICES,
  ROUTES,
  METHODS,
  TABLES,
  AGENTS,
  resourceFor,
  scope,
  spanAttributes,
  MS,
} from './common.ts';

export interface TraceWorkloadOptions {
  spansPerRequest?: number;
  attributesPerSpan?: number;
  services?: number;
  seed?: number;
  startNs?: bigint;
}

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

/** Spans in a TracesData (for per-span rates). */
export function countSpans(data: TracesData): number {
  let n = 0;
  for (const rs of data.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
