import { describe, expect, it } from 'vitest';
import { AggregationTemporality, SpanKind, StatusCode } from '@apo/shared/model';
import { createRedAggregator } from '@apo/shared/red';
import type { AnyValue, Attributes, MetricsData, ResourceSpans, Span } from '@apo/shared/model';
import { createServerMetrics } from '../telemetry/ingest-metrics.ts';
import { ServerRedStage } from './red-stage.ts';

const MS = 1_000_000n;
const MINUTE_MS = 60_000;
/** Arrival time of every request in these tests: 12:30:30 on a day in 2025. */
const NOW_MS = 1_750_000_000_000 - (1_750_000_000_000 % MINUTE_MS) + 30_000;
const ns = (ms: number) => BigInt(ms) * MS;
const NONE = { server: [], client: [], skippedPoints: 0, outOfRangeRows: 0 };

function attrs(entries: Record<string, AnyValue>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

let ids = 0;
function serverSpan(endMs: number, durationMs: number): Span {
  const id = (++ids).toString(16).padStart(16, '0');
  return {
    traceId: id.padStart(32, '0'),
    spanId: id,
    traceState: '',
    parentSpanId: '',
    flags: 1,
    name: 'GET /orders',
    kind: SpanKind.Server,
    startTimeUnixNano: ns(endMs) - ns(durationMs),
    endTimeUnixNano: ns(endMs),
    attributes: attrs({ 'http.request.method': 'GET', 'http.route': '/orders' }),
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.Unset, message: '' },
  };
}

function resource(service: string, spans: Span[]): ResourceSpans {
  return {
    resource: { attributes: attrs({ 'service.name': service }), droppedAttributesCount: 0 },
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

/** RED metrics as an agent sends them: one delta histogram point per series, ending at `endMs`. */
function agentMetrics(endMs: number, spans: Span[]): MetricsData {
  const aggregator = createRedAggregator({ startTimeUnixNano: ns(endMs - 10_000) });
  aggregator.add([resource('agent-svc', spans)]);
  const data = aggregator.flush(ns(endMs));
  if (data === null) throw new Error('no metrics');
  return data;
}

function stage(intervalMs: number) {
  const metrics = createServerMetrics().ingest;
  const red = new ServerRedStage(40, intervalMs, metrics, NOW_MS);
  const counter = async (name: 'redPointsSkipped' | 'redRowsOutOfRange') =>
    (await metrics[name].get()).values[0]?.value ?? 0;
  return { red, counter };
}

const spanCount = (rows: { server: { count: number }[] }) => rows.server.reduce((n, r) => n + r.count, 0);

describe('the server-side RED stage', () => {
  it('with an interval of 0, hands every span it was shown to the next flush, once', () => {
    const { red } = stage(0);
    expect(red.hasPending).toBe(false);
    red.addSpans(
      [resource('shop', [serverSpan(NOW_MS - 1000, 5), serverSpan(NOW_MS - 2000, 7)])],
      'c1',
      NOW_MS,
    );
    red.addSpans([resource('shop', [serverSpan(NOW_MS - 3000, 9)])], 'c1', NOW_MS);
    expect(red.hasPending).toBe(true);
    const rows = red.due(NOW_MS, false);
    expect(spanCount(rows)).toBe(3);
    expect(rows.server.every((r) => r.cluster === 'c1' && r.service === 'shop')).toBe(true);
    // What left with a flush is not handed over again.
    expect(red.hasPending).toBe(false);
    expect(red.due(NOW_MS + 1, false)).toEqual(NONE);
  });

  it('with an interval, keeps the aggregates until they are due, and hands all of them over when closing', () => {
    const services = Array.from({ length: 16 }, (_, i) => `svc-${i}`);
    const { red } = stage(10_000);
    for (const service of services)
      red.addSpans([resource(service, [serverSpan(NOW_MS - 1000, 20)])], '', NOW_MS);
    expect(red.due(NOW_MS + 5_000, false)).toEqual(NONE);
    expect(red.hasPending).toBe(true);
    // Once due, a flush takes one shard of them: part of the services, not all.
    const first = red.due(NOW_MS + 10_000, false);
    expect(spanCount(first)).toBeGreaterThan(0);
    expect(spanCount(first)).toBeLessThan(services.length);
    // Closing takes the rest, whether due or not.
    const rest = red.due(NOW_MS + 10_001, true);
    expect(spanCount(first) + spanCount(rest)).toBe(services.length);
    expect(red.hasPending).toBe(false);
  });

  it("turns a metrics request's RED points into rows without keeping anything, and counts what they left out only once they are in a flush", async () => {
    const { red, counter } = stage(0);
    const good = agentMetrics(NOW_MS - 20_000, [
      serverSpan(NOW_MS - 25_000, 30),
      serverSpan(NOW_MS - 25_000, 10),
    ]);
    const cumulative = agentMetrics(NOW_MS - 20_000, [serverSpan(NOW_MS - 25_000, 30)]);
    for (const rm of cumulative.resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          if (m.data.type === 'histogram') m.data.aggregationTemporality = AggregationTemporality.Cumulative;
    const old = agentMetrics(NOW_MS - 45 * 86_400_000, [serverSpan(NOW_MS - 45 * 86_400_000 - 5000, 30)]);
    const data: MetricsData = {
      resourceMetrics: [good, cumulative, old].flatMap((d) => d.resourceMetrics),
    };
    const rows = red.metricsRollups(data, 'east', NOW_MS);
    expect(spanCount(rows)).toBe(2);
    expect(rows.server[0]?.cluster).toBe('east');
    expect(rows.skippedPoints).toBe(1);
    expect(rows.outOfRangeRows).toBe(1);
    // Nothing kept for a later flush: the rows travel with the request.
    expect(red.hasPending).toBe(false);
    expect(red.due(NOW_MS, false)).toEqual(NONE);
    // Not counted yet: a request whose rows fail to encode is answered 400 and its points are not counted.
    expect(await counter('redPointsSkipped')).toBe(0);
    red.counted(rows);
    expect(await counter('redPointsSkipped')).toBe(1);
    expect(await counter('redRowsOutOfRange')).toBe(1);
  });
});
