/**
 * investigations.run / trace / feedback against the real embedded engine and config store, on seeded rows:
 * cluster `fault` has a slow database in payments from minute 30 of 40 (gateway → orders → payments, so
 * the symptom at the entry is two hops from the cause); cluster `calm` has the same traffic without it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverConfigSchema } from '../src/config/server-config.ts';
import { openConfigStore, type ConfigStore } from '../src/config-store/config-store.ts';
import { investigateTrace, runInvestigation } from '../src/features/investigations/investigation-engine.ts';
import { InvestigationStore } from '../src/features/investigations/investigation-store.ts';
import { openStorage, type Storage } from '../src/storage/open-storage.ts';
import { CapturingLog } from '../src/storage/storage-test-support.ts';
import { spanIdOf, traceIdOf } from '../src/storage/telemetry-fixtures.ts';
import { MINUTE, MINUTES, ONSET, START, seedInvestigation } from './support/investigation-seed.ts';

let dataDir: string;
let storage: Storage;
let config: ConfigStore;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'apo-investigations-test-'));
  storage = await openStorage({ engine: 'embedded', dataDir }, new CapturingLog());
  config = await openConfigStore({ dataDir }, pino({ level: 'silent' }));
  await seedInvestigation(storage, 'fault', 'db');
  await seedInvestigation(storage, 'calm', null);
  await seedInvestigation(storage, 'cpu', 'cpu');
});
afterAll(async () => {
  await config.close();
  await storage.close();
  await rm(dataDir, { recursive: true, force: true });
});

const range = { from: START + 30 * MINUTE, to: START + MINUTES * MINUTE };

describe('investigations on the embedded engine', () => {
  it('asked about gateway, names the slow database of payments first (the symptom is not the cause)', async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'fault', service: 'gateway' });
    expect(result.onsetMs).toBe(START + ONSET * MINUTE);
    expect(result.hypotheses[0]).toMatchObject({
      rank: 1,
      kind: 'database-latency',
      service: 'payments',
      target: 'sqlite payments',
    });
    expect(result.hypotheses[0]?.confidence).toBeGreaterThan(0.8);
    expect(result.hypotheses.filter((h) => h.service === 'gateway')).toEqual([]);
    // Dependencies came from the spans (client span → server child): both of gateway's, recursively.
    expect(result.dependencies.map((d) => d.service).sort()).toEqual(['orders', 'payments']);
    const series = result.hypotheses[0]?.evidence.find((e) => e.type === 'series');
    expect(series).toMatchObject({
      query: { source: 'red_client', service: 'payments', target: 'sqlite payments' },
    });
    if (series?.type !== 'series') throw new Error('no series evidence');
    expect(series.baseline).toBeCloseTo(1, 1);
    expect(series.points).toHaveLength(40);
  });

  it("impact: the symptom's endpoint with latency before and since the onset, and its timeline", async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'fault', service: 'gateway' });
    const impact = result.impact;
    if (impact === null) throw new Error('no impact');
    expect([impact.service, impact.endpoint]).toEqual(['gateway', null]);
    const [endpoint] = impact.endpoints;
    expect(endpoint).toMatchObject({ endpoint: 'POST /x', degraded: true, onsetMs: START + ONSET * MINUTE });
    // gateway = its self time + 2 DB calls + orders (same) + payments (same): 18 ms, then 416 ms (±5 % jitter).
    expect(endpoint?.latencyBefore).toBeGreaterThan(17);
    expect(endpoint?.latencyBefore).toBeLessThan(19);
    expect(endpoint?.latencyAfter).toBeGreaterThan(395);
    expect(endpoint?.latencyAfter).toBeLessThan(437);
    expect(endpoint?.errorRateAfter).toBe(0);
    // One point per minute from the lookback's start; the p90 from the buckets: (10, 25] ms, then (250, 500].
    const p90 = impact.timeline.latencyP90Ms;
    expect(p90.map(([t]) => t)).toEqual(Array.from({ length: MINUTES }, (_, m) => START + m * MINUTE));
    expect(p90[ONSET - 1]?.[1]).toBeGreaterThan(10);
    expect(p90[ONSET - 1]?.[1]).toBeLessThanOrEqual(25);
    expect(p90[ONSET]?.[1]).toBeGreaterThan(250);
    expect(p90[ONSET]?.[1]).toBeLessThanOrEqual(500);
    expect(impact.timeline.errorRate[ONSET]?.[1]).toBe(0);
    // No error log was seeded: 0 in every minute with requests, nothing in the lookback before them.
    expect(impact.timeline.logErrors.map(([, v]) => v)).toEqual(Array.from({ length: MINUTES }, () => 0));
  });

  it('without a service, the same cause', async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'fault' });
    expect(result.hypotheses[0]).toMatchObject({ kind: 'database-latency', service: 'payments' });
  });

  it('CPU burnt in payments: cpu-saturation on its instance, with the CPU series (a cumulative counter as a rate)', async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'cpu', service: 'gateway' });
    expect(result.hypotheses[0]).toMatchObject({
      kind: 'cpu-saturation',
      service: 'payments',
      instance: 'payments-1',
    });
    const cpu = result.hypotheses[0]?.evidence.find(
      (e) => e.type === 'series' && e.query.source === 'metrics',
    );
    if (cpu?.type !== 'series') throw new Error('no CPU series');
    // The first minute has no previous value, so no rate; then 0.4 s a minute, 12.4 from the onset.
    expect(cpu.points[0]?.[1]).toBeNull();
    expect(cpu.points[1]?.[1]).toBeCloseTo(0.4, 6);
    expect(cpu.points[ONSET]?.[1]).toBeCloseTo(12.4, 6);
  });

  it('nothing abnormal: no onset and no hypothesis above 0.5', async () => {
    const result = await runInvestigation(storage, { ...range, cluster: 'calm', service: 'gateway' });
    expect(result.onsetMs).toBeNull();
    expect(result.hypotheses.filter((h) => h.confidence > 0.5)).toEqual([]);
    // The asked service is still described: its endpoint, not degraded.
    expect(result.impact?.endpoints.map((e) => [e.endpoint, e.degraded, e.onsetMs])).toEqual([
      ['POST /x', false, null],
    ]);
  });

  it('refuses a range over 24 h and an endpoint without its service', async () => {
    await expect(runInvestigation(storage, { from: 0, to: 25 * 3_600_000 })).rejects.toThrow(/at most 24 h/);
    await expect(runInvestigation(storage, { ...range, endpoint: 'GET /' })).rejects.toThrow(
      /endpoint needs its service/,
    );
  });

  it('trace: the deepest failing span is the root cause, with the chain up to the entry', async () => {
    const limits = serverConfigSchema.parse({}).api;
    const result = await investigateTrace(storage, traceIdOf(1), 'fault', limits);
    expect(result.rootCause).toMatchObject({ service: 'payments', reason: 'error', spanId: spanIdOf(5) });
    // Where the wizard investigates around: the trace's start and its entry service.
    expect([result.startMs, result.entryService]).toEqual([START + 5 * MINUTE, 'gateway']);
    expect(result.errorChain.map((c) => `${c.service} ${c.error}`)).toEqual([
      'payments TypeError: amount is undefined',
      'orders ',
      'orders HTTP 500',
      'gateway ',
      'gateway HTTP 502',
    ]);
  });

  it('feedback is stored in the config store and read back per investigation', async () => {
    const store = new InvestigationStore(config.db);
    await store.addFeedback(
      {
        investigationId: 'inv-1',
        kind: 'database-latency',
        service: 'payments',
        target: 'sqlite payments',
        confidence: 0.93,
        verdict: 'confirm',
      },
      'alice',
    );
    await store.addFeedback(
      {
        investigationId: 'inv-1',
        kind: 'self-latency',
        service: 'orders',
        confidence: 0.2,
        verdict: 'reject',
        note: 'it only waits',
      },
      'alice',
    );
    const got = await store.feedback('inv-1');
    expect(got.map((f) => [f.kind, f.service, f.target, f.verdict, f.note, f.createdBy])).toEqual([
      ['database-latency', 'payments', 'sqlite payments', 'confirm', '', 'alice'],
      ['self-latency', 'orders', undefined, 'reject', 'it only waits', 'alice'],
    ]);
    expect(await store.feedback('other')).toEqual([]);
  });
});
