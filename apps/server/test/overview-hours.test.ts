/**
 * The overview reads whole hours from `red_server_1m`'s hourly projection and only the partial-hour edges
 * as minutes. On generated rollups across hour boundaries (real engine), every figure is identical to
 * reading minutes only; the hour branches really use the projection; and the sparkline's p95 computed in
 * SQL equals the figures' p95 computed by `summarizeRed` for the same hour.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { summarizeRed } from '@apo/shared/red';
import { figuresOf } from '../src/features/services/red-queries.ts';
import type { FigureColumns } from '../src/features/services/red-queries.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkServiceName, seedBulkRedRollups } from '../src/features/overview/overview-seed.ts';
import { figures } from '../src/features/overview/overview-queries.ts';
import { servicesOverview, sparklineValue } from '../src/features/overview/services-overview.ts';
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
    }
  });

  it('stays exact when the ingest path deletes a failed flush (hours follow the minutes)', async () => {
    const input: OverviewInput = {
      from: H - 5 * HOUR + 17 * MINUTE,
      to: H - 23 * MINUTE,
      compareWith: 'day',
    };
    const before = await servicesOverview(storage, input);
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
  });

  it('lists the degraded service first, with its p95 change vs yesterday', async () => {
    const o = await servicesOverview(storage, { from: H - 2 * HOUR, to: H, compareWith: 'day' });
    expect(o.services[0]!.service).toBe(bulkServiceName(0));
    expect(o.services[0]!.health.breachedCount).toBe(1);
    expect(o.services[0]!.latencyP95.value).toBeGreaterThan(o.services[0]!.latencyP95.dayAgo! * 1.2);
    expect(o.services.slice(1).every((s) => s.health.breachedCount === 0)).toBe(true);
    expect(o.services[0]!.endpoints).toHaveLength(4);
  });

  it('reads the whole hours through the projection', async () => {
    // With force_optimize_projection the engine refuses a query that uses no projection.
    const forced = {
      ...storage,
      client: {
        query: (p: Parameters<ClickHouseClient['query']>[0]) =>
          storage.client.query({ ...p, clickhouse_settings: { force_optimize_projection: 1 } }),
      } as unknown as ClickHouseClient,
    } as Storage;
    const range = { fromS: (H - 5 * HOUR) / 1000, toS: H / 1000 };
    try {
      await expect(figures(forced, range, {}, { top: 10 })).resolves.not.toHaveLength(0);
      // Minutes only read the time-sorted minute projection; a query on the instance column cannot.
      await expect(figures(forced, range, {}, { top: 10, useHours: false })).resolves.not.toHaveLength(0);
      await expect(
        forced.client.query({
          query: `SELECT sum(count) FROM ${storage.database}.red_server_1m WHERE instance != ''`,
          format: 'JSONEachRow',
        }),
      ).rejects.toThrow(/projection/i);
    } finally {
      // chDB keeps a query's settings for the session's later queries: undo it.
      await storage.client.command({ query: 'SET force_optimize_projection = 0' });
    }
  });

  it('computes quantiles and averages in SQL exactly as summarizeRed does', async () => {
    const [from, to] = [H - 5 * HOUR + 17 * MINUTE, H - 23 * MINUTE];
    const o = await servicesOverview(storage, { from, to, compareWith: 'day' });
    for (const s of o.services) {
      for (const [endpoint, figure] of [
        [undefined, s] as const,
        ...s.endpoints.map((e) => [e.endpoint, e] as const),
      ]) {
        const [sums] = await selectRows<FigureColumns>(
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
        const expected = summarizeRed([figuresOf(sums!)]);
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
