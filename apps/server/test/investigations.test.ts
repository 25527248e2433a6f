/**
 * investigations.run / trace / feedback against the real embedded engine and config store, on seeded rows:
 * cluster `fault` has a slow database in payments from minute 30 of 40 (gateway → orders → payments, so
 * the symptom at the entry is two hops from the cause); cluster `calm` has the same traffic without it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsData, Span } from '@apo/shared/model';
import {
  RED_BUCKET_BOUNDS_MS,
  RED_BUCKET_COUNT,
  type RedClientRollupRow,
  type RedServerRollupRow,
} from '@apo/shared/red';
import { serverConfigSchema } from '../src/config/server-config.ts';
import { openConfigStore, type ConfigStore } from '../src/config-store/config-store.ts';
import { investigateTrace, runInvestigation } from '../src/features/investigations/investigation-engine.ts';
import { InvestigationStore } from '../src/features/investigations/investigation-store.ts';
import { openStorage, type Storage } from '../src/storage/open-storage.ts';
import { RowBinaryWriter } from '../src/storage/row-binary-writer.ts';
import { appendRedClientRows, appendRedServerRows } from '../src/storage/rows/red.ts';
import { appendMetricRows } from '../src/storage/rows/metrics.ts';
import { appendSpanRows } from '../src/storage/rows/spans.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { attrs, spanIdOf, traceIdOf } from '../src/storage/telemetry-fixtures.ts';

const MINUTE = 60_000;
const START = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const MINUTES = 40;
type Fault = 'db' | 'cpu' | null;
const ONSET = 30;
const CHAIN = ['gateway', 'orders', 'payments'] as const;
const PORT: Record<string, number> = { orders: 18082, payments: 18083 };
const SELF_MS: Record<string, number> = { gateway: 3, orders: 5, payments: 4 };

let dataDir: string;
let storage: Storage;
let config: ConfigStore;

function buckets(latencyMs: number, count: number): number[] {
  const b = Array.from({ length: RED_BUCKET_COUNT }, () => 0);
  const i = RED_BUCKET_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  b[i === -1 ? RED_BUCKET_COUNT - 1 : i] = count;
  return b;
}

/** RED rollups of the chain: each service's latency = self + 2 DB calls + its callee's latency. */
function rollups(cluster: string, fault: Fault) {
  const server: RedServerRollupRow[] = [];
  const client: RedClientRollupRow[] = [];
  for (let m = 0; m < MINUTES; m++) {
    const minuteMs = START + m * MINUTE;
    const n = 100 + ((m * 37) % 21);
    let below = 0;
    for (const service of [...CHAIN].reverse()) {
      const jitter = 1 + 0.05 * Math.sin(m * 1.3 + service.length);
      const hit = service === 'payments' && m >= ONSET;
      const db = (fault === 'db' && hit ? 200 : 1) * jitter;
      const self = (SELF_MS[service] ?? 4) * jitter + (fault === 'cpu' && hit ? 120 : 0);
      const latency = self + 2 * db + below;
      const key = { cluster, minuteMs, service, instance: `${service}-1`, error: false };
      server.push({
        ...key,
        kind: 'server',
        endpoint: 'POST /x',
        count: n,
        errorCount: 0,
        durationSumMs: n * latency,
        bucketCounts: buckets(latency, n),
      });
      const call = {
        ...key,
        kind: 'client',
        system: '',
        dbNamespace: '',
        operation: '',
        target: '',
        role: '',
      };
      client.push({
        ...call,
        callType: 'db',
        peer: '',
        system: 'sqlite',
        dbNamespace: service,
        operation: 'SELECT',
        count: 2 * n,
        errorCount: 0,
        durationSumMs: 2 * n * db,
        bucketCounts: buckets(db, 2 * n),
      });
      const callee = CHAIN[CHAIN.indexOf(service) + 1];
      if (callee !== undefined)
        client.push({
          ...call,
          callType: 'http',
          peer: `127.0.0.1:${PORT[callee]}`,
          system: 'http',
          count: n,
          errorCount: 0,
          durationSumMs: n * (below + 1),
          bucketCounts: buckets(below + 1, n),
        });
      below = latency;
    }
  }
  return { server, client };
}

function span(service: string, o: Partial<Span> & { spanId: string }): { service: string; span: Span } {
  const start = BigInt(START + 5 * MINUTE) * 1_000_000n;
  return {
    service,
    span: {
      traceId: traceIdOf(1),
      traceState: '',
      parentSpanId: '',
      flags: 1,
      name: 'op',
      kind: 2,
      startTimeUnixNano: start,
      endTimeUnixNano: start + 10_000_000n,
      attributes: attrs({}),
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 0, message: '' },
      ...o,
    },
  };
}

/** One failing trace through the chain: payments' server span fails with a TypeError, and it propagates. */
function chainTrace(cluster: string) {
  const at = (ms: number) => BigInt(START + 5 * MINUTE + ms) * 1_000_000n;
  const spans = [
    span('gateway', {
      spanId: spanIdOf(1),
      startTimeUnixNano: at(0),
      endTimeUnixNano: at(30),
      status: { code: 2, message: 'HTTP 502' },
    }),
    span('gateway', {
      spanId: spanIdOf(2),
      parentSpanId: spanIdOf(1),
      kind: 3,
      startTimeUnixNano: at(1),
      endTimeUnixNano: at(29),
      attributes: attrs({ 'server.address': '127.0.0.1', 'server.port': 18082n }),
      status: { code: 2, message: '' },
    }),
    span('orders', {
      spanId: spanIdOf(3),
      parentSpanId: spanIdOf(2),
      startTimeUnixNano: at(2),
      endTimeUnixNano: at(28),
      status: { code: 2, message: 'HTTP 500' },
    }),
    span('orders', {
      spanId: spanIdOf(4),
      parentSpanId: spanIdOf(3),
      kind: 3,
      startTimeUnixNano: at(3),
      endTimeUnixNano: at(27),
      attributes: attrs({ 'server.address': '127.0.0.1', 'server.port': 18083n }),
      status: { code: 2, message: '' },
    }),
    span('payments', {
      spanId: spanIdOf(5),
      parentSpanId: spanIdOf(4),
      startTimeUnixNano: at(4),
      endTimeUnixNano: at(26),
      status: { code: 2, message: 'TypeError: amount is undefined' },
    }),
  ];
  return {
    resourceSpans: spans.map((s) => ({
      resource: {
        attributes: attrs({ 'service.name': s.service, 'service.instance.id': `${s.service}-1` }),
        droppedAttributesCount: 0,
      },
      schemaUrl: '',
      scopeSpans: [
        {
          scope: { name: 't', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
          schemaUrl: '',
          spans: [s.span],
        },
      ],
    })),
    cluster,
  };
}

/** payments' CPU seconds (cumulative, user and system): 0.4 s a minute, 12 s more from the onset with `cpu`. */
function cpuMetrics(cluster: string, fault: Fault): MetricsData {
  let total = 100;
  const points = [];
  for (let m = 0; m < MINUTES; m++) {
    total += 0.4 + (fault === 'cpu' && m >= ONSET ? 12 : 0);
    const timeUnixNano = BigInt(START + m * MINUTE + 30_000) * 1_000_000n;
    for (const [mode, share] of [
      ['user', 0.7],
      ['system', 0.3],
    ] as const)
      points.push({
        attributes: attrs({ 'cpu.mode': mode }),
        startTimeUnixNano: BigInt(START - MINUTE) * 1_000_000n,
        timeUnixNano,
        flags: 0,
        value: total * share,
        exemplars: [],
      });
  }
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: attrs({
            'service.name': 'payments',
            'service.instance.id': 'payments-1',
            'apo.cluster': cluster,
          }),
          droppedAttributesCount: 0,
        },
        schemaUrl: '',
        scopeMetrics: [
          {
            scope: {
              name: 'apo.agent.process',
              version: '',
              attributes: attrs({}),
              droppedAttributesCount: 0,
            },
            schemaUrl: '',
            metrics: [
              {
                name: 'process.cpu.time',
                description: '',
                unit: 's',
                metadata: attrs({}),
                data: { type: 'sum', aggregationTemporality: 2, isMonotonic: true, points },
              },
            ],
          },
        ],
      },
    ],
  };
}

async function seed(cluster: string, fault: Fault): Promise<void> {
  const { server, client } = rollups(cluster, fault);
  let w = new RowBinaryWriter(1 << 20);
  const serverRows = appendRedServerRows(w, server, 1n);
  await storage.insertRowBinary(storage.tables.red_server_1m, w.bytes(), serverRows);
  w = new RowBinaryWriter(1 << 20);
  const clientRows = appendRedClientRows(w, client, 1n);
  await storage.insertRowBinary(storage.tables.red_client_1m, w.bytes(), clientRows);
  w = new RowBinaryWriter(1 << 20);
  const trace = chainTrace(cluster);
  const spanRows = appendSpanRows(w, { resourceSpans: trace.resourceSpans }, { cluster, flushId: 1n });
  await storage.insertRowBinary(storage.tables.spans, w.bytes(), spanRows);
  w = new RowBinaryWriter(1 << 20);
  const metricRows = appendMetricRows(w, cpuMetrics(cluster, fault), { cluster, flushId: 1n });
  await storage.insertRowBinary(storage.tables.metrics, w.bytes(), metricRows);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-investigations-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  config = await openConfigStore({ dataDir }, pino({ level: 'silent' }));
  await seed('fault', 'db');
  await seed('calm', null);
  await seed('cpu', 'cpu');
});
afterAll(async () => {
  await config.close();
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const range = { from: START + 30 * MINUTE, to: START + MINUTES * MINUTE };

describe('investigations on the embedded engine', () => {
  it('asked about gateway, names the slow database of payments first (the symptom is not the cause)', async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'fault', service: 'gateway' });
    expect(result.onsetMs).toBe(START + ONSET * MINUTE);
    expect(result.hypotheses[0]).toMatchObject({
      rank: 1,
      kind: 'database-latency',
      service: 'payments',
      target: 'sqlite payments',
    });
    expect(result.hypotheses[0]?.confidence).toBeGreaterThan(0.8);
    expect(result.hypotheses.filter((h) => h.service === 'gateway')).toEqual([]);
    // Dependencies came from the spans (client span → server child): both of gateway's, recursively.
    expect(result.dependencies.map((d) => d.service).sort()).toEqual(['orders', 'payments']);
    const series = result.hypotheses[0]?.evidence.find((e) => e.type === 'series');
    expect(series).toMatchObject({
      query: { source: 'red_client', service: 'payments', target: 'sqlite payments' },
    });
    if (series?.type !== 'series') throw new Error('no series evidence');
    expect(series.baseline).toBeCloseTo(1, 1);
    expect(series.points).toHaveLength(40);
  });

  it("impact: the symptom's endpoint with latency before and since the onset, and its timeline", async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'fault', service: 'gateway' });
    const impact = result.impact;
    if (impact === null) throw new Error('no impact');
    expect([impact.service, impact.endpoint]).toEqual(['gateway', null]);
    const [endpoint] = impact.endpoints;
    expect(endpoint).toMatchObject({ endpoint: 'POST /x', degraded: true, onsetMs: START + ONSET * MINUTE });
    // gateway = its self time + 2 DB calls + orders (same) + payments (same): 18 ms, then 416 ms (±5 % jitter).
    expect(endpoint?.latencyBefore).toBeGreaterThan(17);
    expect(endpoint?.latencyBefore).toBeLessThan(19);
    expect(endpoint?.latencyAfter).toBeGreaterThan(395);
    expect(endpoint?.latencyAfter).toBeLessThan(437);
    expect(endpoint?.errorRateAfter).toBe(0);
    // One point per minute from the lookback's start; the p90 from the buckets: (10, 25] ms, then (250, 500].
    const p90 = impact.timeline.latencyP90Ms;
    expect(p90.map(([t]) => t)).toEqual(Array.from({ length: MINUTES }, (_, m) => START + m * MINUTE));
    expect(p90[ONSET - 1]?.[1]).toBeGreaterThan(10);
    expect(p90[ONSET - 1]?.[1]).toBeLessThanOrEqual(25);
    expect(p90[ONSET]?.[1]).toBeGreaterThan(250);
    expect(p90[ONSET]?.[1]).toBeLessThanOrEqual(500);
    expect(impact.timeline.errorRate[ONSET]?.[1]).toBe(0);
    // No error log was seeded: 0 in every minute with requests, nothing in the lookback before them.
    expect(impact.timeline.logErrors.map(([, v]) => v)).toEqual(Array.from({ length: MINUTES }, () => 0));
  });

  it('without a service, the same cause', async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'fault' });
    expect(result.hypotheses[0]).toMatchObject({ kind: 'database-latency', service: 'payments' });
  });

  it('CPU burnt in payments: cpu-saturation on its instance, with the CPU series (a cumulative counter as a rate)', async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'cpu', service: 'gateway' });
    expect(result.hypotheses[0]).toMatchObject({
      kind: 'cpu-saturation',
      service: 'payments',
      instance: 'payments-1',
    });
    const cpu = result.hypotheses[0]?.evidence.find(
      (e) => e.type === 'series' && e.query.source === 'metrics',
    );
    if (cpu?.type !== 'series') throw new Error('no CPU series');
    // The first minute has no previous value, so no rate; then 0.4 s a minute, 12.4 from the onset.
    expect(cpu.points[0]?.[1]).toBeNull();
    expect(cpu.points[1]?.[1]).toBeCloseTo(0.4, 6);
    expect(cpu.points[ONSET]?.[1]).toBeCloseTo(12.4, 6);
  });

  it('nothing abnormal: no onset and no hypothesis above 0.5', async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'calm', service: 'gateway' });
    expect(result.onsetMs).toBeNull();
    expect(result.hypotheses.filter((h) => h.confidence > 0.5)).toEqual([]);
    // The asked service is still described: its endpoint, not degraded.
    expect(result.impact?.endpoints.map((e) => [e.endpoint, e.degraded, e.onsetMs])).toEqual([
      ['POST /x', false, null],
    ]);
  });

  it('refuses a range over 24 h and an endpoint without its service', async () => {
    await expect(runInvestigation(storage, { from: 0, to: 25 * 3_600_000 })).rejects.toThrow(/at most 24 h/);
    await expect(runInvestigation(storage, { ...range, endpoint: 'GET /' })).rejects.toThrow(
      /endpoint needs its service/,
    );
  });

  it('trace: the deepest failing span is the root cause, with the chain up to the entry', async () => {
    const limits = serverConfigSchema.parse({}).api;
    const result = await investigateTrace(storage, traceIdOf(1), 'fault', limits);
    expect(result.rootCause).toMatchObject({ service: 'payments', reason: 'error', spanId: spanIdOf(5) });
    // Where the wizard investigates around: the trace's start and its entry service.
    expect([result.startMs, result.entryService]).toEqual([START + 5 * MINUTE, 'gateway']);
    expect(result.errorChain.map((c) => `${c.service} ${c.error}`)).toEqual([
      'payments TypeError: amount is undefined',
      'orders ',
      'orders HTTP 500',
      'gateway ',
      'gateway HTTP 502',
    ]);
  });

  it('feedback is stored in the config store and read back per investigation', async () => {
    const store = new InvestigationStore(config.db);
    await store.addFeedback(
      {
        investigationId: 'inv-1',
        kind: 'database-latency',
        service: 'payments',
        target: 'sqlite payments',
        confidence: 0.93,
        verdict: 'confirm',
      },
      'alice',
    );
    await store.addFeedback(
      {
        investigationId: 'inv-1',
        kind: 'self-latency',
        service: 'orders',
        confidence: 0.2,
        verdict: 'reject',
        note: 'it only waits',
      },
      'alice',
    );
    const got = await store.feedback('inv-1');
    expect(got.map((f) => [f.kind, f.service, f.target, f.verdict, f.note, f.createdBy])).toEqual([
      ['database-latency', 'payments', 'sqlite payments', 'confirm', '', 'alice'],
      ['self-latency', 'orders', undefined, 'reject', 'it only waits', 'alice'],
    ]);
    expect(await store.feedback('other')).toEqual([]);
  });
});
