import { describe, expect, it } from 'vitest';
import { AggregationTemporality, SpanKind, StatusCode } from '@apo/shared/model';
import { createRedAggregator, RED_COMPUTED_ATTRIBUTE, RED_SERVER_METRIC } from '@apo/shared/red';
import type { AnyValue, Attributes, MetricsData, ResourceSpans, Span } from '@apo/shared/model';
import { RedIngest } from './red-ingest.ts';

const MS = 1_000_000n;
const MINUTE_MS = 60_000;
/** Arrival time of every request in these tests: 12:30:30 on a day in 2025. */
const NOW_MS = 1_750_000_000_000 - (1_750_000_000_000 % MINUTE_MS) + 30_000;
const NOW_MINUTE_MS = NOW_MS - 30_000;
const ns = (ms: number) => BigInt(ms) * MS;

function attrs(entries: Record<string, AnyValue>): Attributes {
  return Object.assign(Object.create(null) as Attributes, entries);
}

let ids = 0;
/** A SERVER span of `GET /orders` ending at `endMs`, lasting `durationMs`. */
function serverSpan(endMs: number, durationMs: number, error = false): Span {
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
    status: { code: error ? StatusCode.Error : StatusCode.Unset, message: '' },
  };
}

function resource(service: string, spans: Span[], mark?: AnyValue): ResourceSpans {
  const a: Record<string, AnyValue> = { 'service.name': service, 'service.instance.id': `${service}-1` };
  if (mark !== undefined) a[RED_COMPUTED_ATTRIBUTE] = mark;
  return {
    resource: { attributes: attrs(a), droppedAttributesCount: 0 },
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

/** count / errors / duration sum per (service, minute) of the server rows. */
function totals(
  rows: { service: string; minuteMs: number; count: number; errorCount: number; durationSumMs: number }[],
) {
  const out: Record<string, { count: number; errors: number; sumMs: number }> = {};
  for (const r of rows) {
    const key = `${r.service}@${(r.minuteMs - NOW_MINUTE_MS) / MINUTE_MS}`;
    const t = (out[key] ??= { count: 0, errors: 0, sumMs: 0 });
    t.count += r.count;
    t.errors += r.errorCount;
    t.sumMs += r.durationSumMs;
  }
  return out;
}

/** What one request alone contributes: its spans added, then the flush's rows drained. */
function spanRows(red: RedIngest, resourceSpans: ResourceSpans[], cluster: string, nowMs: number) {
  red.addSpans(resourceSpans, cluster, nowMs);
  return red.drainSpans(nowMs);
}

describe('RED from spans that arrive without the agent’s mark', () => {
  it('counts each span once, in the minute it ended, with its duration and error flag', () => {
    const red = new RedIngest(40);
    const spans = [
      serverSpan(NOW_MS - 1000, 5),
      serverSpan(NOW_MS - 2000, 20, true),
      serverSpan(NOW_MS - 3000, 1),
    ];
    const rows = spanRows(red, [resource('shop', spans)], 'c1', NOW_MS);
    expect(rows.client).toEqual([]);
    expect(rows.skippedPoints).toBe(0);
    expect(rows.outOfRangeRows).toBe(0);
    expect(totals(rows.server)).toEqual({ 'shop@0': { count: 3, errors: 1, sumMs: 26 } });
    const ok = rows.server.find((r) => !r.error);
    expect(ok).toMatchObject({
      cluster: 'c1',
      service: 'shop',
      instance: 'shop-1',
      endpoint: 'GET /orders',
      kind: 'server',
      minuteMs: NOW_MINUTE_MS,
      count: 2,
      errorCount: 0,
      durationSumMs: 6,
    });
    // 1 ms → the ≤ 1 ms bucket (0), 5 ms → the ≤ 5 ms bucket (2).
    expect(ok?.bucketCounts).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('skips resources an agent has marked (boolean or string), and does no work when all are', () => {
    const red = new RedIngest(40);
    const request = [
      resource('agent-true', [serverSpan(NOW_MS - 1000, 5)], true),
      resource('agent-text', [serverSpan(NOW_MS - 1000, 5)], 'true'),
      resource('sdk', [serverSpan(NOW_MS - 1000, 5)]),
      resource('not-a-mark', [serverSpan(NOW_MS - 1000, 5)], false),
    ];
    expect(Object.keys(totals(spanRows(red, request, '', NOW_MS).server)).sort()).toEqual([
      'not-a-mark@0',
      'sdk@0',
    ]);
    const allMarked = spanRows(red, request.slice(0, 2), '', NOW_MS);
    expect(allMarked).toEqual({ server: [], client: [], skippedPoints: 0, outOfRangeRows: 0 });
  });

  it('splits a request whose spans ended in different minutes, across resources and scopes', () => {
    const red = new RedIngest(40);
    const request = [
      resource('a', [
        serverSpan(NOW_MS - 1000, 5),
        serverSpan(NOW_MS - 61_000, 7),
        serverSpan(NOW_MS - 62_000, 9, true),
      ]),
      resource('b', [serverSpan(NOW_MS - 125_000, 3), serverSpan(NOW_MS - 2000, 4)]),
    ];
    const rows = spanRows(red, request, '', NOW_MS);
    expect(totals(rows.server)).toEqual({
      'a@0': { count: 1, errors: 0, sumMs: 5 },
      'a@-1': { count: 2, errors: 1, sumMs: 16 },
      'b@-2': { count: 1, errors: 0, sumMs: 3 },
      'b@0': { count: 1, errors: 0, sumMs: 4 },
    });
    // The request itself is left as it was (the split works on copies).
    expect(request.map((rs) => rs.scopeSpans[0]?.spans.length)).toEqual([3, 2]);
  });

  it('counts spans ending in the future, unset, or over an hour ago in the minute of arrival', () => {
    const red = new RedIngest(40);
    const future = serverSpan(NOW_MS + 3_600_000, 5);
    const unset = { ...serverSpan(NOW_MS, 5), endTimeUnixNano: 0n };
    const ancient = serverSpan(NOW_MS - 41 * 86_400_000, 5);
    const stale = serverSpan(NOW_MS - 3_700_000, 5);
    const late = serverSpan(NOW_MS - 50 * MINUTE_MS, 5);
    const rows = spanRows(red, [resource('skew', [future, unset, ancient, stale, late])], '', NOW_MS);
    expect(totals(rows.server)).toEqual({
      // The unset end also makes a zero duration (the aggregator's rule for a span that "ended" before it began).
      'skew@0': { count: 4, errors: 0, sumMs: 15 },
      'skew@-50': { count: 1, errors: 0, sumMs: 5 },
    });
    expect(rows.outOfRangeRows).toBe(0);
  });

  it('aggregates the requests of a flush together, per cluster, and starts afresh after a drain', () => {
    const red = new RedIngest(40);
    red.addSpans([resource('shop', [serverSpan(NOW_MS - 1000, 5)])], 'east', NOW_MS);
    red.addSpans([resource('shop', [serverSpan(NOW_MS - 2000, 7)])], 'east', NOW_MS);
    red.addSpans([resource('shop', [serverSpan(NOW_MS - 3000, 9)])], 'west', NOW_MS);
    const rows = red.drainSpans(NOW_MS);
    // One row per series, minute and cluster for the whole flush, not one per request.
    expect(rows.server.map((r) => [r.cluster, r.count, r.durationSumMs])).toEqual([
      ['east', 2, 12],
      ['west', 1, 9],
    ]);
    expect(red.drainSpans(NOW_MS)).toEqual({ server: [], client: [], skippedPoints: 0, outOfRangeRows: 0 });
    // The aggregators are reused for the next flush without anything of the previous one.
    const later = spanRows(red, [resource('second', [serverSpan(NOW_MS - 200_000, 5)])], 'east', NOW_MS);
    expect(totals(later.server)).toEqual({ 'second@-3': { count: 1, errors: 0, sumMs: 5 } });
  });
});

describe('RED from the metrics agents send', () => {
  function agentMetrics(endMs: number, spans: Span[]): MetricsData {
    const aggregator = createRedAggregator({ startTimeUnixNano: ns(endMs - 10_000) });
    aggregator.add([resource('agent-svc', spans)]);
    const data = aggregator.flush(ns(endMs));
    if (data === null) throw new Error('no metrics');
    return data;
  }

  it('turns RED points into rows and leaves other metrics alone', () => {
    const red = new RedIngest(40);
    const data = agentMetrics(NOW_MS - 20_000, [
      serverSpan(NOW_MS - 25_000, 30),
      serverSpan(NOW_MS - 25_000, 10),
    ]);
    const rows = red.fromMetrics(data, 'east', NOW_MS);
    expect(totals(rows.server)).toEqual({ 'agent-svc@0': { count: 2, errors: 0, sumMs: 40 } });
    expect(rows.server[0]?.cluster).toBe('east');
    const other: MetricsData = {
      resourceMetrics: data.resourceMetrics.map((rm) => ({
        ...rm,
        scopeMetrics: rm.scopeMetrics.map((sm) => ({
          ...sm,
          metrics: sm.metrics.map((m) => ({ ...m, name: 'http.server.duration' })),
        })),
      })),
    };
    expect(red.fromMetrics(other, '', NOW_MS)).toEqual({
      server: [],
      client: [],
      skippedPoints: 0,
      outOfRangeRows: 0,
    });
  });

  it('counts malformed points and rows outside [now − retention, now + 1 day] instead of failing', () => {
    const red = new RedIngest(40);
    const good = agentMetrics(NOW_MS - 20_000, [serverSpan(NOW_MS - 25_000, 30)]);
    const cumulative = agentMetrics(NOW_MS - 20_000, [serverSpan(NOW_MS - 25_000, 30)]);
    for (const rm of cumulative.resourceMetrics)
      for (const sm of rm.scopeMetrics)
        for (const m of sm.metrics)
          if (m.data.type === 'histogram') m.data.aggregationTemporality = AggregationTemporality.Cumulative;
    const old = agentMetrics(NOW_MS - 45 * 86_400_000, [serverSpan(NOW_MS - 45 * 86_400_000 - 5000, 30)]);
    const ahead = agentMetrics(NOW_MS + 2 * 86_400_000, [serverSpan(NOW_MS + 2 * 86_400_000 - 5000, 30)]);
    const data: MetricsData = {
      resourceMetrics: [good, cumulative, old, ahead].flatMap((d) => d.resourceMetrics),
    };
    const rows = red.fromMetrics(data, '', NOW_MS);
    expect(rows.skippedPoints).toBe(1);
    expect(rows.outOfRangeRows).toBe(2);
    expect(totals(rows.server)).toEqual({ 'agent-svc@0': { count: 1, errors: 0, sumMs: 30 } });
    expect(good.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.name).toBe(RED_SERVER_METRIC);
  });
});

describe('RedIngest.drainDue', () => {
  it('drains one due shard per call, and together the shards give what one full drain gives', () => {
    const services = Array.from({ length: 24 }, (_, i) => `svc-${i}`);
    const fill = (red: RedIngest) => {
      for (const service of services) {
        red.addSpans([resource(service, [serverSpan(NOW_MS - 1000, 20)])], 'c1', NOW_MS);
      }
    };
    const whole = new RedIngest(40, NOW_MS);
    fill(whole);
    const expected = whole
      .drainSpans(NOW_MS)
      .server.map((r) => r.service)
      .sort();
    expect(expected).toHaveLength(24);

    const sharded = new RedIngest(40, NOW_MS);
    fill(sharded);
    // Not due before the interval has passed.
    expect(sharded.drainDue(NOW_MS + 5_000, 10_000).server).toEqual([]);
    const seen: string[] = [];
    let calls = 0;
    while (sharded.hasPending) {
      const rows = sharded.drainDue(NOW_MS + 10_000, 10_000).server;
      expect(rows.length).toBeLessThan(24); // one shard, not everything at once
      seen.push(...rows.map((r) => r.service));
      calls++;
    }
    expect(calls).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(expected);
  });
});
