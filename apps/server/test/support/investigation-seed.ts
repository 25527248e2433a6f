/**
 * The seeded rows of apps/server/test/investigations.test.ts: per cluster, gateway → orders → payments RED
 * rollups (server and client), one chain trace and process CPU over 40 minutes from an hour ago; with fault
 * `db` payments' database is slow from minute 30, with `cpu` payments burns CPU from then, with null nothing.
 */
import type { MetricsData, Span } from '@apo/shared/model';
import {
  RED_BUCKET_BOUNDS_MS,
  RED_BUCKET_COUNT,
  type RedClientRollupRow,
  type RedServerRollupRow,
} from '@apo/shared/red';
import type { Storage } from '../../src/storage/open-storage.ts';
import { RowBinaryWriter } from '../../src/storage/row-binary-writer.ts';
import { appendRedClientRows, appendRedServerRows } from '../../src/storage/rows/red.ts';
import { appendMetricRows } from '../../src/storage/rows/metrics.ts';
import { appendSpanRows } from '../../src/storage/rows/spans.ts';
import { attrs, spanIdOf, traceIdOf } from '../../src/storage/telemetry-fixtures.ts';

export const MINUTE = 60_000;
export const START = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
export const MINUTES = 40;
export type Fault = 'db' | 'cpu' | null;
export const ONSET = 30;
const CHAIN = ['gateway', 'orders', 'payments'] as const;
const PORT: Record<string, number> = { orders: 18082, payments: 18083 };
const SELF_MS: Record<string, number> = { gateway: 3, orders: 5, payments: 4 };

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

export async function seedInvestigation(storage: Storage, cluster: string, fault: Fault): Promise<void> {
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
