/**
 * The overview reads whole hours from `red_server_1m`'s hourly projections (per service for the services,
 * per endpoint for one service's endpoints) and only the partial-hour edges as minutes. On generated
 * rollups across hour boundaries (real engine), every figure is identical to reading minutes only, before
 * and after the ingest path deletes a flush (hours stay the sum of their minutes); the branches really use
 * the projections; and the p95 computed in SQL equals the one `summarizeRed` computes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { summarizeRed } from '@apo/shared/red';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkServiceName, seedBulkRedRollups } from './support/overview-seed.ts';
import { endpointsOverview } from '../src/features/overview/endpoints-overview.ts';
import { hourCacheOf, minuteCacheOf } from '../src/features/overview/overview-hour-cache.ts';
import { sparklineValue } from '../src/features/overview/overview-figures.ts';
import { planSparkline } from '../src/features/overview/overview-plan.ts';
import { currentFigures, pastFigures, redCells } from '../src/features/overview/overview-queries.ts';
import { servicesOverview } from '../src/features/overview/services-overview.ts';
import type { OverviewInput } from '../src/features/overview/services-overview.ts';
import { openStorage, type Storage } from '../src/storage/index.ts';
import { CapturingLog, selectRows } from '../src/storage/storage-test-support.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** A whole hour a little before now: every range below ends before it. */
const H = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;

let dataDir: string;
let storage: Storage;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-overview-hours-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  // 6 services × 4 endpoints, every minute of the 8 days before H + 1 h; svc-000 slower for the last 3 h.
  await seedBulkRedRollups(storage, {
    services: 6,
    endpointsPerService: 4,
    fromMs: H - 8 * DAY,
    toMs: H + HOUR,
    degradedFromMs: H - 3 * HOUR,
  });
}, 120_000);
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const ranges: [string, number, number][] = [
  ['hours with ragged edges', H - 5 * HOUR + 17 * MINUTE, H - 23 * MINUTE],
  ['~24 h (hour-sized sparkline steps)', H - 25 * HOUR + 7 * MINUTE, H - 13 * MINUTE],
  ['one hour boundary, no whole hour', H - 2 * HOUR - 40 * MINUTE, H - HOUR - 40 * MINUTE],
  ['whole hours only', H - 3 * HOUR, H],
  ['not on minute edges', H - 4 * HOUR + 12_345, H - 7_891],
];

describe('overview: hours + minutes = minutes only (real engine)', () => {
  it.each(ranges)('%s: every figure identical', async (_, from, to) => {
    for (const compareWith of ['day', 'week'] as const) {
      const input: OverviewInput = { from, to, compareWith };
      const withHours = await servicesOverview(storage, input);
      const minutesOnly = await servicesOverview(storage, input, { useHours: false });
      expect(withHours).toEqual(minutesOnly);
      expect(withHours.services).toHaveLength(6);
      for (const service of [bulkServiceName(0), bulkServiceName(5)]) {
        const endpoints = await endpointsOverview(storage, { ...input, service });
        expect(endpoints).toEqual(
          await endpointsOverview(storage, { ...input, service }, { useHours: false }),
        );
        expect(endpoints.endpoints).toHaveLength(4);
      }
    }
  });

  it('stays exact when the ingest path deletes a failed flush (hours follow the minutes)', async () => {
    const input: OverviewInput = {
      from: H - 5 * HOUR + 17 * MINUTE,
      to: H - 23 * MINUTE,
      compareWith: 'day',
    };
    const before = await servicesOverview(storage, input);
    const service = bulkServiceName(0);
    const endpointsBefore = await endpointsOverview(storage, { ...input, service });
    // A flush's rows stored, then removed the way batch-ledger.ts / the writer remove an unacknowledged flush.
    await storage.client.command({
      query: `INSERT INTO ${storage.database}.red_server_1m
              SELECT * REPLACE (toUInt64(99) AS flush_id) FROM ${storage.database}.red_server_1m
              WHERE minute >= toDateTime({from:UInt32}) AND minute < toDateTime({to:UInt32})`,
      query_params: { from: (H - 4 * HOUR) / 1000, to: H / 1000 },
    });
    const doubled = await servicesOverview(storage, input);
    expect(doubled.services[0]!.throughput.value).toBeGreaterThan(before.services[0]!.throughput.value!);
    await storage.deleteRows('red_server_1m', 'flush_id = {flush:UInt64}', { flush: 99 });
    expect(await servicesOverview(storage, input)).toEqual(before);
    expect(await servicesOverview(storage, input, { useHours: false })).toEqual(before);
    expect(await endpointsOverview(storage, { ...input, service })).toEqual(endpointsBefore);
    expect(await endpointsOverview(storage, { ...input, service }, { useHours: false })).toEqual(
      endpointsBefore,
    );
    // Each projection's hours (and minutes) hold exactly the table's own rows summed, after the delete too.
    const sums = async (keys: string, time: string, settings: Record<string, string | number>) => {
      const result = await storage.client.query({
        query: `SELECT ${keys}, ${time} AS t, sum(count) AS n, sum(error_count) AS e, sum(duration_sum_ms) AS d,
                       sumForEach(bucket_counts) AS b
                FROM ${storage.database}.red_server_1m
                WHERE ${time} >= toDateTime({from:UInt32}) AND ${time} < toDateTime({to:UInt32})
                GROUP BY ${keys}, t ORDER BY ${keys}, t`,
        query_params: { from: (H - 6 * HOUR) / 1000, to: H / 1000 },
        format: 'JSONEachRow',
        clickhouse_settings: settings,
      });
      return result.json();
    };
    try {
      for (const [projection, keys, time] of [
        ['red_service_hourly', 'service', 'toStartOfHour(minute)'],
        ['red_service_minutely', 'service', 'minute'],
        ['red_hourly', 'service, endpoint', 'toStartOfHour(minute)'],
      ] as const) {
        const fromProjection = await sums(keys, time, { force_optimize_projection_name: projection });
        const fromRows = await sums(keys, time, {
          force_optimize_projection_name: '',
          optimize_use_projections: 0,
        });
        expect(fromProjection.length, projection).toBeGreaterThan(0);
        expect(fromProjection, projection).toEqual(fromRows);
      }
    } finally {
      await storage.client.command({
        query: "SET force_optimize_projection_name = '', optimize_use_projections = 1",
      });
    }
  });

  it('sees a late write into a cached hour on the next call, reading only that hour again', async () => {
    // Its own storage object: its own hour cache, and a count of the statements that read RED.
    let redStatements = 0;
    const counted: Storage = {
      ...storage,
      client: {
        query: (p: Parameters<ClickHouseClient['query']>[0]) => {
          if (p.query.includes('red_server_1m')) redStatements++;
          return storage.client.query(p);
        },
      } as unknown as ClickHouseClient,
    };
    const input: OverviewInput = {
      from: H - 24 * HOUR + 7 * MINUTE,
      to: H - 13 * MINUTE,
      compareWith: 'week',
    };
    const calls = async () => {
      redStatements = 0;
      const o = await servicesOverview(counted, input);
      return { o, redStatements };
    };
    const first = await calls();
    expect(first.redStatements).toBe(2); // edges + fingerprints, then the hours (none cached yet)
    expect(hourCacheOf(counted).size).toBeGreaterThan(7 * 24); // the seen week and the week-ago copy
    const again = await calls();
    expect(again).toEqual({ o: first.o, redStatements: 1 });

    // A late flush: 600 more requests of svc-003, all errors, in an hour 10 h before H (cached above).
    const late = (H - 10 * HOUR + 5 * MINUTE) / 1000;
    await storage.client.command({
      query: `INSERT INTO ${storage.database}.red_server_1m
              (cluster, minute, service, instance, kind, error, endpoint, count, error_count, duration_sum_ms, bucket_counts, flush_id)
              SELECT cluster, minute, service, instance, kind, true, endpoint, 600, 600, 6000,
                     arrayMap((c, i) -> toUInt64(if(i = 3, 600, 0)), bucket_counts, arrayEnumerate(bucket_counts)), 98
              FROM ${storage.database}.red_server_1m
              WHERE service = {service:String} AND minute = toDateTime({late:UInt32}) LIMIT 1`,
      query_params: { service: bulkServiceName(3), late },
    });
    const after = await calls();
    expect(after.redStatements).toBe(2); // the changed hour is read again
    const [was, is] = [first.o, after.o].map((o) =>
      o.services.find((s) => s.service === bulkServiceName(3))!,
    );
    const seconds = (Math.ceil(input.to / MINUTE) - Math.floor(input.from / MINUTE)) * 60;
    expect(is!.throughput.value! - was!.throughput.value!).toBeCloseTo(600 / seconds, 9);
    expect(is!.errorRate.value!).toBeGreaterThan(was!.errorRate.value!);
    expect(after.o).toEqual(await servicesOverview(storage, input, { useHours: false }));
    expect((await calls()).redStatements).toBe(1);
    await storage.deleteRows('red_server_1m', 'flush_id = {flush:UInt64}', { flush: 98 });
    expect((await calls()).o).toEqual(first.o);
  });

  it("sees a late write into an edge hour's cached minutes on the next call, reading only that hour again", async () => {
    let redStatements = 0;
    const counted: Storage = {
      ...storage,
      client: {
        query: (p: Parameters<ClickHouseClient['query']>[0]) => {
          if (p.query.includes('red_server_1m')) redStatements++;
          return storage.client.query(p);
        },
      } as unknown as ClickHouseClient,
    };
    const input: OverviewInput = {
      from: H - 24 * HOUR + 7 * MINUTE,
      to: H - 13 * MINUTE,
      compareWith: 'day',
    };
    const calls = async () => {
      redStatements = 0;
      const o = await servicesOverview(counted, input);
      return { o, redStatements };
    };
    const first = await calls();
    expect(first.redStatements).toBe(2);
    // The edges' hours, all ended: the range's first and last, a day ago's, a week ago's (the seen window's
    // first edge shares the last one's hour).
    expect(minuteCacheOf(counted).size).toBe(6);
    expect(await calls()).toEqual({ o: first.o, redStatements: 1 });

    // 600 requests of svc-003, all errors, at H - 48 h + 30 min: inside a day ago's first edge (from 00:07).
    await storage.client.command({
      query: `INSERT INTO ${storage.database}.red_server_1m
              (cluster, minute, service, instance, kind, error, endpoint, count, error_count, duration_sum_ms, bucket_counts, flush_id)
              SELECT cluster, minute, service, instance, kind, true, endpoint, 600, 600, 6000,
                     arrayMap((c, i) -> toUInt64(if(i = 3, 600, 0)), bucket_counts, arrayEnumerate(bucket_counts)), 97
              FROM ${storage.database}.red_server_1m
              WHERE service = {service:String} AND minute = toDateTime({late:UInt32}) LIMIT 1`,
      query_params: { service: bulkServiceName(3), late: (H - 48 * HOUR + 30 * MINUTE) / 1000 },
    });
    const after = await calls();
    expect(after.redStatements).toBe(2);
    const [was, is] = [first.o, after.o].map((o) =>
      o.services.find((s) => s.service === bulkServiceName(3))!,
    );
    const seconds = (Math.ceil(input.to / MINUTE) - Math.floor(input.from / MINUTE)) * 60;
    expect(is!.throughput.dayAgo! - was!.throughput.dayAgo!).toBeCloseTo(600 / seconds, 9);
    expect(is!.throughput.value).toBe(was!.throughput.value);
    expect(is!.errorRate.dayAgo!).toBeGreaterThan(was!.errorRate.dayAgo!);
    expect(after.o).toEqual(await servicesOverview(storage, input, { useHours: false }));
    expect((await calls()).redStatements).toBe(1);
    await storage.deleteRows('red_server_1m', 'flush_id = {flush:UInt64}', { flush: 97 });
    expect((await calls()).o).toEqual(first.o);
  });

  it('lists the degraded service first, with its p95 change vs yesterday', async () => {
    const o = await servicesOverview(storage, { from: H - 2 * HOUR, to: H, compareWith: 'day' });
    expect(o.services[0]!.service).toBe(bulkServiceName(0));
    expect(o.services[0]!.health.breachedCount).toBe(1);
    expect(o.services[0]!.latencyP95.value).toBeGreaterThan(o.services[0]!.latencyP95.dayAgo! * 1.2);
    expect(o.services.slice(1).every((s) => s.health.breachedCount === 0)).toBe(true);
    const endpoints = await endpointsOverview(storage, {
      from: H - 2 * HOUR,
      to: H,
      compareWith: 'day',
      service: bulkServiceName(0),
    });
    expect(endpoints.endpoints).toHaveLength(4);
    expect(endpoints.endpoints.every((e) => e.health.breachedCount === 1)).toBe(true);
  });

  it('reads the projections: per service for services, per endpoint for endpoints', async () => {
    // With force_optimize_projection_name the engine refuses a query that does not use that projection.
    const using = (projection: string): Storage => ({
      ...storage,
      client: {
        query: (p: Parameters<ClickHouseClient['query']>[0]) =>
          storage.client.query({
            ...p,
            clickhouse_settings: { force_optimize_projection_name: projection },
          }),
      } as unknown as ClickHouseClient,
    });
    const hours = { fromS: (H - 5 * HOUR) / 1000, toS: H / 1000 };
    const minutes = { fromS: (H - 2 * HOUR - 40 * MINUTE) / 1000, toS: (H - HOUR - 40 * MINUTE) / 1000 };
    // A day has hour-sized sparkline steps: its current range reads hours; 5 h (10-minute steps) minutes.
    const day = { fromS: (H - 24 * HOUR) / 1000, toS: H / 1000 };
    const one = { service: bulkServiceName(1) };
    const noMinutes = (r: typeof day) => ({ minutes: [], stepped: [], plan: planSparkline(r) });
    try {
      for (const [projection, read] of [
        ['red_service_hourly', (s: Storage) => currentFigures(s, 'service', day, planSparkline(day), {}, {})],
        [
          'red_service_minutely',
          (s: Storage) => currentFigures(s, 'service', hours, planSparkline(hours), {}, {}),
        ],
        ['red_hourly', (s: Storage) => currentFigures(s, 'endpoint', day, planSparkline(day), one, {})],
        ['red_service_hourly', (s: Storage) => pastFigures(s, 'service', hours, {}, {})],
        ['red_service_minutely', (s: Storage) => pastFigures(s, 'service', minutes, {}, {})],
        ['red_service_minutely', (s: Storage) => pastFigures(s, 'service', hours, {}, { useHours: false })],
        ['red_hourly', (s: Storage) => pastFigures(s, 'endpoint', hours, one, {})],
        ['red_minutely', (s: Storage) => pastFigures(s, 'endpoint', minutes, one, {})],
        // The services overview's own statement: hour fingerprints, hour sums, minute intervals.
        ['red_service_hourly', (s: Storage) => redCells(s, { fingerprints: day, ...noMinutes(day) })],
        ['red_service_hourly', (s: Storage) => redCells(s, { hours: day, ...noMinutes(day) })],
        [
          'red_service_minutely',
          (s: Storage) =>
            redCells(s, {
              minutes: [minutes],
              stepped: [0],
              plan: planSparkline(minutes),
              cluster: 'default',
            }),
        ],
      ] as const) {
        await expect(read(using(projection)), projection).resolves.not.toHaveLength(0);
      }
      await expect(
        currentFigures(using('red_hourly'), 'service', day, planSparkline(day), {}, {}),
      ).rejects.toThrow(/projection/i);
    } finally {
      // chDB keeps a query's settings for the session's later queries: undo it.
      await storage.client.command({ query: "SET force_optimize_projection_name = ''" });
    }
  });

  it('computes quantiles and averages in SQL exactly as summarizeRed does', async () => {
    const [from, to] = [H - 5 * HOUR + 17 * MINUTE, H - 23 * MINUTE];
    const o = await servicesOverview(storage, { from, to, compareWith: 'day' });
    for (const s of o.services) {
      const { endpoints } = await endpointsOverview(storage, {
        from,
        to,
        compareWith: 'day',
        service: s.service,
      });
      for (const [endpoint, figure] of [
        [undefined, s] as const,
        ...endpoints.map((e) => [e.endpoint, e] as const),
      ]) {
        const [sums] = await selectRows<{
          requests: string;
          failed: string;
          sum_ms: number;
          buckets: string[];
        }>(
          storage,
          `SELECT sum(count) AS requests, sum(error_count) AS failed, sum(duration_sum_ms) AS sum_ms,
                  sumForEach(bucket_counts) AS buckets
           FROM ${storage.database}.red_server_1m
           WHERE service = {service:String} AND minute >= toDateTime({from:UInt32}) AND minute < toDateTime({to:UInt32})
             ${endpoint === undefined ? '' : 'AND endpoint = {endpoint:String}'}`,
          {
            service: s.service,
            endpoint,
            from: Math.floor(from / MINUTE) * 60,
            to: Math.ceil(to / MINUTE) * 60,
          },
        );
        const expected = summarizeRed([
          {
            count: Number(sums!.requests),
            errorCount: Number(sums!.failed),
            durationSumMs: sums!.sum_ms,
            bucketCounts: sums!.buckets.map(Number),
          },
        ]);
        expect([figure.latencyP95.value, figure.latencyP99.value, figure.latencyAvg.value]).toEqual([
          expected.p95,
          expected.p99,
          expected.avg,
        ]);
      }
    }
  });

  it("computes the sparkline's p95 in SQL exactly as summarizeRed does", async () => {
    const o = await servicesOverview(storage, { from: H - 24 * HOUR, to: H, compareWith: 'day' });
    const { sparkline } = o.services[0]!;
    expect(sparkline.stepMs).toBe(HOUR);
    for (const i of [0, 7, 20, 22, 23]) {
      const at = sparkline.fromMs + i * HOUR;
      const hour = await servicesOverview(storage, { from: at, to: at + HOUR, compareWith: 'day' });
      const same = hour.services.find((s) => s.service === o.services[0]!.service)!;
      expect(sparkline.latencyP95[i]).toBe(sparklineValue(same.latencyP95.value!));
      expect(sparkline.throughput[i]).toBe(sparklineValue(same.throughput.value!));
      expect(sparkline.errorRate[i]).toBe(sparklineValue(same.errorRate.value!));
    }
  });
});
