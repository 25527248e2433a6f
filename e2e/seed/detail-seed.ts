/**
 * The service detail page's seed, on top of red-seed.ts: for `checkout` (instance `checkout-1`) over the
 * last hour, as OTLP/JSON the way an agent sends it —
 * - stored traces: `POST /api/checkout` requests of 400 ms whose sqlite calls cover 300 ms (delay source
 *   "dependency", share 0.75), `GET /api/checkout/status` requests of 8 ms without calls ("self");
 *   marked `apo.red.computed` so the server does not count them into RED again (red-seed.ts has it);
 * - client-call RED (`apo.red.client.duration`): sqlite `SELECT orders` 100 a minute at 200 ms (40 ms a day
 *   earlier), sqlite `INSERT orders` 20 a minute at 10 ms, HTTP `POST` to `payments:8080` 60 a minute at 30 ms;
 * - process metrics of `checkout-1` on host `e2e-node` (0.2 cores, 5 ms/s run-queue wait, 15 ms event-loop
 *   p99, 256 MiB RSS, 64 fds) and that host's node_exporter metrics (25 % CPU, 3 % TCP retransmits);
 * - two error spans `PaymentDeclined: card declined`;
 * - the topology job's windows of those traces computed again (edges and the delay source's per-minute sums).
 * No logs and no events: the overview specs count those for checkout's health.
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
const MINUTE = 60_000;
const DAY = 86_400_000;
/** The client-call minutes: inside "last hour" like red-seed.ts's, and their day-earlier twins. */
export const DETAIL_CALL_MINUTES = 40;
const CALL_MINUTES = DETAIL_CALL_MINUTES;
const CALL_END_OFFSET_MIN = 3;

export const DETAIL_EXPECTED = {
  service: 'checkout',
  instance: 'checkout-1',
  host: 'e2e-node',
  pid: 1234,
  version: '1.4.0',
  dependencyShare: 0.75,
  cpuCores: 0.2,
  runQueueMsPerS: 5,
  eventLoopP99Ms: 15,
  rssBytes: 256 * 1024 * 1024,
  openFds: 64,
  statements: [
    { system: 'sqlite shop', statement: 'SELECT orders', avgMs: 200, beforeAvgMs: 40 },
    { system: 'sqlite shop', statement: 'INSERT orders', avgMs: 10, beforeAvgMs: 10 },
  ],
} as const;

const BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];
const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const bool = (key: string, value: boolean) => ({ key, value: { boolValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

const RESOURCE = [
  str('service.name', 'checkout'),
  str('service.instance.id', 'checkout-1'),
  str('service.version', '1.4.0'),
  str('host.name', 'e2e-node'),
  int('process.pid', 1234),
  str('process.creation.time', '2026-01-05T08:00:00.000Z'),
];

function bucketCounts(latencyMs: number, count: number): string[] {
  const index = BOUNDS_MS.findIndex((b) => latencyMs <= b);
  const counts = new Array<string>(BOUNDS_MS.length + 1).fill('0');
  counts[index === -1 ? BOUNDS_MS.length : index] = String(count);
  return counts;
}

interface Call {
  type: string;
  system: string;
  db: string;
  operation: string;
  target: string;
  peer: string;
  perMinute: number;
  latencyMs: number;
  dayAgoLatencyMs: number;
}

const CALLS: Call[] = [
  {
    type: 'db',
    system: 'sqlite',
    db: 'shop',
    operation: 'SELECT',
    target: 'orders',
    peer: '',
    perMinute: 100,
    latencyMs: 200,
    dayAgoLatencyMs: 40,
  },
  {
    type: 'db',
    system: 'sqlite',
    db: 'shop',
    operation: 'INSERT',
    target: 'orders',
    peer: '',
    perMinute: 20,
    latencyMs: 10,
    dayAgoLatencyMs: 10,
  },
  {
    type: 'http',
    system: 'http',
    db: '',
    operation: 'POST',
    target: '',
    peer: 'payments:8080',
    perMinute: 60,
    latencyMs: 30,
    dayAgoLatencyMs: 30,
  },
];

function callPoints(nowMs: number) {
  const last = Math.floor(nowMs / MINUTE) * MINUTE - CALL_END_OFFSET_MIN * MINUTE;
  return CALLS.flatMap((c) =>
    [0, DAY].flatMap((shift) =>
      Array.from({ length: CALL_MINUTES }, (_, i) => {
        const minute = last - i * MINUTE - shift;
        const latency = shift === 0 ? c.latencyMs : c.dayAgoLatencyMs;
        return {
          attributes: [
            str('apo.span.kind', 'client'),
            bool('apo.error', false),
            str('apo.call.type', c.type),
            str('apo.call.system', c.system),
            str('apo.db.namespace', c.db),
            str('apo.call.operation', c.operation),
            str('apo.call.target', c.target),
            str('apo.call.peer', c.peer),
          ],
          startTimeUnixNano: ns(minute),
          timeUnixNano: ns(minute + 30_000),
          count: String(c.perMinute),
          sum: (c.perMinute * latency) / 1000,
          bucketCounts: bucketCounts(latency, c.perMinute),
          explicitBounds: BOUNDS_MS.map((ms) => ms / 1000),
        };
      }),
    ),
  );
}

/** Counters from 0 to `to` over [a, b]; a level at both ends. */
const ramp = (a: number, b: number, to: number, attributes: object[] = []) => [
  { attributes, startTimeUnixNano: ns(a - 1000), timeUnixNano: ns(a), asDouble: 0 },
  { attributes, startTimeUnixNano: ns(a - 1000), timeUnixNano: ns(b), asDouble: to },
];
const level = (a: number, b: number, value: number, attributes: object[] = []) => [
  { attributes, startTimeUnixNano: ns(a - 1000), timeUnixNano: ns(a), asDouble: value },
  { attributes, startTimeUnixNano: ns(a - 1000), timeUnixNano: ns(b), asDouble: value },
];
const counter = (name: string, dataPoints: object[]) => ({
  name,
  sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints },
});
const gauge = (name: string, dataPoints: object[]) => ({ name, gauge: { dataPoints } });

function metricsBody(nowMs: number) {
  // 600 s between the first and last point, well inside the last hour.
  const a = Math.floor(nowMs / 1000) * 1000 - 20 * MINUTE;
  const b = a + 600_000;
  const gib = 1024 ** 3;
  const process = [
    counter('process.cpu.time', [
      ...ramp(a, b, 100, [str('cpu.mode', 'user')]),
      ...ramp(a, b, 20, [str('cpu.mode', 'system')]),
    ]),
    counter('apo.process.runqueue.wait.time', ramp(a, b, 3)),
    {
      name: 'process.memory.usage',
      sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: level(a, b, 256 * 1024 * 1024) },
    },
    {
      name: 'process.unix.file_descriptor.count',
      sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: level(a, b, 64) },
    },
    gauge('nodejs.eventloop.delay.p99', level(a, b, 0.015)),
  ];
  const host = [
    counter(
      'node_cpu_seconds_total',
      ['0', '1'].flatMap((cpu) => [
        ...ramp(a, b, 450, [str('cpu', cpu), str('mode', 'idle')]),
        ...ramp(a, b, 150, [str('cpu', cpu), str('mode', 'user')]),
      ]),
    ),
    gauge('node_load1', level(a, b, 0.6)),
    gauge('node_memory_MemTotal_bytes', level(a, b, 16 * gib)),
    gauge('node_memory_MemAvailable_bytes', level(a, b, 10 * gib)),
    gauge(
      'node_filesystem_size_bytes',
      level(a, b, 200 * gib, [str('device', '/dev/vda1'), str('mountpoint', '/')]),
    ),
    gauge(
      'node_filesystem_avail_bytes',
      level(a, b, 120 * gib, [str('device', '/dev/vda1'), str('mountpoint', '/')]),
    ),
    counter('node_network_receive_bytes_total', ramp(a, b, 1_200_000_000, [str('device', 'eth0')])),
    counter('node_network_transmit_bytes_total', ramp(a, b, 600_000_000, [str('device', 'eth0')])),
    counter('node_netstat_Tcp_OutSegs', ramp(a, b, 200_000)),
    counter('node_netstat_Tcp_RetransSegs', ramp(a, b, 6_000)),
    counter('node_netstat_Tcp_OutRsts', ramp(a, b, 120)),
    gauge('node_netstat_Tcp_CurrEstab', level(a, b, 42)),
  ];
  const scopeMetrics = (metrics: object[]) => [{ scope: { name: 'e2e-detail-seed' }, metrics }];
  return {
    resourceMetrics: [
      {
        resource: { attributes: [str('service.name', 'checkout'), str('service.instance.id', 'checkout-1')] },
        scopeMetrics: [
          {
            scope: { name: 'apo.red', version: '1' },
            metrics: [
              {
                name: 'apo.red.client.duration',
                unit: 's',
                histogram: { aggregationTemporality: 1, dataPoints: callPoints(nowMs) },
              },
            ],
          },
        ],
      },
      { resource: { attributes: RESOURCE }, scopeMetrics: scopeMetrics(process) },
      { resource: { attributes: [str('host.name', 'e2e-node')] }, scopeMetrics: scopeMetrics(host) },
    ],
  };
}

let nextId = 1;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function span(traceId: string, startMs: number, durationMs: number, extra: object) {
  return {
    traceId,
    spanId: hex(nextId++, 16),
    startTimeUnixNano: ns(startMs),
    endTimeUnixNano: ns(startMs + durationMs),
    ...extra,
  };
}

function tracesBody(nowMs: number) {
  const spans: object[] = [];
  for (let i = 0; i < 12; i++) {
    const at = nowMs - 40 * MINUTE + i * 2 * MINUTE;
    const trace = hex(nextId++, 32);
    const entry = span(trace, at, 400, {
      name: 'POST /api/checkout',
      kind: 2,
      attributes: [str('http.route', '/api/checkout'), str('http.request.method', 'POST')],
    });
    // Two statements covering 50–250 ms and 200–350 ms: 300 ms of the 400 waited on the database.
    const db = (offset: number, length: number) =>
      span(trace, at + offset, length, {
        name: 'SELECT orders',
        kind: 3,
        parentSpanId: entry.spanId,
        // The database name too, as the agent's spans carry it: the topology job then finds the edge the
        // client-call rollups name (`sqlite shop`), not a second, nameless database.
        attributes: [str('db.system', 'sqlite'), str('db.namespace', 'shop')],
      });
    spans.push(entry, db(50, 200), db(200, 150));
    const status = hex(nextId++, 32);
    spans.push(
      span(status, at + 30_000, 8, {
        name: 'GET /api/checkout/status',
        kind: 2,
        attributes: [str('http.route', '/api/checkout/status'), str('http.request.method', 'GET')],
      }),
    );
  }
  for (const at of [nowMs - 30 * MINUTE, nowMs - 10 * MINUTE]) {
    spans.push(
      // 5 ms: a bucket without rollup requests, so they do not dilute the delay source.
      span(hex(nextId++, 32), at, 5, {
        name: 'POST /api/checkout',
        kind: 2,
        attributes: [str('http.route', '/api/checkout'), str('http.request.method', 'POST')],
        status: { code: 2, message: 'PaymentDeclined' },
        events: [
          {
            timeUnixNano: ns(at + 100),
            name: 'exception',
            attributes: [str('exception.type', 'PaymentDeclined'), str('exception.message', 'card declined')],
          },
        ],
      }),
    );
  }
  return {
    resourceSpans: [
      {
        resource: { attributes: [...RESOURCE, bool('apo.red.computed', true)] },
        scopeSpans: [{ scope: { name: 'e2e-detail-seed' }, spans }],
      },
    ],
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

/** Sends the detail seed to a running server; fails loudly with the server's answer. */
export async function seedDetail(serverUrl: string, nowMs = Date.now()): Promise<void> {
  await post(`${serverUrl}/v1/metrics`, metricsBody(nowMs), 'detail metrics');
  await post(`${serverUrl}/v1/traces`, tracesBody(nowMs), 'detail traces');
  // The traces carry past times: the server's topology job may have passed their minutes before they
  // arrived (it catches up from an hour back once started) and recorded them without these requests,
  // which `services.delaySource` then reads from its per-minute table. Compute those minutes again.
  const first = Math.floor(nowMs / MINUTE) * MINUTE - 41 * MINUTE;
  await post(
    `${serverUrl}/trpc/topology.recompute`,
    { json: { from: first, to: nowMs - 9 * MINUTE } },
    'the detail traces’ topology windows',
  );
}
