/**
 * A small deterministic data set for the console specs: RED rollups of three services over the last hour,
 * and the same hours one day and one week earlier, sent as OTLP/JSON `apo.red.server.duration` histograms
 * (what an agent sends). Spans could not do it: the server counts a span older than an hour in the minute
 * it arrives, so yesterday's baseline has to come as pre-aggregated RED, with its own timestamps.
 *
 * `checkout` is the degraded one: p95 ×10 and errors ×6 against both yesterday and last week.
 */

// Linted in typescript-eslint's default project (e2e/*.ts), which under TypeScript 6 loads no @types
interface MinuteFigures {
  ok: number;
  errors: number;
  /** Every request of the minute took this long (one histogram bucket). */
  latencyMs: number;
}

interface SeededEndpoint {
  service: string;
  endpoint: string;
  now: MinuteFigures;
  dayAgo: MinuteFigures;
  weekAgo: MinuteFigures;
}

const steady = (f: MinuteFigures) => ({ now: f, dayAgo: f, weekAgo: f });

const SEEDED_ENDPOINTS: readonly SeededEndpoint[] = [
  {
    service: 'checkout',
    endpoint: 'POST /api/checkout',
    now: { ok: 54, errors: 6, latencyMs: 400 },
    dayAgo: { ok: 59, errors: 1, latencyMs: 40 },
    weekAgo: { ok: 59, errors: 1, latencyMs: 40 },
  },
  {
    service: 'checkout',
    endpoint: 'GET /api/checkout/status',
    ...steady({ ok: 30, errors: 0, latencyMs: 8 }),
  },
  { service: 'cart', endpoint: 'GET /api/cart', ...steady({ ok: 120, errors: 0, latencyMs: 20 }) },
  { service: 'catalog', endpoint: 'GET /api/products', ...steady({ ok: 297, errors: 3, latencyMs: 8 }) },
];

const SEEDED_SERVICES = ['cart', 'catalog', 'checkout'] as const;

/** Seeded minutes end this long before the seed time and span SEED_MINUTES: inside "last hour" for a while. */
const SEED_END_OFFSET_MIN = 3;
const SEED_MINUTES = 40;

const DAY_MS = 86_400_000;
const BOUNDS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000];

function bucketCounts(latencyMs: number, count: number): string[] {
  const index = BOUNDS_MS.findIndex((b) => latencyMs <= b);
  const counts = new Array<string>(BOUNDS_MS.length + 1).fill('0');
  counts[index === -1 ? BOUNDS_MS.length : index] = String(count);
  return counts;
}

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function point(endpoint: string, minuteMs: number, count: number, latencyMs: number, error: boolean) {
  const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
  return {
    attributes: [
      str('apo.endpoint', endpoint),
      str('apo.span.kind', 'server'),
      { key: 'apo.error', value: { boolValue: error } },
    ],
    startTimeUnixNano: ns(minuteMs),
    timeUnixNano: ns(minuteMs + 30_000),
    count: String(count),
    sum: (count * latencyMs) / 1000,
    bucketCounts: bucketCounts(latencyMs, count),
    explicitBounds: BOUNDS_MS.map((ms) => ms / 1000),
  };
}

/** The OTLP/JSON body of the whole seed, relative to `nowMs`. */
function redSeedBody(nowMs: number) {
  const lastMinute = Math.floor(nowMs / 60_000) * 60_000 - SEED_END_OFFSET_MIN * 60_000;
  const minutes = Array.from({ length: SEED_MINUTES }, (_, i) => lastMinute - i * 60_000);
  const periods = [
    ['now', 0],
    ['dayAgo', DAY_MS],
    ['weekAgo', 7 * DAY_MS],
  ] as const;
  return {
    resourceMetrics: SEEDED_SERVICES.map((service) => ({
      resource: { attributes: [str('service.name', service), str('service.instance.id', `${service}-1`)] },
      scopeMetrics: [
        {
          scope: { name: 'apo.red', version: '1' },
          metrics: [
            {
              name: 'apo.red.server.duration',
              unit: 's',
              histogram: {
                aggregationTemporality: 1,
                dataPoints: SEEDED_ENDPOINTS.filter((e) => e.service === service).flatMap((e) =>
                  periods.flatMap(([period, shift]) =>
                    minutes.flatMap((m) => {
                      const f = e[period];
                      const points = [point(e.endpoint, m - shift, f.ok, f.latencyMs, false)];
                      if (f.errors > 0)
                        points.push(point(e.endpoint, m - shift, f.errors, f.latencyMs, true));
                      return points;
                    }),
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

/** Sends the seed to a running server; fails loudly with the server's answer. */
export async function seedRed(serverUrl: string, nowMs = Date.now()): Promise<void> {
  const res = await fetch(`${serverUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(redSeedBody(nowMs)),
  });
  if (!res.ok) throw new Error(`seeding RED failed: HTTP ${res.status} ${await res.text()}`);
}

/** The RED figures the server should report for a seeded service per minute, by the shared quantile rule. */
export async function expectedMinute(service: string, period: 'now' | 'dayAgo' | 'weekAgo') {
  // The same function the server summarizes rollups with: the expected p95 is not re-derived by hand.
  const { summarizeRed } = await import('../../packages/shared/src/red/red-quantiles.ts');
  const figures = SEEDED_ENDPOINTS.filter((e) => e.service === service).flatMap((e) => {
    const f = e[period];
    const bucket = (count: number) => bucketCounts(f.latencyMs, count).map(Number);
    return [
      { count: f.ok, errorCount: 0, durationSumMs: f.ok * f.latencyMs, bucketCounts: bucket(f.ok) },
      {
        count: f.errors,
        errorCount: f.errors,
        durationSumMs: f.errors * f.latencyMs,
        bucketCounts: bucket(f.errors),
      },
    ];
  });
  return summarizeRed(figures);
}

/** `svc-000` … : `count` services, one endpoint each, the last SEED_MINUTES minutes only (a long overview). */
export function manyServiceName(i: number): string {
  return `svc-${String(i).padStart(3, '0')}`;
}

/** Seeds `count` steady services (10 requests a minute; latency 5–60 ms by index) into a running server. */
export async function seedManyServices(serverUrl: string, count: number, nowMs = Date.now()): Promise<void> {
  const lastMinute = Math.floor(nowMs / 60_000) * 60_000 - SEED_END_OFFSET_MIN * 60_000;
  const minutes = Array.from({ length: SEED_MINUTES }, (_, i) => lastMinute - i * 60_000);
  const body = {
    resourceMetrics: Array.from({ length: count }, (_, i) => ({
      resource: {
        attributes: [str('service.name', manyServiceName(i)), str('service.instance.id', `i-${i}`)],
      },
      scopeMetrics: [
        {
          scope: { name: 'apo.red', version: '1' },
          metrics: [
            {
              name: 'apo.red.server.duration',
              unit: 's',
              histogram: {
                aggregationTemporality: 1,
                dataPoints: minutes.map((m) => point('GET /api/items', m, 10, 5 + (i % 12) * 5, false)),
              },
            },
          ],
        },
      ],
    })),
  };
  const res = await fetch(`${serverUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`seeding ${count} services failed: HTTP ${res.status} ${await res.text()}`);
}
