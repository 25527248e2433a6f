/**
 * A known dependency graph as generated traces, for the topology job's tests: every trace of a minute
 * goes through the RED aggregator (the 100 % rollups, as an agent computes them), and only a chosen few
 * are stored as spans — the caller's spans and the callee's in DIFFERENT inserts, as two agents' flushes
 * would store them.
 *
 *   gateway  GET /api/orders ──http orders:8080──► orders GET /orders ──sqlite shop.db
 *                            │                                       └─kafka order-events (producer)
 *                            └──http api.payments.example:443 (external, never answers with a span)
 *   billing  order-events (consumer) ◄── kafka order-events
 *   reports  (rollups only, no stored span) ──http legacy:9000
 */
import { SpanKind, StatusCode } from '@apo/shared/model';
import type { AnyValue, Attributes, ResourceSpans, Span, TracesData } from '@apo/shared/model';
import { createRedAggregator, redRollupRows } from '@apo/shared/red';
import type { RedRollupRows } from '@apo/shared/red';
import {
  appendRedClientRows,
  appendRedServerRows,
  appendSpanRows,
  RowBinaryWriter,
} from '../../src/storage/index.ts';
import type { Storage } from '../../src/storage/index.ts';

const MS = 1_000_000n;

function attrs(entries: Record<string, AnyValue>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

function span(
  traceNo: number,
  id: number,
  parent: number,
  kind: Span['kind'],
  name: string,
  startMs: number,
  durationMs: number,
  a: Record<string, AnyValue>,
): Span {
  return {
    traceId: hex(traceNo + 1, 32),
    spanId: hex(traceNo * 16 + id, 16),
    traceState: '',
    parentSpanId: parent === 0 ? '' : hex(traceNo * 16 + parent, 16),
    flags: 1,
    name,
    kind,
    startTimeUnixNano: BigInt(Math.round(startMs * 1000)) * 1000n,
    endTimeUnixNano: BigInt(Math.round((startMs + durationMs) * 1000)) * 1000n,
    attributes: attrs(a),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.Unset, message: '' },
  };
}

function resourceSpans(service: string, spans: Span[]): ResourceSpans {
  return {
    resource: {
      attributes: attrs({ 'service.name': service, 'service.instance.id': `${service}-1` }),
      droppedAttributesCount: 0,
    },
    schemaUrl: '',
    scopeSpans: [
      {
        scope: { name: 't', version: '', attributes: attrs({}), droppedAttributesCount: 0 },
        schemaUrl: '',
        spans,
      },
    ],
  };
}

/** One trace: the spans of each service, `startMs` its start. */
function trace(n: number, startMs: number): Record<string, Span[]> {
  const t = startMs;
  return {
    gateway: [
      span(n, 1, 0, SpanKind.Server, 'GET /api/orders', t, 40, {
        'http.request.method': 'GET',
        'http.route': '/api/orders',
      }),
      span(n, 2, 1, SpanKind.Client, 'GET', t + 1, 20, {
        'http.request.method': 'GET',
        'server.address': 'orders',
        'server.port': 8080n,
      }),
      span(n, 3, 1, SpanKind.Client, 'POST', t + 22, 15, {
        'http.request.method': 'POST',
        'url.full': `https://api.payments.example:443/v1/charges?id=${n}`,
      }),
    ],
    orders: [
      // Starts in the next millisecond, and for the traces at a minute's end in the next minute.
      span(n, 4, 2, SpanKind.Server, 'GET /orders', t + 2, 17, {
        'http.request.method': 'GET',
        'http.route': '/orders',
      }),
      span(n, 5, 4, SpanKind.Client, 'SELECT', t + 3, 4, {
        'db.system.name': 'sqlite',
        'db.namespace': 'shop.db',
        'db.query.text': 'SELECT * FROM orders WHERE id = ?',
      }),
      span(n, 6, 4, SpanKind.Producer, 'order-events publish', t + 8, 2, {
        'messaging.system': 'kafka',
        'messaging.destination.name': 'order-events',
        'messaging.operation.type': 'publish',
      }),
    ],
    billing: [
      span(n, 7, 6, SpanKind.Consumer, 'order-events process', t + 12, 5, {
        'messaging.system': 'kafka',
        'messaging.destination.name': 'order-events',
        'messaging.operation.type': 'process',
      }),
    ],
  };
}

export interface TopologyWorkload {
  /** Traces per minute (every one counted in the rollups). */
  traces: number;
  /** Which traces are stored as spans. */
  stored: (n: number) => boolean;
}

/** Stores the rollups of every trace of the minute and the spans of the stored ones; callers then callees. */
export async function storeTopologyMinute(
  storage: Storage,
  minuteMs: number,
  w: TopologyWorkload,
): Promise<void> {
  const aggregator = createRedAggregator({ startTimeUnixNano: BigInt(minuteMs) * MS });
  const stored: Record<string, Span[]> = { gateway: [], orders: [], billing: [] };
  for (let n = 0; n < w.traces; n++) {
    // Spread over the minute; the last traces' callee spans start in the next minute.
    const spans = trace(n, minuteMs + (n * 59_999) / w.traces);
    const data: TracesData = {
      resourceSpans: Object.entries(spans).map(([s, list]) => resourceSpans(s, list)),
    };
    aggregator.add(data.resourceSpans);
    if (w.stored(n)) for (const [s, list] of Object.entries(spans)) stored[s]!.push(...list);
  }
  // reports: calls counted by an agent, never sampled.
  const reports = Array.from({ length: 30 }, (_, i) =>
    span(100_000 + i, 1, 9, SpanKind.Client, 'GET', minuteMs + i * 1000, 3, {
      'http.request.method': 'GET',
      'server.address': 'legacy',
      'server.port': 9000n,
    }),
  );
  aggregator.add([resourceSpans('reports', reports)]);
  const metrics = aggregator.flush(BigInt(minuteMs + 60_000) * MS);
  if (metrics !== null) await insertRollups(storage, redRollupRows(metrics, 'c1'));
  // Two inserts, as two agents' batches: the parent spans and the child spans never share one.
  for (const services of [['gateway'], ['orders', 'billing']]) {
    const writer = new RowBinaryWriter();
    const rows = appendSpanRows(
      writer,
      { resourceSpans: services.map((s) => resourceSpans(s, stored[s]!)) },
      { cluster: 'c1', flushId: BigInt(minuteMs) },
    );
    if (rows > 0) await storage.insertRowBinary(storage.tables.spans, writer.bytes(), rows);
  }
}

async function insertRollups(storage: Storage, rollups: RedRollupRows): Promise<void> {
  const server = new RowBinaryWriter();
  const n = appendRedServerRows(server, rollups.server, 1n);
  if (n > 0) await storage.insertRowBinary(storage.tables.red_server_1m, server.bytes(), n);
  const client = new RowBinaryWriter();
  const m = appendRedClientRows(client, rollups.client, 1n);
  if (m > 0) await storage.insertRowBinary(storage.tables.red_client_1m, client.bytes(), m);
}
