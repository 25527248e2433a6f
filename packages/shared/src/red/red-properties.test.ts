/**
 * Generated span sets (fast-check): RED figures match an independent reference computation, bucket counts
 * always add up, and splitting the same spans over many add() calls and flushes gives exactly what one
 * big flush gives — so whatever the agent samples afterwards, and however its batches and intervals fall,
 * RED is the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyValue, ResourceSpans, Span } from '../model/telemetry.ts';
import { SpanKind } from '../model/telemetry.ts';
import { createRedAggregator } from './red-aggregator.ts';
import { redRollupRows } from './red-rollup.ts';
import type { RedRollupRows } from './red-rollup.ts';
import { RED_BUCKET_BOUNDS_MS, RED_SERVER_METRIC } from './red-schema.ts';
import { flatPoints } from './testing/red-points.ts';
import { MS, T0, resourceSpans, span } from './testing/red-spans.ts';

const SECOND = 1000n * MS;
/** Scalar attribute values as text (the labels here are strings and booleans). */
const label = (v: AnyValue | undefined): string =>
  typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : '';
const BOUNDS_NS = RED_BUCKET_BOUNDS_MS.map((ms) => BigInt(ms) * MS);

/** Durations that sit on bucket edges half of the time. */
const duration = fc.oneof(
  fc.constantFrom(...BOUNDS_NS.flatMap((b) => [b - 1n, b, b + 1n]), 0n),
  fc.bigInt({ min: 0n, max: 90n * SECOND }),
);

const ROUTES = ['/a', '/b/{id}', '/c'];
const TABLES = ['users', 'orders'];

const spanArb: fc.Arbitrary<Span> = fc
  .record({
    kind: fc.constantFrom(
      SpanKind.Server,
      SpanKind.Client,
      SpanKind.Consumer,
      SpanKind.Internal,
      SpanKind.Producer,
    ),
    root: fc.boolean(),
    durationNs: duration,
    status: fc.constantFrom(0 as const, 1 as const, 2 as const),
    httpStatus: fc.constantFrom(200n, 404n, 500n),
    route: fc.constantFrom(...ROUTES),
    table: fc.constantFrom(...TABLES),
  })
  .map(({ kind, root, durationNs, status, httpStatus, route, table }) => {
    const attributes: Record<string, AnyValue> =
      kind === SpanKind.Client
        ? {
            'db.system.name': 'postgresql',
            'db.query.text': `SELECT * FROM ${table}`,
            'server.address': 'db',
          }
        : kind === SpanKind.Server
          ? { 'http.request.method': 'GET', 'http.route': route, 'http.response.status_code': httpStatus }
          : { 'messaging.system': 'kafka', 'messaging.destination.name': route };
    return span({ kind, root, durationNs, status, attributes, name: `job ${route}` });
  });

const RESOURCES: Record<string, AnyValue>[] = [
  { 'service.name': 'a', 'service.instance.id': 'a-1' },
  { 'service.name': 'a', 'service.instance.id': 'a-2' },
  { 'service.name': 'b', 'host.name': 'h', 'process.pid': 7n },
];
const batchArb = fc.array(fc.tuple(fc.nat(RESOURCES.length - 1), spanArb), { maxLength: 120 });

function toResourceSpans(batch: readonly (readonly [number, Span])[]): ResourceSpans[] {
  return batch.map(([r, s]) => resourceSpans(RESOURCES[r]!, [s]));
}

/** The documented rules, written out independently of the aggregator, for the entry series. */
function referenceEntries(
  batch: readonly (readonly [number, Span])[],
): Map<string, { count: number; sumNs: bigint; buckets: number[] }> {
  const out = new Map<string, { count: number; sumNs: bigint; buckets: number[] }>();
  for (const [r, s] of batch) {
    const kind =
      s.kind === SpanKind.Server
        ? 'server'
        : s.kind === SpanKind.Consumer
          ? 'consumer'
          : s.parentSpanId === '' && s.kind === SpanKind.Internal
            ? 'internal'
            : undefined;
    if (kind === undefined) continue;
    const a = s.attributes;
    const endpoint =
      kind === 'server'
        ? `GET ${label(a['http.route'])}`
        : kind === 'consumer'
          ? label(a['messaging.destination.name'])
          : s.name;
    const error =
      s.status.code === 2 ||
      (s.status.code === 0 && kind === 'server' && a['http.response.status_code'] === 500n);
    const instance = r === 2 ? 'h:7' : `a-${r + 1}`;
    const key = `${instance}|${endpoint}|${kind}|${error}`;
    const entry = out.get(key) ?? { count: 0, sumNs: 0n, buckets: new Array<number>(16).fill(0) };
    const d = s.endTimeUnixNano - s.startTimeUnixNano;
    const bucket = BOUNDS_NS.findIndex((b) => d <= b);
    entry.count++;
    entry.sumNs += d;
    entry.buckets[bucket < 0 ? 15 : bucket]!++;
    out.set(key, entry);
  }
  return out;
}

const sortRows = (rows: RedRollupRows) => ({
  server: [...rows.server].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
  client: [...rows.client].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
  skippedPoints: rows.skippedPoints,
});

describe('RED on generated span sets', () => {
  it('matches the reference computation; bucket counts add up to the count', () => {
    fc.assert(
      fc.property(batchArb, (batch) => {
        const aggregator = createRedAggregator({ startTimeUnixNano: T0 });
        aggregator.add(toResourceSpans(batch));
        const points = flatPoints(aggregator.flush(T0 + 60n * SECOND));
        for (const p of points) {
          expect(p.buckets.reduce((a, b) => a + b, 0)).toBe(p.count);
          expect(p.min!).toBeLessThanOrEqual(p.max!);
        }
        const actual = new Map(
          points
            .filter((p) => p.metric === RED_SERVER_METRIC)
            .map((p) => [
              `${label(p.resource['service.instance.id'])}|${label(p.labels['apo.endpoint'])}|${label(p.labels['apo.span.kind'])}|${label(p.labels['apo.error'])}`,
              { count: p.count, sum: p.sum, buckets: p.buckets },
            ]),
        );
        const expected = referenceEntries(batch);
        expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
        for (const [key, e] of expected) {
          expect(actual.get(key), key).toEqual({
            count: e.count,
            sum: Number(e.sumNs) / 1e9,
            buckets: e.buckets,
          });
        }
        const clientSpans = batch.filter(
          ([, s]) => s.kind !== SpanKind.Server && s.kind !== SpanKind.Internal,
        ).length;
        expect(points.filter((p) => p.metric !== RED_SERVER_METRIC).reduce((n, p) => n + p.count, 0)).toBe(
          clientSpans,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('splitting spans over many add() calls and flushes sums to exactly one big flush', () => {
    const splitArb = batchArb.chain((batch) =>
      fc.record({
        batch: fc.constant(batch),
        // Where a chunk ends, and whether a flush follows it.
        cuts: fc.uniqueArray(fc.nat(batch.length), { maxLength: 12 }),
        flushes: fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
      }),
    );
    fc.assert(
      fc.property(splitArb, ({ batch, cuts, flushes }) => {
        const whole = createRedAggregator({ startTimeUnixNano: T0 });
        whole.add(toResourceSpans(batch));
        const once = whole.flush(T0 + 60n * SECOND);

        const split = createRedAggregator({ startTimeUnixNano: T0 });
        const outputs = [];
        const ends = [...cuts.sort((x, y) => x - y), batch.length];
        let from = 0;
        for (const [i, end] of ends.entries()) {
          split.add(toResourceSpans(batch.slice(from, end)));
          from = end;
          // Every interval ends inside the same minute as the single flush.
          if (flushes[i] === true) outputs.push(split.flush(T0 + BigInt(i + 1) * SECOND));
        }
        outputs.push(split.flush(T0 + 60n * SECOND));

        const merged = { resourceMetrics: outputs.flatMap((o) => o?.resourceMetrics ?? []) };
        const expected = once === null ? { resourceMetrics: [] } : once;
        expect(sortRows(redRollupRows(merged, 'c'))).toEqual(sortRows(redRollupRows(expected, 'c')));
      }),
      { numRuns: 200 },
    );
  });
});
