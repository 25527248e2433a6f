/**
 * RED end to end against a real server process: spans and RED metrics in over OTLP/HTTP, `services.red`,
 * `services.redEndpoints` and `services.list` out, and — with the server stopped — the stored rollups read
 * straight from its data directory.
 */
import { TRPCClientError } from '@trpc/client';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregationTemporality } from '@apo/shared/model';
import { encodeMetricsProto, encodeTracesProto } from '@apo/shared/otlp';
import { RED_CLIENT_METRIC, RED_SERVER_METRIC, summarizeRed } from '@apo/shared/red';
import type { MetricsData } from '@apo/shared/model';
import type { RedSummary } from '@apo/shared/red';
import { openStorage } from '../src/storage/index.ts';
import { selectRows } from '../src/storage/storage-test-support.ts';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { hex } from './support/fixtures.ts';
import { exportWith, sdkDbSpan, sdkServerSpans } from './support/otel-sdk.ts';
import { agentRedMetrics, expectedFigures, modelTraces, type KnownRequest } from './support/red-telemetry.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const MINUTE = 60_000;
/** Minute A of the SDK spans, five minutes ago; B is the minute after it. */
const A = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE;
const B = A + MINUTE;
/** The step tests' ten minutes, aligned to five, well before A. */
const S0 = Math.floor((A - 20 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE;

const ORDERS = { method: 'GET', route: '/orders/{id}' };
const CART = { method: 'POST', route: '/cart' };
/** Minute A: bucket edges (1, 10, 250 ms), the overflow bucket (61 s), two ERROR statuses and an HTTP 503. */
const requestsA: KnownRequest[] = [
  { durationMs: 1 },
  { durationMs: 3 },
  { durationMs: 5 },
  { durationMs: 10 },
  { durationMs: 11 },
  { durationMs: 48, httpStatus: 503 },
  { durationMs: 250, httpStatus: 200 },
  { durationMs: 700, error: true },
  { durationMs: 2600, error: true },
  { durationMs: 61_000 },
];
const requestsB: KnownRequest[] = [{ durationMs: 20 }, { durationMs: 30 }];

const EMPTY = { count: 0, errors: 0, avg: null, p50: null, p95: null, p99: null };
const point = (t: number, s: RedSummary) => ({ t, ...s });

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess({ env: { APO_RED_FLUSH_INTERVAL_MS: '0' } });
  api = apiClient(server.httpUrl);
});
afterAll(async () => {
  await server.dispose();
});

async function post(path: string, body: Uint8Array, batchId?: string): Promise<number> {
  const res = await fetch(`${server.httpUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      ...(batchId === undefined ? {} : { 'x-apo-batch-id': batchId }),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** The tRPC error code of a failed call. */
async function codeOf(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof TRPCClientError) {
      const data = (err as TRPCClientError<never>).data as { code?: string } | undefined;
      return { code: data?.code ?? 'unknown', message: err.message };
    }
    throw err;
  }
  throw new Error('the call succeeded');
}

const counts = (points: { count: number }[]) => points.map((p) => p.count);

describe('RED of spans sent straight from an OpenTelemetry SDK (no agent mark)', () => {
  it('services.red returns the exact count, errors, average and quantiles per minute', async () => {
    const spans = [
      ...sdkServerSpans('sdk-shop', ORDERS, requestsA, A + 20_000),
      ...sdkServerSpans('sdk-shop', CART, requestsB, B + 20_000),
      ...sdkDbSpan('sdk-shop', 4, A + 10_000),
    ];
    await exportWith(new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` }), spans);

    const expectedA = summarizeRed([expectedFigures(requestsA)]);
    const expectedB = summarizeRed([expectedFigures(requestsB)]);
    // Worked out by hand, so the expectation does not rest on summarizeRed alone: B is 20 ms (≤ 25 bucket)
    // and 30 ms (≤ 50 bucket); its median is the top of the first: 10 + 15 × 1/1 = 25 ms.
    expect(expectedB).toEqual({ count: 2, errors: 0, avg: 25, p50: 25, p95: 47.5, p99: 49.5 });
    expect(expectedA).toMatchObject({ count: 10, errors: 3, avg: 6462.8, p99: 60_000 });

    const range = { service: 'sdk-shop', from: A, to: A + 2 * MINUTE };
    expect(await api.services.red.query(range)).toEqual([point(A, expectedA), point(B, expectedB)]);
    expect(await api.services.red.query({ ...range, endpoint: 'POST /cart' })).toEqual([
      { t: A, ...EMPTY },
      point(B, expectedB),
    ]);
    // Two-minute steps are aligned to the epoch: the one holding A (which starts at A or a minute before).
    const twoMinutes = { ...range, to: A + MINUTE, endpoint: 'GET /orders/{id}', step: 120 };
    expect(await api.services.red.query(twoMinutes)).toEqual([
      point(Math.floor(A / (2 * MINUTE)) * 2 * MINUTE, expectedA),
    ]);
  });

  it('services.redEndpoints ranks the endpoints by requests', async () => {
    const endpoints = await api.services.redEndpoints.query({ service: 'sdk-shop', from: A, to: B + MINUTE });
    const a = summarizeRed([expectedFigures(requestsA)]);
    const b = summarizeRed([expectedFigures(requestsB)]);
    expect(endpoints).toEqual([
      { endpoint: 'GET /orders/{id}', count: 10, errors: 3, avg: a.avg, p95: a.p95 },
      { endpoint: 'POST /cart', count: 2, errors: 0, avg: b.avg, p95: b.p95 },
    ]);
    // Minutes are whole: a range ending inside minute A still holds all of A, and nothing of B.
    const firstMinute = await api.services.redEndpoints.query({
      service: 'sdk-shop',
      from: A + 1,
      to: A + 2,
    });
    expect(firstMinute.map((e) => e.endpoint)).toEqual(['GET /orders/{id}']);
  });

  it('services.list adds requests, failed requests and p95 from the rollups', async () => {
    // From two minutes before A: the 61 s span started in the minute before A.
    const services = await api.services.list.query({ from: A - 2 * MINUTE, to: B + MINUTE });
    const all = summarizeRed([expectedFigures([...requestsA, ...requestsB])]);
    expect(services.find((s) => s.name === 'sdk-shop')).toMatchObject({
      spanCount: 13,
      requestCount: 12,
      requestErrorCount: 3,
      p95: all.p95,
    });
  });

  it('a retried batch (same X-APO-Batch-Id) adds its requests once', async () => {
    const body = encodeTracesProto(modelTraces('retried', ORDERS, requestsB, A + 30_000));
    const batchId = `red-${hex(8)}`;
    expect(await post('/v1/traces', body, batchId)).toBe(200);
    expect(await post('/v1/traces', body, batchId)).toBe(200);
    const red = await api.services.red.query({ service: 'retried', from: A, to: A + MINUTE });
    expect(red).toEqual([point(A, summarizeRed([expectedFigures(requestsB)]))]);
  });
});

describe('spans an agent has already counted', () => {
  it('are stored but not aggregated again (mark as boolean or as the string "true")', async () => {
    const marked = sdkServerSpans('marked', ORDERS, requestsB, A + 20_000, { 'apo.red.computed': true });
    await exportWith(new OTLPTraceExporter({ url: `${server.httpUrl}/v1/traces` }), marked);
    const text = modelTraces('marked', CART, requestsB, A + 20_000, { 'apo.red.computed': 'true' });
    expect(await post('/v1/traces', encodeTracesProto(text))).toBe(200);
    const list = await api.services.list.query({ from: A, to: A + MINUTE });
    expect(list.find((s) => s.name === 'marked')).toMatchObject({ spanCount: 4, requestCount: 0, p95: null });
    expect(await api.services.red.query({ service: 'marked', from: A, to: A + MINUTE })).toEqual([
      { t: A, ...EMPTY },
    ]);
  });
});

describe('RED metrics sent by agents', () => {
  const series = [
    { service: 'agent-svc', instance: 'i-1', endpoint: ORDERS, requests: requestsA },
    { service: 'agent-svc', instance: 'i-2', endpoint: CART, requests: requestsB },
  ];

  it('land in the rollups and not in `metrics`; the rest of the request does; a retry is stored once', async () => {
    const data = agentRedMetrics(series, A + 30_000);
    // A gauge in the same request goes to `metrics` as always.
    data.resourceMetrics[0]!.scopeMetrics[0]!.metrics.push({
      name: 'queue_depth',
      description: '',
      unit: '',
      metadata: Object.create(null) as never,
      data: {
        type: 'gauge',
        points: [
          {
            attributes: Object.create(null) as never,
            startTimeUnixNano: 0n,
            timeUnixNano: BigInt(A + 30_000) * 1_000_000n,
            flags: 0,
            value: 3.5,
            exemplars: [],
          },
        ],
      },
    });
    const body = encodeMetricsProto(data);
    const batchId = `agent-${hex(8)}`;
    expect(await post('/v1/metrics', body, batchId)).toBe(200);
    expect(await post('/v1/metrics', body, batchId)).toBe(200);

    const range = { service: 'agent-svc', from: A, to: A + MINUTE };
    expect(await api.services.red.query(range)).toEqual([
      point(A, summarizeRed([expectedFigures([...requestsA, ...requestsB])])),
    ]);
    const window = { from: A - MINUTE, to: A + 2 * MINUTE, service: 'agent-svc' };
    expect(await api.metrics.points.query({ ...window, name: RED_SERVER_METRIC })).toEqual([]);
    expect(await api.metrics.points.query({ ...window, name: RED_CLIENT_METRIC })).toEqual([]);
    expect(await api.metrics.points.query({ ...window, name: 'queue_depth' })).toHaveLength(1);
  });

  it('skips malformed RED points, counts them, and stores the rest of the request', async () => {
    const cumulative: MetricsData = agentRedMetrics([{ ...series[0]!, service: 'malformed' }], A + 30_000);
    for (const rm of cumulative.resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          if (m.data.type === 'histogram') m.data.aggregationTemporality = AggregationTemporality.Cumulative;
    const good = agentRedMetrics([{ ...series[1]!, service: 'malformed' }], A + 30_000);
    const data = { resourceMetrics: [...cumulative.resourceMetrics, ...good.resourceMetrics] };
    expect(await post('/v1/metrics', encodeMetricsProto(data))).toBe(200);
    const red = await api.services.red.query({ service: 'malformed', from: A, to: A + MINUTE });
    expect(counts(red)).toEqual([requestsB.length]);
    const own = await (await fetch(`${server.httpUrl}/metrics`)).text();
    // Two series of the cumulative resource (errors and successes of one endpoint).
    expect(own).toMatch(/^apo_ingest_red_points_skipped_total 2$/m);
  });
});

describe('services.red steps and filters', () => {
  beforeAll(async () => {
    // Minute S0+2: 3 requests to GET /a on i-1; minute S0+7: 2 requests to GET /b on i-2.
    const first = agentRedMetrics(
      [
        {
          service: 'steps',
          instance: 'i-1',
          endpoint: { method: 'GET', route: '/a' },
          requests: requestsA.slice(0, 3),
        },
      ],
      S0 + 2 * MINUTE + 30_000,
    );
    const second = agentRedMetrics(
      [{ service: 'steps', instance: 'i-2', endpoint: { method: 'GET', route: '/b' }, requests: requestsB }],
      S0 + 7 * MINUTE + 30_000,
    );
    expect(await post('/v1/metrics', encodeMetricsProto(first))).toBe(200);
    expect(await post('/v1/metrics', encodeMetricsProto(second))).toBe(200);
  });
  const range = { service: 'steps', from: S0, to: S0 + 10 * MINUTE };

  it('returns every step of the range by default one minute apart, empty steps as zeros', async () => {
    const red = await api.services.red.query(range);
    expect(red.map((p) => p.t)).toEqual(Array.from({ length: 10 }, (_, i) => S0 + i * MINUTE));
    expect(counts(red)).toEqual([0, 0, 3, 0, 0, 0, 0, 2, 0, 0]);
    expect(red[0]).toEqual({ t: S0, ...EMPTY });
    expect(red[2]).toEqual(point(S0 + 2 * MINUTE, summarizeRed([expectedFigures(requestsA.slice(0, 3))])));
  });

  it('sums whole steps, rounding an explicit step up to whole minutes', async () => {
    expect(counts(await api.services.red.query({ ...range, step: 300 }))).toEqual([3, 2]);
    const rounded = await api.services.red.query({ ...range, step: 290 });
    expect(rounded.map((p) => p.t)).toEqual([S0, S0 + 5 * MINUTE]);
    // A range starting inside a step starts with that whole step.
    expect(counts(await api.services.red.query({ ...range, from: S0 + 4 * MINUTE, step: 300 }))).toEqual([
      3, 2,
    ]);
    // The default step for 24 h is 5 minutes: 288 points.
    const day = await api.services.red.query({ service: 'steps', from: S0, to: S0 + 24 * 60 * MINUTE });
    expect(day).toHaveLength(288);
    expect(day[1]!.t - day[0]!.t).toBe(5 * MINUTE);
    expect(counts(day).slice(0, 3)).toEqual([3, 2, 0]);
  });

  it('filters by endpoint, instance and cluster', async () => {
    const red = (filter: object) => api.services.red.query({ ...range, step: 300, ...filter }).then(counts);
    expect(await red({ endpoint: 'GET /a' })).toEqual([3, 0]);
    expect(await red({ instance: 'i-2' })).toEqual([0, 2]);
    expect(await red({ instance: 'i-2', endpoint: 'GET /a' })).toEqual([0, 0]);
    expect(await red({ cluster: 'default' })).toEqual([3, 2]);
    expect(await red({ cluster: 'elsewhere' })).toEqual([0, 0]);
    expect(await api.services.red.query({ ...range, service: 'nobody', step: 300 })).toEqual([
      { t: S0, ...EMPTY },
      { t: S0 + 5 * MINUTE, ...EMPTY },
    ]);
  });

  it('refuses bad input with BAD_REQUEST and a message', async () => {
    const bad = (input: object) => codeOf(api.services.red.query({ ...range, ...input }));
    expect(await bad({ from: S0, to: S0 - 1 })).toMatchObject({
      code: 'BAD_REQUEST',
      message: /empty time range/,
    });
    expect(await bad({ from: S0, to: S0 })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await bad({ from: 0, to: Date.now(), step: 60 })).toMatchObject({
      code: 'BAD_REQUEST',
      message: /at most 11000 are allowed/,
    });
    expect(await bad({ step: -60 })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await bad({ service: '' })).toMatchObject({ code: 'BAD_REQUEST' });
    expect(
      await codeOf(api.services.redEndpoints.query({ service: 'steps', from: S0, to: S0 - MINUTE })),
    ).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('the stored rollups (read directly after the server stopped)', () => {
  it('hold the expected bucket counts per minute, client calls, and no RED rows in `metrics`', async () => {
    await server.stop();
    const storage = await openStorage(
      { engine: 'embedded', dataDir: server.dataDir },
      {
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    );
    try {
      const minutes = await selectRows<{ minute_ms: string; n: string; buckets: string[] }>(
        storage,
        `SELECT toUnixTimestamp(minute) * 1000 AS minute_ms, sum(count) AS n, sumForEach(bucket_counts) AS buckets
         FROM apo.red_server_1m WHERE service = 'sdk-shop' GROUP BY minute ORDER BY minute`,
      );
      expect(minutes).toEqual([
        { minute_ms: String(A), n: '10', buckets: expectedFigures(requestsA).bucketCounts.map(String) },
        { minute_ms: String(B), n: '2', buckets: expectedFigures(requestsB).bucketCounts.map(String) },
      ]);
      const calls = await selectRows(
        storage,
        `SELECT cluster, call_type, peer, operation, target, sum(count) AS n, sumForEach(bucket_counts)[3] AS le5ms
         FROM apo.red_client_1m WHERE service = 'sdk-shop'
         GROUP BY cluster, call_type, peer, operation, target`,
      );
      expect(calls).toEqual([
        {
          cluster: 'default',
          call_type: 'db',
          peer: 'db:5432',
          operation: 'SELECT',
          target: 'orders',
          n: '1',
          le5ms: '1',
        },
      ]);
      const [red] = await selectRows<{ n: string }>(
        storage,
        "SELECT count() AS n FROM apo.metrics WHERE name LIKE 'apo.red.%'",
      );
      expect(red?.n).toBe('0');
      const [retried] = await selectRows<{ n: string }>(
        storage,
        "SELECT sum(count) AS n FROM apo.red_server_1m WHERE service IN ('retried', 'agent-svc')",
      );
      expect(retried?.n).toBe(String(requestsB.length + requestsA.length + requestsB.length));
    } finally {
      await storage.close();
    }
  });
});
