/**
 * An incident for the investigation wizard's spec, with a known cause the engine must name:
 *
 *   storefront (GET /shop/order) ──http billing:8080──► billing (POST /charge) ──postgresql ledger (2 calls)
 *
 * Forty minutes of traffic ending two minutes before the seed; from minute 30 on, billing's ledger
 * statements take 150 ms instead of 2 ms, so billing's latency and, one hop up, storefront's rise —
 * storefront is the symptom, billing's database the cause (`database-latency`, target `postgresql ledger`).
 * Sent as an agent would: server and client-call RED (`apo.red.*.duration`), a few traces (marked
 * `apo.red.computed`, so they are not counted twice) from which the engine learns that billing answers
 * `billing:8080`, and error logs of storefront after the onset.
 *
 * Seeded into the wizard spec's own server (e2e/own-server.ts), not the shared one: the overview lists every
 * service seen in the last seven days, and the overview specs count the shared server's services.
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
const MINUTE_MS = 60_000;
const INCIDENT_MINUTES = 40;
const ONSET_MINUTE = 30;
const END_OFFSET_MS = 2 * MINUTE_MS;
const BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

/** The seeded window (minute starts, ms) for a seed sent at `nowMs`. */
function incidentWindow(nowMs: number): { startMs: number; onsetMs: number; endMs: number } {
  const endMs = Math.floor((nowMs - END_OFFSET_MS) / MINUTE_MS) * MINUTE_MS;
  const startMs = endMs - INCIDENT_MINUTES * MINUTE_MS;
  return { startMs, onsetMs: startMs + ONSET_MINUTE * MINUTE_MS, endMs };
}

export const INCIDENT = {
  symptom: 'storefront',
  symptomEndpoint: 'GET /shop/order',
  cause: 'billing',
  kind: 'database-latency',
  target: 'postgresql ledger',
  /** Ledger statement latency (ms) before and after the onset, before jitter (±5 %). */
  dbBeforeMs: 2,
  dbAfterMs: 150,
} as const;

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });
const ns = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

/** Per minute: requests, and each hop's latency (ms) with a little jitter so baselines have a spread. */
function minuteFigures(m: number) {
  const n = 100 + ((m * 37) % 21);
  const jitter = 1 + 0.05 * Math.sin(m * 1.3);
  const db = (m >= ONSET_MINUTE ? INCIDENT.dbAfterMs : INCIDENT.dbBeforeMs) * jitter;
  const billing = 4 * jitter + 2 * db;
  const call = billing + 1;
  const storefront = 5 * jitter + call;
  return { n, db, billing, call, storefront };
}

function histogram(minuteMs: number, count: number, latencyMs: number, attributes: object[]) {
  const index = BOUNDS_MS.findIndex((b) => latencyMs <= b);
  const bucketCounts = new Array<string>(BOUNDS_MS.length + 1).fill('0');
  bucketCounts[index === -1 ? BOUNDS_MS.length : index] = String(count);
  return {
    attributes: [...attributes, { key: 'apo.error', value: { boolValue: false } }],
    startTimeUnixNano: ns(minuteMs),
    timeUnixNano: ns(minuteMs + 30_000),
    count: String(count),
    sum: (count * latencyMs) / 1000,
    bucketCounts,
    explicitBounds: BOUNDS_MS.map((ms) => ms / 1000),
  };
}

const server = (endpoint: string) => [str('apo.endpoint', endpoint), str('apo.span.kind', 'server')];
const client = (type: string, peer: string, system: string, namespace?: string) => [
  str('apo.span.kind', 'client'),
  str('apo.call.type', type),
  str('apo.call.peer', peer),
  str('apo.call.system', system),
  ...(namespace === undefined ? [] : [str('apo.db.namespace', namespace)]),
];

function resource(service: string, extra: object[] = []) {
  return { attributes: [str('service.name', service), str('service.instance.id', `${service}-1`), ...extra] };
}

function metricsBody(startMs: number) {
  const points: Record<'storefront' | 'billing', { server: object[]; client: object[] }> = {
    storefront: { server: [], client: [] },
    billing: { server: [], client: [] },
  };
  for (let m = 0; m < INCIDENT_MINUTES; m++) {
    const at = startMs + m * MINUTE_MS;
    const f = minuteFigures(m);
    points.storefront.server.push(histogram(at, f.n, f.storefront, server(INCIDENT.symptomEndpoint)));
    points.storefront.server.push(histogram(at, 6, 1, server('GET /shop/health')));
    points.storefront.client.push(histogram(at, f.n, f.call, client('http', 'billing:8080', 'http')));
    points.billing.server.push(histogram(at, f.n, f.billing, server('POST /charge')));
    points.billing.client.push(
      histogram(at, 2 * f.n, f.db, client('db', 'ledger-db:5432', 'postgresql', 'ledger')),
    );
  }
  const metric = (name: string, dataPoints: object[]) => ({
    name,
    unit: 's',
    histogram: { aggregationTemporality: 1, dataPoints },
  });
  return {
    resourceMetrics: (['storefront', 'billing'] as const).map((service) => ({
      resource: resource(service),
      scopeMetrics: [
        {
          scope: { name: 'apo.red', version: '1' },
          metrics: [
            metric('apo.red.server.duration', points[service].server),
            metric('apo.red.client.duration', points[service].client),
          ],
        },
      ],
    })),
  };
}

/** A trace of one order at minute `m`: storefront → billing → two ledger statements. */
function traceSpans(m: number, startMs: number) {
  const f = minuteFigures(m);
  const t = startMs + m * MINUTE_MS + 20_000;
  const traceId = `1c1d${String(m).padStart(4, '0')}${'0'.repeat(24)}`;
  const id = (k: number) => `${String(m).padStart(4, '0')}${String(k).padStart(12, '0')}`;
  const span = (
    k: number,
    parent: number,
    kind: number,
    name: string,
    at: number,
    ms: number,
    attrs: object[],
  ) => ({
    traceId,
    spanId: id(k),
    parentSpanId: parent === 0 ? '' : id(parent),
    name,
    kind,
    startTimeUnixNano: ns(at),
    endTimeUnixNano: ns(at + ms),
    attributes: attrs,
  });
  const dbAttrs = [
    str('db.system.name', 'postgresql'),
    str('db.namespace', 'ledger'),
    str('server.address', 'ledger-db'),
    int('server.port', 5432),
    str('db.query.text', 'UPDATE accounts SET balance = balance - $1 WHERE id = $2'),
  ];
  return {
    storefront: [
      span(1, 0, 2, INCIDENT.symptomEndpoint, t, f.storefront, [
        str('http.request.method', 'GET'),
        str('http.route', '/shop/order'),
      ]),
      span(2, 1, 3, 'POST', t + 2, f.call, [
        str('http.request.method', 'POST'),
        str('server.address', 'billing'),
        int('server.port', 8080),
      ]),
    ],
    billing: [
      span(3, 2, 2, 'POST /charge', t + 2.5, f.billing, [
        str('http.request.method', 'POST'),
        str('http.route', '/charge'),
      ]),
      span(4, 3, 3, 'UPDATE ledger', t + 3, f.db, dbAttrs),
      span(5, 3, 3, 'UPDATE ledger', t + 3.5 + f.db, f.db, dbAttrs),
    ],
  };
}

function tracesBody(startMs: number) {
  // Three orders before the onset and three after: the engine reads caller → callee from them.
  const minutes = [10, 20, 28, 31, 34, 37];
  const traces = minutes.map((m) => traceSpans(m, startMs));
  return {
    resourceSpans: (['storefront', 'billing'] as const).map((service) => ({
      resource: resource(service, [{ key: 'apo.red.computed', value: { boolValue: true } }]),
      scopeSpans: [{ scope: { name: 'e2e-incident-seed' }, spans: traces.flatMap((t) => t[service]) }],
    })),
  };
}

/** Two error logs a minute from storefront after the onset: the timeline's log-error curve. */
function logsBody(startMs: number) {
  const records = [];
  for (let m = ONSET_MINUTE; m < INCIDENT_MINUTES; m++)
    for (const s of [5, 35])
      records.push({
        timeUnixNano: ns(startMs + m * MINUTE_MS + s * 1000),
        severityNumber: 17,
        severityText: 'ERROR',
        body: {
          stringValue: `order ${m}${s} slow: billing answered after ${Math.round(minuteFigures(m).call)} ms`,
        },
      });
  return {
    resourceLogs: [
      {
        resource: resource('storefront'),
        scopeLogs: [{ scope: { name: 'e2e-incident-seed' }, logRecords: records }],
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

/** Sends the incident to a running server; returns its window. */
export async function seedIncident(
  serverUrl: string,
  nowMs = Date.now(),
): Promise<{ startMs: number; onsetMs: number; endMs: number }> {
  const window = incidentWindow(nowMs);
  const { startMs } = window;
  await post(`${serverUrl}/v1/metrics`, metricsBody(startMs), 'the incident RED');
  await post(`${serverUrl}/v1/traces`, tracesBody(startMs), 'the incident traces');
  await post(`${serverUrl}/v1/logs`, logsBody(startMs), 'the incident logs');
  return window;
}
