/**
 * The service detail procedures on the real engine (chDB) with a seeded world (support/service-detail-seed.ts):
 * delay source per endpoint, database and external calls against a day earlier, instances with their process
 * figures, grouped errors, hosts and status lights.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delaySource } from '../src/features/delay/delay-source.ts';
import { serviceCalls } from '../src/features/services/service-calls.ts';
import { serviceErrors } from '../src/features/services/service-errors.ts';
import { serviceInfrastructure } from '../src/features/services/service-infrastructure.ts';
import { serviceInstances } from '../src/features/services/service-instances.ts';
import { openStorage, type Storage } from '../src/storage/index.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { seedServiceDetail } from './support/service-detail-seed.ts';

const MINUTE = 60_000;
/** A whole minute an hour ago: the seeded ten minutes start here. */
const START = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
const range = { service: 'payments', from: START, to: START + 10 * MINUTE };

let dataDir: string;
let storage: Storage;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-service-detail-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  await seedServiceDetail(storage, START);
}, 120_000);
afterAll(async () => {
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('service detail (real engine, seeded)', () => {
  it('delay source: per endpoint from stored spans, each latency bucket weighted by the 100 % rollups', async () => {
    const result = await delaySource(storage, range);
    const [pay, health] = result.endpoints;
    // Stored: 10 fast requests at share 0.8 (two overlapping calls covering 80 of 100 ms), 10 slow at 0.2.
    // A plain ratio of sums would say 1600 / 5000 = 0.32, "self"; the rollups hold 1000 fast and 10 slow
    // requests, so the weighted share is (1000·100·0.8 + 10·400·0.2) / (1000·100 + 10·400).
    const share = (1000 * 100 * 0.8 + 10 * 400 * 0.2) / (1000 * 100 + 10 * 400);
    expect(pay?.endpoint).toBe('POST /pay');
    expect(pay?.dependencyShare).toBeCloseTo(share, 10);
    expect(pay?.verdict).toBe('dependency');
    expect(pay?.requests).toBe(1010);
    // The 4 error spans (5 ms, no calls) are stored requests too, in a bucket the rollups never saw.
    expect(pay?.sampledRequests).toBe(24);
    const mean = (10 * (100 * 100 + 400)) / 1010;
    expect(pay?.dependencyMs).toBeCloseTo(mean * share, 8);
    expect(pay?.selfMs).toBeCloseTo(mean * (1 - share), 8);
    expect(health).toMatchObject({
      endpoint: 'GET /health',
      dependencyShare: 0,
      verdict: 'self',
      requests: 100,
    });
    // Σ call time (100 × 40 + 20 × 150 ms a minute) ÷ Σ request time (10,440 ms a minute).
    expect(result.rollupCallTimeShare).toBeCloseTo(7000 / 10_440, 10);
  });

  it('database and external calls: rate, errors and latency now and a day earlier', async () => {
    const { calls, compareWith, nextCursor } = await serviceCalls(storage, { ...range, compareWith: 'day' });
    expect(compareWith).toBe('day');
    expect(nextCursor).toBeNull();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      callType: 'db',
      system: 'sqlite',
      dbNamespace: 'shop',
      operation: 'SELECT',
      target: 'payments',
    });
    expect(calls[0]?.now).toMatchObject({ calls: 1000, errors: 0, avgMs: 40 });
    expect(calls[0]?.now.rate).toBeCloseTo(1000 / 600, 10);
    expect(calls[0]?.before).toMatchObject({ calls: 1000, avgMs: 10 });
    expect(calls[1]).toMatchObject({
      callType: 'http',
      peer: 'bank.example:443',
      operation: 'POST',
      target: '/charge',
    });
    expect(calls[1]?.now).toMatchObject({ calls: 200, errors: 20, avgMs: 150 });
    expect(calls[1]?.before).toMatchObject({ calls: 200, avgMs: 150 });
    // A week earlier nothing was called.
    const week = await serviceCalls(storage, { ...range, compareWith: 'week' });
    expect(week.calls.map((c) => c.before)).toEqual([null, null]);
  });

  it('instances: identity and process figures from the agent metrics, restarts and error logs', async () => {
    const { instances, nextCursor } = await serviceInstances(storage, range);
    expect(instances.map((i) => i.instance)).toEqual(['payments-1', 'payments-2']);
    expect(nextCursor).toBeNull();
    const [one, two] = instances;
    expect(one).toMatchObject({
      pid: 4242,
      container: 'c0ffee',
      pod: 'payments-7d9f',
      host: 'node-a',
      version: '2.1.0',
      startMs: Date.parse('2026-01-05T08:00:00.000Z'),
      rssBytes: 150_000_000,
      openFds: 42,
      restarts: 1,
      errorLogs: 3,
    });
    expect(one?.cpuCores).toBeCloseTo(0.06, 10);
    expect(one?.runQueueMsPerS).toBeCloseTo(2, 10);
    expect(one?.eventLoopDelayP99Ms).toBeCloseTo(20, 10);
    expect(one?.gcMsPerS).toBeCloseTo(5, 10);
    expect(two).toMatchObject({ pid: null, cpuCores: null, rssBytes: null, restarts: 0, errorLogs: 1 });
  });

  it('errors: error spans grouped by exception type and message, error logs per instance', async () => {
    const { groups, logErrors, nextCursor } = await serviceErrors(storage, range);
    expect(nextCursor).toBeNull();
    expect(groups.map((g) => [g.exceptionType, g.message, g.count])).toEqual([
      ['SqliteError', 'database is locked', 3],
      ['', 'timeout', 1],
    ]);
    expect(groups[0]).toMatchObject({ endpoint: 'POST /pay', instances: ['payments-1'] });
    expect(groups[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(groups[0]?.lastSeenMs).toBe(START + 180_000);
    expect(logErrors).toEqual([
      { instance: 'payments-1', count: 3 },
      { instance: 'payments-2', count: 1 },
    ]);
  });

  it('infrastructure: host figures from node_exporter names, status lights with reasons', async () => {
    const { hosts, lights } = await serviceInfrastructure(storage, range);
    expect(hosts).toHaveLength(1);
    const h = hosts[0]!;
    expect(h).toMatchObject({ host: 'node-a', cores: 2, diskMount: '/', tcpEstablished: 57 });
    expect(h.cpuBusy).toBeCloseTo(0.5, 10);
    expect(h.load1PerCore).toBeCloseTo(0.5, 10);
    expect(h.memoryUsed).toBeCloseTo(0.875, 10);
    expect(h.diskUsed).toBeCloseTo(0.95, 10);
    expect(h.networkRxBytesPerS).toBeCloseTo(1_000_000, 6);
    expect(h.networkTxBytesPerS).toBeCloseTo(500_000, 6);
    expect(h.tcpRetransmitRatio).toBeCloseTo(0.03, 10);
    expect(h.tcpResetsPerS).toBeCloseTo(1, 10);
    expect(lights).toEqual([
      {
        dimension: 'infrastructure',
        level: 'critical',
        reasons: [
          'node-a: memory 88 % used',
          'node-a: disk / 95 % full',
          'payments-1: 1 restart(s) in the range',
        ],
      },
      { dimension: 'network', level: 'warning', reasons: ['node-a: 3.0 % of TCP segments retransmitted'] },
      { dimension: 'kubernetes', level: 'critical', reasons: ['BackOff ×1: k8s.event'] },
    ]);
  });

  it('an unknown service has empty answers, and lights say unknown rather than green', async () => {
    const other = { ...range, service: 'nobody' };
    expect((await delaySource(storage, other)).endpoints).toEqual([]);
    expect((await serviceCalls(storage, { ...other, compareWith: 'day' })).calls).toEqual([]);
    expect(await serviceInstances(storage, other)).toEqual({ instances: [], nextCursor: null });
    expect(await serviceErrors(storage, other)).toEqual({ groups: [], nextCursor: null, logErrors: [] });
    const infra = await serviceInfrastructure(storage, other);
    expect(infra.hosts).toEqual([]);
    expect(infra.lights.map((l) => l.level)).toEqual(['unknown', 'unknown', 'unknown']);
  });
});
