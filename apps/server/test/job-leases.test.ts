/**
 * Job leases on both config-store dialects (embedded SQLite and a real PostgreSQL 15 this file starts): the
 * lease statements themselves, then two job runners on one store — one runs the job, the other takes over
 * when the leader's lease expires or is released. Time is an injected clock: expiry is a clock step, and
 * the runners' short real intervals are waited on by condition.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  openConfigStore,
  type ConfigStore,
  type ConfigStoreSettings,
} from '../src/config-store/config-store.ts';
import { JobLeases } from '../src/jobs/job-lease.ts';
import { JobLeadership } from '../src/jobs/job-leadership.ts';
import { JobRunner } from '../src/jobs/job-runner.ts';
import { registerJobMetrics } from '../src/telemetry/job-metrics.ts';
import { startPostgres, type PostgresProcess } from './support/postgres-process.ts';

const silent = pino({ level: 'silent' });
const TTL = 60_000;
const START = 1_800_000_000_000;

/** A log that keeps its lines, to assert what an operator would read. */
function recordingLog() {
  const lines: { level: 'info' | 'warn'; message: string }[] = [];
  return {
    lines,
    info: (_d: object, message: string) => lines.push({ level: 'info', message }),
    warn: (_d: object, message: string) => lines.push({ level: 'warn', message }),
  };
}

function leaseSuite(dialect: 'sqlite' | 'postgres', settings: () => ConfigStoreSettings) {
  describe(`job leases on ${dialect}`, () => {
    let clock = START;
    const now = () => clock;
    const opened: ConfigStore[] = [];
    const open = async () => {
      const store = await openConfigStore(settings(), silent);
      opened.push(store);
      return store;
    };
    let store: ConfigStore;
    beforeAll(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.db.deleteFrom('job_leases').execute();
      clock = START;
    });
    afterAll(async () => {
      for (const s of opened) await s.close().catch(() => undefined);
    });

    it('one holder at a time: taken, renewed, refused to others until it expires, then taken over', async () => {
      const a = new JobLeases(store.db, { holder: 'server-a', ttlMs: TTL, now });
      const b = new JobLeases(store.db, { holder: 'server-b', ttlMs: TTL, now });
      expect(await a.acquire('topology')).toBe(true);
      expect(await b.acquire('topology')).toBe(false);
      expect(await a.current('topology')).toEqual({
        holder: 'server-a',
        acquiredAt: START,
        expiresAt: START + TTL,
      });

      clock += 20_000;
      expect(await a.renew('topology')).toBe(true);
      // Acquiring what it holds extends it too, and keeps when it was taken.
      clock += 20_000;
      expect(await a.acquire('topology')).toBe(true);
      expect(await a.current('topology')).toEqual({
        holder: 'server-a',
        acquiredAt: START,
        expiresAt: START + 40_000 + TTL,
      });
      clock = START + 40_000 + TTL - 1;
      expect(await b.acquire('topology')).toBe(false);

      // A stops renewing (paused, cut off): at its expiry B takes the lease, and A's renew fails.
      clock = START + 40_000 + TTL;
      expect(await b.acquire('topology')).toBe(true);
      expect(await b.current('topology')).toEqual({
        holder: 'server-b',
        acquiredAt: clock,
        expiresAt: clock + TTL,
      });
      expect(await a.renew('topology')).toBe(false);
      expect(await a.acquire('topology')).toBe(false);
      expect(await a.release('topology')).toBe(false);
      expect((await b.current('topology'))?.holder).toBe('server-b');

      // Leases are per job.
      expect(await a.acquire('other-job')).toBe(true);
      expect((await a.current('other-job'))?.holder).toBe('server-a');
    });

    it('an expired lease is renewed by nobody, not even its holder: it must acquire again', async () => {
      const a = new JobLeases(store.db, { holder: 'server-a', ttlMs: TTL, now });
      expect(await a.acquire('topology')).toBe(true);
      clock += TTL;
      expect(await a.renew('topology')).toBe(false);
      expect(await a.acquire('topology')).toBe(true);
      // Nobody took it meanwhile: a new term all the same.
      expect((await a.current('topology'))?.acquiredAt).toBe(clock);
    });

    it('a released lease is free at once', async () => {
      const a = new JobLeases(store.db, { holder: 'server-a', ttlMs: TTL, now });
      const b = new JobLeases(store.db, { holder: 'server-b', ttlMs: TTL, now });
      expect(await a.acquire('topology')).toBe(true);
      expect(await b.release('topology')).toBe(false);
      expect(await a.release('topology')).toBe(true);
      expect(await a.current('topology')).toBeUndefined();
      expect(await b.acquire('topology')).toBe(true);
    });

    it('servers racing for a free lease (each on its own connection): exactly one gets it', async () => {
      const stores = [store, await open(), await open(), await open()];
      const leases = stores.map((s, i) => new JobLeases(s.db, { holder: `server-${i}`, ttlMs: TTL, now }));
      for (let round = 0; round < 5; round++) {
        clock += TTL; // every earlier lease has expired
        const won = await Promise.all(leases.map((l) => l.acquire('topology')));
        expect(won.filter(Boolean)).toHaveLength(1);
        expect((await store.db.selectFrom('job_leases').selectAll().execute()).length).toBe(1);
        const holder = (await leases[0]?.current('topology'))?.holder;
        expect(holder).toBe(leases[won.indexOf(true)]?.holder);
      }
    });

    it('two job runners on one store: one runs the job; when the leader dies the other takes over after expiry', async () => {
      const leaderStore = await open();
      const followerStore = await open();
      const runs = { a: 0, b: 0 };
      const resumed = { a: 0, b: 0 };
      const logs = { a: recordingLog(), b: recordingLog() };
      const make = (name: 'a' | 'b', s: ConfigStore) => {
        const leases = new JobLeases(s.db, { holder: `server-${name}`, ttlMs: TTL, now });
        const runner = new JobRunner(logs[name], new JobLeadership(leases, logs[name]));
        runner.add({
          name: 'topology',
          intervalMs: 5,
          run: () => Promise.resolve(runs[name]++),
          resume: () => resumed[name]++,
        });
        return { runner, leases };
      };
      const a = make('a', leaderStore);
      a.runner.start();
      await vi.waitFor(() => expect(runs.a).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
      const b = make('b', followerStore);
      const attempts = vi.spyOn(b.leases, 'acquire');
      b.runner.start();
      await vi.waitFor(() => expect(attempts.mock.calls.length).toBeGreaterThanOrEqual(3), {
        timeout: 10_000,
      });
      expect(runs.b).toBe(0);
      expect([a.runner.leads('topology'), b.runner.leads('topology')]).toEqual([true, false]);
      const registry = new Registry();
      registerJobMetrics(registry, ['topology'], (job) => b.runner.leads(job));
      expect(await registry.getSingleMetricAsString('apo_job_leader')).toContain(
        'apo_job_leader{job="topology"} 0',
      );

      // The leader loses its store and dies: no renewal, no release.
      await leaderStore.close();
      await a.runner.stop();
      const aRuns = runs.a;
      expect((await b.leases.current('topology'))?.holder).toBe('server-a');
      attempts.mockClear();
      await vi.waitFor(() => expect(attempts.mock.calls.length).toBeGreaterThanOrEqual(3), {
        timeout: 10_000,
      });
      expect(runs.b).toBe(0);

      const expiresAt = (await b.leases.current('topology'))?.expiresAt ?? 0;
      clock = expiresAt;
      await vi.waitFor(() => expect(runs.b).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
      expect(runs.a).toBe(aRuns);
      expect(resumed).toEqual({ a: 1, b: 1 });
      expect(b.runner.leads('topology')).toBe(true);
      expect(await registry.getSingleMetricAsString('apo_job_leader')).toContain(
        'apo_job_leader{job="topology"} 1',
      );
      expect(logs.b.lines).toContainEqual({
        level: 'warn',
        message: `job topology: taken over from server-a, whose lease expired at ${new Date(expiresAt).toISOString()}`,
      });

      // A clean stop releases the lease: the next server need not wait for it to expire.
      await b.runner.stop();
      expect(await b.leases.current('topology')).toBeUndefined();
      expect(b.runner.leads('topology')).toBe(false);
    });

    it('a leader whose lease was taken while it was paused stops running and says so', async () => {
      const log = recordingLog();
      const leases = new JobLeases(store.db, { holder: 'server-a', ttlMs: TTL, now });
      const leadership = new JobLeadership(leases, log);
      expect(await leadership.lead('topology')).toBe(true);
      clock += TTL;
      const other = new JobLeases(store.db, { holder: 'server-b', ttlMs: TTL, now });
      expect(await other.acquire('topology')).toBe(true);
      expect(await leadership.lead('topology')).toBe(false);
      expect(leadership.isLeading('topology')).toBe(false);
      expect(log.lines).toEqual([
        { level: 'info', message: 'job topology: this server runs it (lease taken)' },
        { level: 'warn', message: "job topology: this server's lease expired; server-b runs it now" },
      ]);
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-job-leases-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

leaseSuite('sqlite', () => ({ dataDir: join(dir, 'sqlite') }));

describe('on PostgreSQL 15', () => {
  let postgres: PostgresProcess | undefined;
  beforeAll(async () => {
    // No skip: without PostgreSQL's binaries this fails with the line that installs them.
    postgres = await startPostgres();
  }, 120_000);
  afterAll(() => postgres?.stop());
  leaseSuite('postgres', () => ({ dataDir: '', databaseUrl: postgres?.url ?? '' }));
});
