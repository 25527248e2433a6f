/**
 * A small known dependency graph for the topology specs, between the services red-seed.ts already has:
 *
 *   checkout ──http cart:8080──► cart ──postgresql orders (db)
 *            └─http catalog:8080─► catalog ──http images.cdn.example:443 (external)
 *
 * Figures come as client-call RED (`apo.red.client.duration`, what an agent sends) over the same minutes as
 * red-seed.ts, a day earlier too; structure comes from one stored trace (its resource carries the
 * `apo.red.computed` mark, so the server does not count its spans again), and the topology job's windows of
 * that trace are computed right away through `topology.recompute` instead of after the job's grace period.
 */

interface SeededEdge {
  caller: string;
  callType: 'http' | 'db';
  peer: string;
  system: string;
  dbNamespace?: string;
  /** Calls per seeded minute, errors among them, and the latency every call took. */
  now: { ok: number; errors: number; latencyMs: number };
  dayAgo: { ok: number; errors: number; latencyMs: number };
}

const SEEDED_EDGES: readonly SeededEdge[] = [
  {
    caller: 'checkout',
    callType: 'http',
    peer: 'cart:8080',
    system: 'http',
    now: { ok: 28, errors: 2, latencyMs: 20 },
    dayAgo: { ok: 30, errors: 0, latencyMs: 4 },
  },
  {
    caller: 'checkout',
    callType: 'http',
    peer: 'catalog:8080',
    system: 'http',
    now: { ok: 60, errors: 0, latencyMs: 8 },
    dayAgo: { ok: 60, errors: 0, latencyMs: 8 },
  },
  {
    caller: 'cart',
    callType: 'db',
    peer: 'pg:5432',
    system: 'postgresql',
    dbNamespace: 'orders',
    now: { ok: 120, errors: 0, latencyMs: 3 },
    dayAgo: { ok: 120, errors: 0, latencyMs: 3 },
  },
  {
    caller: 'catalog',
    callType: 'http',
    peer: 'images.cdn.example:443',
    system: 'http',
    now: { ok: 12, errors: 0, latencyMs: 90 },
    dayAgo: { ok: 12, errors: 0, latencyMs: 90 },
  },
];

/** The same minutes as red-seed.ts: 40 minutes ending 3 minutes before the seed. */
const SEED_END_OFFSET_MIN = 3;
export const TOPOLOGY_SEED_MINUTES = 40;
const DAY_MS = 86_400_000;
const BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

function bucketCounts(latencyMs: number, count: number): string[] {
  const index = BOUNDS_MS.findIndex((b) => latencyMs <= b);
  const counts = new Array<string>(BOUNDS_MS.length + 1).fill('0');
  counts[index === -1 ? BOUNDS_MS.length : index] = String(count);
  return counts;
}

function callPoint(e: SeededEdge, minuteMs: number, count: number, latencyMs: number, error: boolean) {
  return {
    attributes: [
      str('apo.span.kind', 'client'),
      { key: 'apo.error', value: { boolValue: error } },
      str('apo.call.type', e.callType),
      str('apo.call.peer', e.peer),
      str('apo.call.system', e.system),
      ...(e.dbNamespace === undefined ? [] : [str('apo.db.namespace', e.dbNamespace)]),
    ],
    startTimeUnixNano: ns(minuteMs),
    timeUnixNano: ns(minuteMs + 30_000),
    count: String(count),
    sum: (count * latencyMs) / 1000,
    bucketCounts: bucketCounts(latencyMs, count),
    explicitBounds: BOUNDS_MS.map((ms) => ms / 1000),
  };
}

function metricsBody(minutes: number[]) {
  const callers = [...new Set(SEEDED_EDGES.map((e) => e.caller))];
  return {
    resourceMetrics: callers.map((service) => ({
      resource: { attributes: [str('service.name', service), str('service.instance.id', `${service}-1`)] },
      scopeMetrics: [
        {
          scope: { name: 'apo.red', version: '1' },
          metrics: [
            {
              name: 'apo.red.client.duration',
              unit: 's',
              histogram: {
                aggregationTemporality: 1,
                dataPoints: SEEDED_EDGES.filter((e) => e.caller === service).flatMap((e) =>
                  minutes.flatMap((m) =>
                    (
                      [
                        [e.now, m],
                        [e.dayAgo, m - DAY_MS],
                      ] as const
                    ).flatMap(([f, at]) => [
                      callPoint(e, at, f.ok, f.latencyMs, false),
                      ...(f.errors > 0 ? [callPoint(e, at, f.errors, f.latencyMs, true)] : []),
                    ]),
                  ),
                ),
              },
            },
          ],
        },
      ],
    })),
  };
}

/** One trace through the whole graph, starting at `t`: each service's spans under its own resource. */
function tracesBody(t: number) {
  const trace = '5eed'.repeat(8);
  const span = (
    id: number,
    parent: number,
    kind: number,
    name: string,
    at: number,
    ms: number,
    attrs: object[],
  ) => ({
    traceId: trace,
    spanId: id.toString(16).padStart(16, '0'),
    parentSpanId: parent === 0 ? '' : parent.toString(16).padStart(16, '0'),
    name,
    kind,
    startTimeUnixNano: ns(at),
    endTimeUnixNano: ns(at + ms),
    attributes: attrs,
  });
  const http = (method: string, host: string, port: string) => [
    str('http.request.method', method),
    str('server.address', host),
    { key: 'server.port', value: { intValue: port } },
  ];
  const route = (method: string, r: string) => [str('http.request.method', method), str('http.route', r)];
  const spans: Record<string, object[]> = {
    checkout: [
      span(1, 0, 2, 'POST /api/checkout', t, 80, route('POST', '/api/checkout')),
      span(2, 1, 3, 'GET', t + 1, 30, http('GET', 'cart', '8080')),
      span(3, 1, 3, 'GET', t + 35, 20, http('GET', 'catalog', '8080')),
    ],
    cart: [
      span(4, 2, 2, 'GET /api/cart', t + 2, 25, route('GET', '/api/cart')),
      span(5, 4, 3, 'SELECT', t + 3, 5, [
        str('db.system.name', 'postgresql'),
        str('db.namespace', 'orders'),
        str('server.address', 'pg'),
        { key: 'server.port', value: { intValue: '5432' } },
        str('db.query.text', 'SELECT * FROM carts WHERE id = $1'),
      ]),
    ],
    catalog: [
      span(6, 3, 2, 'GET /api/products', t + 36, 15, route('GET', '/api/products')),
      span(7, 6, 3, 'GET', t + 37, 10, http('GET', 'images.cdn.example', '443')),
    ],
  };
  return {
    resourceSpans: Object.entries(spans).map(([service, list]) => ({
      resource: {
        attributes: [
          str('service.name', service),
          str('service.instance.id', `${service}-1`),
          { key: 'apo.red.computed', value: { boolValue: true } },
        ],
      },
      scopeSpans: [{ scope: { name: 'e2e-seed' }, spans: list }],
    })),
  };
}

async function post(url: string, body: unknown, what: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`seeding ${what} failed: HTTP ${res.status} ${await res.text()}`);
}

/** Sends the graph to a running server and computes the topology of its trace's minute. */
export async function seedTopology(serverUrl: string, nowMs = Date.now()): Promise<void> {
  const lastMinute = Math.floor(nowMs / 60_000) * 60_000 - SEED_END_OFFSET_MIN * 60_000;
  const minutes = Array.from({ length: TOPOLOGY_SEED_MINUTES }, (_, i) => lastMinute - i * 60_000);
  await post(`${serverUrl}/v1/metrics`, metricsBody(minutes), 'client-call RED');
  // The trace sits in the middle of a minute, so all its spans are in one window.
  const traceAt = lastMinute - 5 * 60_000 + 20_000;
  await post(`${serverUrl}/v1/traces`, tracesBody(traceAt), 'the topology trace');
  const window = lastMinute - 5 * 60_000;
  await post(
    `${serverUrl}/trpc/topology.recompute`,
    { json: { from: window, to: window + 60_000 } },
    'the topology window',
  );
}
