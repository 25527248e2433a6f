/**
 * The delay source from the topology job's per-minute table (`delay_source_1m`) on the real engine, with the
 * service detail's seeded world (support/service-detail-seed.ts): a window's sums equal the span split
 * (`splitRequests`) of the same spans; `services.delaySource` gives the span-based answer whichever of the
 * range's minutes the job has computed (none, some in the middle, all but the last, all); computing a
 * window again changes no answer; and the newest copy of a window's rows is the one read.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDelaySource } from '@apo/shared/console';
import { bucketOf, delaySource, splitRequests } from '../src/features/delay/delay-source.ts';
import { entryAndCallSpans, windowDelaySums } from '../src/features/delay/delay-queries.ts';
import { TopologyJob } from '../src/jobs/topology-job.ts';
import { appendDelaySourceRows, openStorage, RowBinaryWriter } from '../src/storage/index.ts';
import type { Storage } from '../src/storage/index.ts';
import { CapturingLog, selectRows } from '../src/storage/storage-test-support.ts';
import { seedServiceDetail } from './support/service-detail-seed.ts';

const MINUTE = 60_000;
/** A whole minute an hour ago: the seeded ten minutes start here (requests in the first four). */
const START = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const range = { service: 'payments', from: START, to: START + 10 * MINUTE };

let dataDir: string;
let storage: Storage;
/** The answer from spans alone, before the job computed any window. */
let fromSpans: ServiceDelaySource;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-delay-source-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  await seedServiceDetail(storage, START);
  fromSpans = await delaySource(storage, range);
}, 120_000);
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const job = () =>
  new TopologyJob(storage, { graceMs: 120_000, catchUpWindows: 5, windowsPerRun: 10 }, new CapturingLog());
async function computeMinutes(...minutes: number[]): Promise<void> {
  for (const m of minutes) await job().runWindow(START + m * MINUTE);
}

/** The answer, asserted equal to the span-based one field by field (shares to 12 digits). */
async function expectSpanAnswer(): Promise<ServiceDelaySource> {
  const answer = await delaySource(storage, range);
  expect(answer.endpoints.map((e) => [e.endpoint, e.sampledRequests, e.requests, e.verdict])).toEqual(
    fromSpans.endpoints.map((e) => [e.endpoint, e.sampledRequests, e.requests, e.verdict]),
  );
  answer.endpoints.forEach((e, i) => {
    const expected = fromSpans.endpoints[i];
    expect(e.dependencyShare).toBeCloseTo(expected?.dependencyShare ?? Number.NaN, 12);
    expect(e.selfMs).toBeCloseTo(expected?.selfMs ?? Number.NaN, 9);
    expect(e.dependencyMs).toBeCloseTo(expected?.dependencyMs ?? Number.NaN, 9);
  });
  expect(answer.rollupCallTimeShare).toBeCloseTo(fromSpans.rollupCallTimeShare ?? Number.NaN, 12);
  return answer;
}

/** Weighted share of `POST /pay` with the fast bucket's (6) stored dependency time `fastDependencyMs`. */
const payShare = (fastDependencyMs: number) => {
  // Rollups: 1000 fast requests (≤ 100 ms) and 10 slow (≤ 500 ms); stored: 10 fast of 100 ms, 10 slow of 400.
  const fast = fastDependencyMs / 1000;
  const slow = 800 / 4000;
  return (1000 * 100 * fast + 10 * 400 * slow) / (1000 * 100 + 10 * 400);
};

describe('delay source from the job’s per-minute table (real engine)', () => {
  it('answers from spans alone before the job has computed a window', () => {
    const [pay, health] = fromSpans.endpoints;
    expect(pay).toMatchObject({ endpoint: 'POST /pay', sampledRequests: 24, requests: 1010 });
    expect(pay?.dependencyShare).toBeCloseTo(payShare(800), 12);
    expect(health).toMatchObject({ endpoint: 'GET /health', dependencyShare: 0, sampledRequests: 5 });
  });

  it('sums a window as the span split does: per endpoint and latency bucket, calls’ union clipped', async () => {
    const sums = await windowDelaySums(storage, START);
    const key = (r: { service: string; endpoint: string; bucket: number }) =>
      `${r.service} ${r.endpoint} ${r.bucket}`;
    // The first minute: 2 fast POST /pay (100 ms, calls covering 80), 2 slow (400 ms, one 80 ms call), 2 health.
    expect(sums.sort((a, b) => key(a).localeCompare(key(b)))).toEqual([
      {
        cluster: 'default',
        service: 'payments',
        endpoint: 'GET /health',
        bucket: 2,
        requests: 2,
        duration_ns: 8_000_000n,
        dependency_ns: 0n,
      },
      {
        cluster: 'default',
        service: 'payments',
        endpoint: 'POST /pay',
        bucket: 6,
        requests: 2,
        duration_ns: 200_000_000n,
        dependency_ns: 160_000_000n,
      },
      {
        cluster: 'default',
        service: 'payments',
        endpoint: 'POST /pay',
        bucket: 8,
        requests: 2,
        duration_ns: 800_000_000n,
        dependency_ns: 160_000_000n,
      },
    ]);
    // The same spans split in JS, as services.delaySource splits the minutes the job has not computed.
    const spans = await entryAndCallSpans(storage, {
      service: 'payments',
      from: START,
      to: START + MINUTE,
      limit: 5000,
      skipComputed: false,
    });
    const split = new Map<string, { n: number; duration: number; dependency: number }>();
    for (const r of splitRequests(spans.entries, spans.calls)) {
      const k = `payments ${r.endpoint} ${bucketOf(r.durationMs)}`;
      const acc = split.get(k) ?? { n: 0, duration: 0, dependency: 0 };
      split.set(k, {
        n: acc.n + 1,
        duration: acc.duration + r.durationMs,
        dependency: acc.dependency + r.dependencyMs,
      });
    }
    expect(Object.fromEntries(split)).toEqual(
      Object.fromEntries(
        sums.map((s) => [
          key(s),
          {
            n: s.requests,
            duration: Number(s.duration_ns) / 1e6,
            dependency: Number(s.dependency_ns) / 1e6,
          },
        ]),
      ),
    );
  });

  it('gives the span-based answer whichever minutes the job has computed, never counting one twice', async () => {
    // Minutes 1–3 computed: spans are read for the rest of the range around them.
    await computeMinutes(1, 2, 3);
    expect(
      await selectRows(
        storage,
        'SELECT toUnixTimestamp(window) * 1000 AS w, edge_rows, delay_rows FROM apo.topology_windows FINAL ORDER BY w',
      ),
    ).toEqual([
      // Fast, slow, health and error (5 ms) requests; then no health requests after the first 100 s.
      { w: String(START + MINUTE), edge_rows: 1, delay_rows: 4 },
      { w: String(START + 2 * MINUTE), edge_rows: 1, delay_rows: 3 },
      { w: String(START + 3 * MINUTE), edge_rows: 1, delay_rows: 3 },
    ]);
    await expectSpanAnswer();
    // All but the last minutes: the usual case, the tail still in its grace period.
    await computeMinutes(0, 4, 5, 6, 7);
    await expectSpanAnswer();
    // Every minute: the table alone.
    await computeMinutes(8, 9);
    await expectSpanAnswer();
  });

  it('computing a window again gives the same rows and the same answer', async () => {
    const TABLE_SQL = `SELECT window, cluster, service, endpoint, bucket, requests, duration_ns, dependency_ns
      FROM apo.delay_source_1m FINAL ORDER BY window, endpoint, bucket`;
    const before = await selectRows(storage, TABLE_SQL);
    // Minutes 0–4 have requests (the last one only an error span); 5–9 none.
    expect(before).toHaveLength(3 + 4 + 3 + 3 + 1);
    await computeMinutes(0, 1, 2, 3, 4);
    await expectSpanAnswer();
    expect(await selectRows(storage, TABLE_SQL)).toEqual(before);
    await storage.client.command({ query: 'OPTIMIZE TABLE apo.delay_source_1m FINAL' });
    expect(await selectRows(storage, 'SELECT count() AS n FROM apo.delay_source_1m')).toEqual([
      { n: String(before.length) },
    ]);
  });

  it('reads the newest copy of a window’s rows', async () => {
    // A later computation of the first minute saw its two fast requests wait on nothing (say, spans gone).
    const w = new RowBinaryWriter();
    const n = appendDelaySourceRows(w, [
      {
        windowMs: START,
        computedAtMs: Date.now() + 1000,
        cluster: 'default',
        service: 'payments',
        endpoint: 'POST /pay',
        bucket: 6,
        requests: 2,
        durationNs: 200_000_000n,
        dependencyNs: 0n,
      },
    ]);
    await storage.insertRowBinary(storage.tables.delay_source_1m, w.bytes(), n);
    const [pay] = (await delaySource(storage, range)).endpoints;
    expect(pay?.sampledRequests).toBe(24);
    expect(pay?.dependencyShare).toBeCloseTo(payShare(800 - 160), 12);
  });
});
