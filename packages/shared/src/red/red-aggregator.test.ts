import { describe, expect, it } from 'vitest';
import { SpanKind, StatusCode } from '../model/telemetry.ts';
import { createRedAggregator } from './red-aggregator.ts';
import { markRedComputed, spanNeedsRed } from './red-marker.ts';
import {
  RED_BUCKET_BOUNDS_SECONDS,
  RED_CLIENT_METRIC,
  RED_COMPUTED_ATTRIBUTE,
  RED_OTHER,
  RED_SERVER_METRIC,
} from './red-schema.ts';
import { buckets, flatPoints } from './testing/red-points.ts';
import type { FlatPoint } from './testing/red-points.ts';
import { MS, T0, attrs, resourceSpans, span } from './testing/red-spans.ts';

const MINUTE = 60_000n * MS;
const { Server, Client, Producer, Consumer, Internal } = SpanKind;

function only(points: FlatPoint[], labels: Record<string, unknown>): FlatPoint {
  const found = points.filter((p) => Object.entries(labels).every(([k, v]) => p.labels[k] === v));
  if (found.length !== 1) throw new Error(`${found.length} points match ${JSON.stringify(labels)}`);
  return found[0]!;
}

const http = (method: string, route: string, status: bigint) => ({
  'http.request.method': method,
  'http.route': route,
  'http.response.status_code': status,
});

describe('RED aggregator: a known span set gives exactly its figures', () => {
  const checkout = resourceSpans(
    { 'service.name': 'checkout', 'service.instance.id': 'i-1', 'host.name': 'h1' },
    [
      // GET /orders/{id}, successful: 0.5 ms, exactly 1 ms, 3 ms, 250 ms, 70 s.
      ...[500_000n, MS, 3n * MS, 250n * MS, 70_000n * MS].map((durationNs) =>
        span({ kind: Server, durationNs, attributes: http('GET', '/orders/{id}', 200n) }),
      ),
      // Same route, 500 with the status unset: failed (10 ms and 10 ms + 1 ns fall in adjacent buckets).
      span({ kind: Server, durationNs: 10n * MS, attributes: http('GET', '/orders/{id}', 500n) }),
      span({ kind: Server, durationNs: 10n * MS + 1n, attributes: http('GET', '/orders/{id}', 500n) }),
      // 404 is not a server error; an explicit OK wins over a 503.
      span({ kind: Server, durationNs: 2n * MS, attributes: http('GET', '/health', 404n) }),
      span({
        kind: Server,
        durationNs: 100n * MS,
        status: StatusCode.Ok,
        attributes: http('POST', '/pay', 503n),
      }),
      // No route: the span name is the endpoint; status ERROR fails it.
      span({ kind: Server, name: 'legacy-handler', durationNs: 5n * MS, status: StatusCode.Error }),
      // A consumer: entry under its destination, and a messaging call on the consuming side.
      span({
        kind: Consumer,
        name: 'orders process',
        durationNs: 40n * MS,
        attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' },
      }),
      // A root INTERNAL span is an entry (a job); an INTERNAL child is not.
      span({ kind: Internal, name: 'nightly-report', durationNs: 2000n * MS, root: true }),
      span({ kind: Internal, name: 'helper', durationNs: 1n * MS }),
      // Client calls.
      span({
        kind: Client,
        durationNs: 7n * MS,
        attributes: {
          'db.system.name': 'postgresql',
          'db.namespace': 'shop',
          'db.query.text': 'select * from "public"."users" where id = $1',
          'server.address': 'db',
          'server.port': 5432n,
        },
      }),
      span({
        kind: Client,
        durationNs: 60n * MS,
        attributes: {
          'http.request.method': 'GET',
          'url.full': 'https://user:secret@api.example.com:8443/v1/x?y=1',
          'http.response.status_code': 404n,
        },
      }),
      span({
        kind: Producer,
        durationNs: MS,
        attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': 'emails' },
      }),
      span({
        kind: Client,
        durationNs: 3n * MS,
        attributes: {
          'rpc.system': 'grpc',
          'rpc.service': 'pkg.Users',
          'rpc.method': 'Get',
          'server.address': 'users',
          'server.port': 50051n,
        },
      }),
      span({ kind: Client, durationNs: 3n * MS }),
    ],
  );
  const cart = resourceSpans({ 'service.name': 'cart', 'host.name': 'h2', 'process.pid': 42n }, [
    span({ kind: Server, durationNs: 30n * MS, attributes: http('GET', '/cart', 200n) }),
  ]);
  const anonymous = resourceSpans({}, [span({ kind: Server, name: 'x', durationNs: 60_000n * MS })]);

  const aggregator = createRedAggregator({ startTimeUnixNano: T0 });
  aggregator.add([checkout, cart, anonymous]);
  const stats = aggregator.stats;
  const data = aggregator.flush(T0 + MINUTE);
  const entry = flatPoints(data, RED_SERVER_METRIC);
  const calls = flatPoints(data, RED_CLIENT_METRIC);

  it('counts every span once and skips nothing', () => {
    expect(stats).toEqual({ spans: 20, foldedSpans: 0, skippedSpans: 0, series: 15 });
    expect(entry.reduce((n, p) => n + p.count, 0)).toBe(14);
    expect(calls.reduce((n, p) => n + p.count, 0)).toBe(6);
  });

  it('entry series: count, sum, min, max and buckets (value ≤ bound goes to that bucket)', () => {
    const ok = only(entry, { 'apo.endpoint': 'GET /orders/{id}', 'apo.error': false });
    expect(ok.labels).toEqual({
      'apo.endpoint': 'GET /orders/{id}',
      'apo.span.kind': 'server',
      'apo.error': false,
    });
    expect(ok.count).toBe(5);
    expect(ok.sum).toBe(70_254_500_000 / 1e9);
    expect(ok.min).toBe(0.0005);
    expect(ok.max).toBe(70);
    expect(ok.buckets).toEqual(buckets([0, 2], [2, 1], [7, 1], [15, 1]));
    expect(ok.point.explicitBounds).toEqual(RED_BUCKET_BOUNDS_SECONDS);
    expect(ok.point.startTimeUnixNano).toBe(T0);
    expect(ok.point.timeUnixNano).toBe(T0 + MINUTE);
    expect(ok.unit).toBe('s');

    const failed = only(entry, { 'apo.endpoint': 'GET /orders/{id}', 'apo.error': true });
    expect([failed.count, failed.buckets]).toEqual([2, buckets([3, 1], [4, 1])]);
    expect(failed.sum).toBe(20_000_001 / 1e9);
  });

  it('error rules: 404 and explicit OK are successes, status ERROR is a failure', () => {
    expect(only(entry, { 'apo.endpoint': 'GET /health' }).labels['apo.error']).toBe(false);
    expect(only(entry, { 'apo.endpoint': 'POST /pay' }).labels['apo.error']).toBe(false);
    const legacy = only(entry, { 'apo.endpoint': 'legacy-handler' });
    expect([legacy.labels['apo.error'], legacy.buckets]).toEqual([true, buckets([2, 1])]);
  });

  it('consumers by destination, root INTERNAL spans by name, INTERNAL children not at all', () => {
    expect(only(entry, { 'apo.endpoint': 'orders' }).labels['apo.span.kind']).toBe('consumer');
    const job = only(entry, { 'apo.endpoint': 'nightly-report' });
    expect([job.labels['apo.span.kind'], job.buckets]).toEqual(['internal', buckets([10, 1])]);
    expect(entry.filter((p) => p.labels['apo.endpoint'] === 'helper')).toEqual([]);
  });

  it('resources: service and instance (service.instance.id, else host:pid, else none)', () => {
    expect(only(entry, { 'apo.endpoint': 'GET /health' }).resource).toEqual({
      'service.name': 'checkout',
      'service.instance.id': 'i-1',
      'host.name': 'h1',
    });
    expect(only(entry, { 'apo.endpoint': 'GET /cart' }).resource).toEqual({
      'service.name': 'cart',
      'service.instance.id': 'h2:42',
      'host.name': 'h2',
    });
    const unknown = only(entry, { 'apo.endpoint': 'x' });
    expect([unknown.resource, unknown.buckets]).toEqual([
      { 'service.name': 'unknown_service' },
      buckets([14, 1]),
    ]);
  });

  it('client calls: database with operation and table parsed from the statement', () => {
    expect(only(calls, { 'apo.call.type': 'db' }).labels).toEqual({
      'apo.call.type': 'db',
      'apo.span.kind': 'client',
      'apo.call.peer': 'db:5432',
      'apo.call.system': 'postgresql',
      'apo.db.namespace': 'shop',
      'apo.call.operation': 'SELECT',
      'apo.call.target': 'public.users',
      'apo.messaging.role': '',
      'apo.error': false,
    });
  });

  it('client calls: HTTP peer from the URL without credentials, 4xx fails a client span', () => {
    const call = only(calls, { 'apo.call.type': 'http' });
    expect(call.labels).toMatchObject({
      'apo.call.peer': 'api.example.com:8443',
      'apo.call.system': 'http',
      'apo.call.operation': 'GET',
      'apo.error': true,
    });
    expect(call.buckets).toEqual(buckets([6, 1]));
  });

  it('client calls: RPC, messaging producer and consumer, and spans without conventions', () => {
    expect(only(calls, { 'apo.call.type': 'rpc' }).labels).toMatchObject({
      'apo.call.peer': 'users:50051',
      'apo.call.system': 'grpc',
      'apo.call.target': 'pkg.Users',
      'apo.call.operation': 'Get',
    });
    expect(only(calls, { 'apo.messaging.role': 'producer' }).labels).toMatchObject({
      'apo.call.type': 'messaging',
      'apo.span.kind': 'producer',
      'apo.call.system': 'rabbitmq',
      'apo.call.target': 'emails',
    });
    expect(only(calls, { 'apo.messaging.role': 'consumer' }).labels).toMatchObject({
      'apo.span.kind': 'consumer',
      'apo.call.system': 'kafka',
      'apo.call.target': 'orders',
    });
    expect(only(calls, { 'apo.call.type': 'other' }).labels).toMatchObject({ 'apo.call.peer': '' });
  });
});

describe('RED aggregator: rules on single spans', () => {
  const one = (s: ReturnType<typeof span>, resource: Record<string, unknown> = { 'service.name': 's' }) => {
    const aggregator = createRedAggregator({ startTimeUnixNano: T0 });
    aggregator.add([resourceSpans(resource as never, [s])]);
    return flatPoints(aggregator.flush(T0 + MINUTE));
  };

  it('bucket edges: 0, 1 ms, 1 ms + 1 ns, 60 s, 60 s + 1 ns; negative durations count as 0', () => {
    const cases: [bigint, number][] = [
      [0n, 0],
      [MS, 0],
      [MS + 1n, 1],
      [60_000n * MS, 14],
      [60_000n * MS + 1n, 15],
      [-5n * MS, 0],
    ];
    for (const [durationNs, bucket] of cases) {
      const [p] = one(span({ kind: Server, durationNs }));
      expect(p!.buckets, `${durationNs} ns`).toEqual(buckets([bucket, 1]));
    }
  });

  it('older semantic conventions: http.method, http.status_code, db.system, db.statement, net.peer.*', () => {
    const [server] = one(
      span({
        kind: Server,
        durationNs: MS,
        attributes: { 'http.method': 'PUT', 'http.route': '/a', 'http.status_code': 502 },
      }),
    );
    expect(server!.labels).toMatchObject({ 'apo.endpoint': 'PUT /a', 'apo.error': true });
    const [db] = one(
      span({
        kind: Client,
        durationNs: MS,
        attributes: {
          'db.system': 'mysql',
          'db.name': 'shop',
          'db.statement': 'UPDATE `orders` SET paid = 1 WHERE id = ?',
          'net.peer.name': 'mysql-1',
          'net.peer.port': 3306n,
        },
      }),
    );
    expect(db!.labels).toMatchObject({
      'apo.call.peer': 'mysql-1:3306',
      'apo.call.system': 'mysql',
      'apo.db.namespace': 'shop',
      'apo.call.operation': 'UPDATE',
      'apo.call.target': 'orders',
    });
  });

  it('db.operation.name / db.collection.name win over the statement; the statement fills what is missing', () => {
    const attributes = {
      'db.system.name': 'postgresql',
      'db.operation.name': 'select',
      'db.query.text': 'WITH x AS (SELECT 1) DELETE FROM audit',
    };
    const [p] = one(span({ kind: Client, durationNs: MS, attributes }));
    expect(p!.labels).toMatchObject({ 'apo.call.operation': 'SELECT', 'apo.call.target': 'audit' });
    const [q] = one(
      span({ kind: Client, durationNs: MS, attributes: { ...attributes, 'db.collection.name': 'events' } }),
    );
    expect(q!.labels).toMatchObject({ 'apo.call.operation': 'SELECT', 'apo.call.target': 'events' });
  });

  it('a consumer without messaging attributes is an entry only, under its span name', () => {
    const points = one(span({ kind: Consumer, name: 'poll', durationNs: MS }));
    expect(points.map((p) => [p.metric, p.labels['apo.endpoint']])).toEqual([[RED_SERVER_METRIC, 'poll']]);
  });

  it('endpoints and peers longer than 256 characters are cut', () => {
    const [p] = one(span({ kind: Server, name: 'n'.repeat(1000), durationNs: MS }));
    expect(p!.labels['apo.endpoint']).toBe('n'.repeat(256));
  });
});

describe('RED marker: computed exactly once', () => {
  it('spanNeedsRed / markRedComputed, boolean or string "true"', () => {
    const rs = resourceSpans({ 'service.name': 's' }, []);
    expect(spanNeedsRed(rs.resource)).toBe(true);
    markRedComputed(rs.resource);
    expect(rs.resource.attributes[RED_COMPUTED_ATTRIBUTE]).toBe(true);
    expect(spanNeedsRed(rs.resource)).toBe(false);
    expect(
      spanNeedsRed({ attributes: attrs({ 'apo.red.computed': 'true' }), droppedAttributesCount: 0 }),
    ).toBe(false);
    expect(
      spanNeedsRed({ attributes: attrs({ 'apo.red.computed': false }), droppedAttributesCount: 0 }),
    ).toBe(true);
  });

  it('the aggregator skips marked resources and counts what it skipped', () => {
    const marked = resourceSpans({ 'service.name': 'a', 'apo.red.computed': true }, [
      span({ kind: Server, durationNs: MS }),
      span({ kind: Server, durationNs: MS }),
    ]);
    const unmarked = resourceSpans({ 'service.name': 'b' }, [span({ kind: Server, durationNs: MS })]);
    const aggregator = createRedAggregator({ startTimeUnixNano: T0 });
    aggregator.add([marked, unmarked]);
    expect(aggregator.stats).toMatchObject({ spans: 1, skippedSpans: 2 });
    expect(flatPoints(aggregator.flush(T0 + MINUTE)).map((p) => p.resource['service.name'])).toEqual(['b']);
  });

  it('agent then server: spans aggregated and marked by the agent are not counted again', () => {
    const batch = [resourceSpans({ 'service.name': 'a' }, [span({ kind: Server, durationNs: MS })])];
    const agent = createRedAggregator({ startTimeUnixNano: T0 });
    agent.add(batch);
    for (const rs of batch) markRedComputed(rs.resource);
    const server = createRedAggregator({ startTimeUnixNano: T0 });
    server.add(batch);
    expect(flatPoints(agent.flush(T0 + MINUTE))).toHaveLength(1);
    expect(server.flush(T0 + MINUTE)).toBeNull();
  });
});

describe('RED aggregator: intervals and the series cap', () => {
  it('flush returns null when nothing came in, and each flush starts the next interval', () => {
    const aggregator = createRedAggregator({ startTimeUnixNano: T0 });
    expect(aggregator.flush(T0 + 10n * MS)).toBeNull();
    aggregator.add([resourceSpans({ 'service.name': 's' }, [span({ kind: Server, durationNs: MS })])]);
    const [p] = flatPoints(aggregator.flush(T0 + 20n * MS));
    expect([p!.point.startTimeUnixNano, p!.point.timeUnixNano]).toEqual([T0 + 10n * MS, T0 + 20n * MS]);
    expect(aggregator.flush(T0 + 30n * MS)).toBeNull();
    expect(aggregator.stats.series).toBe(0);
  });

  it('beyond maxSeries new endpoints and calls fold into __other__, nothing is lost, folds are counted', () => {
    const aggregator = createRedAggregator({ maxSeries: 3, startTimeUnixNano: T0 });
    const spans = [];
    for (let i = 0; i < 10; i++) {
      spans.push(span({ kind: Server, name: `route-${i}`, durationNs: BigInt(i + 1) * MS }));
      spans.push(span({ kind: Server, name: `route-${i}`, durationNs: MS, status: StatusCode.Error }));
      spans.push(
        span({
          kind: Client,
          durationNs: MS,
          attributes: { 'http.request.method': 'GET', 'server.address': `h${i}` },
        }),
      );
    }
    aggregator.add([resourceSpans({ 'service.name': 's' }, spans)]);
    // Series 1-3: route-0 (ok), route-0 (error), the call to h0; everything after that folds.
    expect(aggregator.stats).toMatchObject({ spans: 30, foldedSpans: 27 });
    const points = flatPoints(aggregator.flush(T0 + MINUTE));
    expect(points.reduce((n, p) => n + p.count, 0)).toBe(30);
    const foldedOk = only(points, { 'apo.endpoint': RED_OTHER, 'apo.error': false });
    expect([foldedOk.count, foldedOk.sum]).toEqual([9, 54_000_000 / 1e9]);
    expect(only(points, { 'apo.endpoint': RED_OTHER, 'apo.error': true }).count).toBe(9);
    expect(only(points, { 'apo.call.peer': RED_OTHER }).labels).toMatchObject({
      'apo.call.type': 'http',
      'apo.call.target': RED_OTHER,
    });
    expect(only(points, { 'apo.call.peer': RED_OTHER }).count).toBe(9);
    expect(only(points, { 'apo.call.peer': 'h0' }).count).toBe(1);
  });

  it('beyond maxSeries (service, instance) groups, new ones share one __other__ group', () => {
    const aggregator = createRedAggregator({ maxSeries: 2, startTimeUnixNano: T0 });
    aggregator.add(
      ['a', 'b', 'c', 'd'].map((service) =>
        resourceSpans({ 'service.name': service }, [span({ kind: Server, name: 'e', durationNs: MS })]),
      ),
    );
    expect(aggregator.stats).toMatchObject({ spans: 4, foldedSpans: 2 });
    const points = flatPoints(aggregator.flush(T0 + MINUTE));
    expect(
      points.map((p) => [p.resource['service.name'], p.resource['service.instance.id'], p.count]),
    ).toEqual([
      ['a', undefined, 1],
      ['b', undefined, 1],
      [RED_OTHER, RED_OTHER, 2],
    ]);
  });
});
