/**
 * One suite, two dialects: the config store on embedded SQLite (node:sqlite) and on a real PostgreSQL 15
 * this file starts itself. Whatever the stores do must behave the same on both.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openConfigStore,
  type ConfigStore,
  type ConfigStoreSettings,
} from '../src/config-store/config-store.ts';
import { appliedMigrations } from '../src/config-store/migrations.ts';
import { UserStore } from '../src/features/users/user-store.ts';
import { SessionStore } from '../src/auth/session-store.ts';
import { ApiKeyStore } from '../src/features/api-keys/api-key-store.ts';
import { SettingsStore } from '../src/features/settings/settings-store.ts';
import {
  MAX_SAVED_BYTES,
  SavedInvestigationStore,
} from '../src/features/investigations/saved-investigation-store.ts';
import { ConflictError, NotFoundError } from '../src/features/domain-errors.ts';
import { startPostgres, type PostgresProcess } from './support/postgres-process.ts';

const log = pino({ level: 'silent' });

function storeSuite(dialect: 'sqlite' | 'postgres', settings: () => ConfigStoreSettings) {
  describe(`config store on ${dialect}`, () => {
    let store: ConfigStore;
    beforeAll(async () => {
      store = await openConfigStore(settings(), log);
    });
    afterAll(() => store.close());

    it('applies its numbered migrations once, recorded in config_migrations; reopening applies nothing', async () => {
      expect(store.dialect).toBe(dialect);
      expect(await appliedMigrations(store.db)).toEqual([
        '0001-access-control',
        '0002-investigation-feedback',
        '0003-saved-investigations',
        '0004-job-leases',
      ]);
      const again = await openConfigStore(settings(), log);
      try {
        expect(await appliedMigrations(again.db)).toEqual([
          '0001-access-control',
          '0002-investigation-feedback',
          '0003-saved-investigations',
          '0004-job-leases',
        ]);
      } finally {
        await again.close();
      }
    });

    it('keeps users: unique case-insensitive usernames, hashed passwords, never the last admin lost', async () => {
      const users = new UserStore(store.db);
      expect(await users.countActiveAdmins()).toBe(0);
      const ana = await users.create({
        username: 'Ana',
        displayName: 'Ana A.',
        password: 'ana password 1',
        role: 'admin',
      });
      expect(ana).toMatchObject({ username: 'ana', role: 'admin', disabled: false });
      expect(ana).not.toHaveProperty('passwordHash');
      await expect(
        users.create({ username: 'ANA', displayName: 'x', password: 'another password', role: 'viewer' }),
      ).rejects.toThrow(ConflictError);
      const bob = await users.create({
        username: 'bob',
        displayName: 'Bob',
        password: 'bob password 12',
        role: 'viewer',
      });
      expect((await users.list()).map((u) => u.username)).toEqual(['ana', 'bob']);
      expect((await users.findByUsername('ANA'))?.passwordHash).toMatch(/^scrypt\$/);
      expect(await users.countActiveAdmins()).toBe(1);

      await expect(users.update(ana.id, { role: 'editor' })).rejects.toThrow(/last enabled admin/);
      await expect(users.update(ana.id, { disabled: true })).rejects.toThrow(ConflictError);
      expect(await users.update(bob.id, { role: 'admin', displayName: 'Robert' })).toMatchObject({
        role: 'admin',
        displayName: 'Robert',
      });
      expect(await users.update(ana.id, { disabled: true })).toMatchObject({ disabled: true, role: 'admin' });
      expect(await users.countActiveAdmins()).toBe(1);
      await expect(users.update('nope', { role: 'viewer' })).rejects.toThrow(NotFoundError);

      const before = (await users.findByUsername('bob'))!.passwordHash;
      await users.setPassword(bob.id, 'a new password 1');
      expect((await users.findByUsername('bob'))!.passwordHash).not.toBe(before);

      expect(await users.ensureAdmin('admin password 1')).toBe('created');
      expect(await users.ensureAdmin('admin password 2')).toBe('updated');
      expect(await users.findByUsername('admin')).toMatchObject({ role: 'admin', disabled: false });
    });

    it('keeps sessions by token digest: idle and absolute expiry, revocation, disabled users', async () => {
      const users = new UserStore(store.db);
      const sessions = new SessionStore(store.db, { idleTimeoutMs: 1_000, maxAgeMs: 5_000 });
      const carol = await users.create({
        username: 'carol',
        displayName: 'Carol',
        password: 'carol password',
        role: 'editor',
      });
      const t0 = Date.now();
      const { token, id } = await sessions.create({
        userId: carol.id,
        client: 'desktop',
        address: '10.0.0.1',
        userAgent: 'x',
      });
      expect(token).toMatch(/^apos_/);
      const row = await store.db
        .selectFrom('sessions')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(token);

      expect(await sessions.resolve(token, t0 + 900)).toMatchObject({
        username: 'carol',
        role: 'editor',
        sessionId: id,
      });
      // Used at +900: idle counts from then.
      expect(await sessions.resolve(token, t0 + 1_800)).toBeDefined();
      expect(await sessions.resolve(token, t0 + 2_900)).toBeUndefined();
      expect(await sessions.resolve('apos_unknown')).toBeUndefined();

      const second = await sessions.create({
        userId: carol.id,
        client: 'browser',
        address: '10.0.0.2',
        userAgent: 'y',
      });
      let now = Date.now();
      for (; now < t0 + 4_500; now += 800) expect(await sessions.resolve(second.token, now)).toBeDefined();
      expect(await sessions.resolve(second.token, second.expiresAt)).toBeUndefined();

      const third = await sessions.create({
        userId: carol.id,
        client: 'browser',
        address: '10.0.0.3',
        userAgent: 'z',
      });
      const fourth = await sessions.create({
        userId: carol.id,
        client: 'desktop',
        address: '10.0.0.4',
        userAgent: 'z',
      });
      expect((await sessions.listActive()).map((s) => s.id)).toEqual(
        expect.arrayContaining([third.id, fourth.id]),
      );
      await sessions.revoke(third.id);
      await expect(sessions.revoke(third.id)).rejects.toThrow(NotFoundError);
      expect(await sessions.resolve(third.token)).toBeUndefined();
      expect(await sessions.resolve(fourth.token)).toBeDefined();
      await users.update(carol.id, { disabled: true });
      expect(await sessions.resolve(fourth.token)).toBeUndefined();
      await users.update(carol.id, { disabled: false });
      await sessions.revokeForUser(carol.id);
      expect(await sessions.resolve(fourth.token)).toBeUndefined();

      await sessions.prune(Date.now() + 2 * 86_400_000);
      expect(
        await store.db.selectFrom('sessions').selectAll().where('user_id', '=', carol.id).execute(),
      ).toEqual([]);
    });

    it('keeps API keys by digest, shows each once, notes last use at most once a minute, revokes', async () => {
      const keys = new ApiKeyStore(store.db);
      const { key, info } = await keys.create({ name: 'ci export', role: 'viewer', createdBy: 'ana' });
      expect(key).toMatch(/^apo_[A-Za-z0-9_-]{43}$/);
      expect(info).toMatchObject({
        name: 'ci export',
        role: 'viewer',
        prefix: key.slice(0, 10),
        lastUsedAt: null,
      });
      expect(JSON.stringify(await store.db.selectFrom('api_keys').selectAll().execute())).not.toContain(key);

      const t = Date.now();
      expect(await keys.resolve(key, t)).toEqual({ id: info.id, name: 'ci export', role: 'viewer' });
      await keys.resolve(key, t + 30_000);
      expect((await keys.list()).find((k) => k.id === info.id)?.lastUsedAt).toBe(t);
      await keys.resolve(key, t + 61_000);
      expect((await keys.list()).find((k) => k.id === info.id)?.lastUsedAt).toBe(t + 61_000);
      expect(await keys.resolve(`${key}x`)).toBeUndefined();

      await keys.revoke(info.id);
      expect(await keys.resolve(key)).toBeUndefined();
      expect((await keys.list()).find((k) => k.id === info.id)?.revokedAt).toBeTypeOf('number');
      await expect(keys.revoke(info.id)).rejects.toThrow(NotFoundError);
    });

    it('keeps JSON settings per scope and key', async () => {
      const settings = new SettingsStore(store.db);
      expect(await settings.get('global', 'health.thresholds')).toBeNull();
      const thresholds = { errorRate: { warn: 0.01, critical: 0.05 }, labels: ['a', 'ü'], on: true };
      await settings.set('global', 'health.thresholds', thresholds, 'ana');
      await settings.set('user:bob', 'health.thresholds', [1, 2], 'bob');
      expect(await settings.get('global', 'health.thresholds')).toMatchObject({
        value: thresholds,
        updatedBy: 'ana',
      });
      await settings.set('global', 'health.thresholds', { errorRate: null }, 'carol');
      expect(await settings.get('global', 'health.thresholds')).toMatchObject({
        value: { errorRate: null },
        updatedBy: 'carol',
      });
      expect((await settings.get('user:bob', 'health.thresholds'))?.value).toEqual([1, 2]);
      await settings.set('user:bob', 'health.thresholds', null, 'bob');
      expect(await settings.get('user:bob', 'health.thresholds')).toBeNull();
    });

    it('keeps saved investigations: evidence data read back as saved, removed by the owner or an admin', async () => {
      const saved = new SavedInvestigationStore(store.db);
      const ana = { owner: 'user:ana', name: 'ana', admin: false };
      const bob = { owner: 'user:bob', name: 'bob', admin: false };
      const admin = { owner: 'local', name: 'local admin', admin: true };
      const result = {
        id: 'run-1',
        from: 1_700_000_000_000,
        to: 1_700_000_600_000,
        service: 'shop',
        endpoint: null,
        onsetMs: 1_700_000_300_000,
        impact: null,
        dependencies: [{ service: 'payments', similarity: 0.97, delaySource: 'self' as const }],
        hypotheses: [
          {
            rank: 1,
            kind: 'database-latency' as const,
            service: 'payments',
            target: 'postgresql ledger',
            confidence: 0.91,
            summary: 'ledger statements ×75 slower',
            evidence: [
              {
                type: 'series' as const,
                title: 'ledger call latency',
                unit: 'ms',
                query: { source: 'red_client' as const, service: 'payments', measure: 'call.latency' },
                points: [
                  [1_700_000_240_000, 2.1],
                  [1_700_000_300_000, 150.5],
                  [1_700_000_360_000, null],
                ] as [number, number | null][],
                baseline: 2,
                onsetMs: 1_700_000_300_000,
              },
              { type: 'traces' as const, title: 'slow traces', traceIds: ['ab'.repeat(16)] },
            ],
          },
        ],
      };
      const verdicts = [{ rank: 1, verdict: 'confirm' as const, note: 'the ledger index was dropped' }];
      const first = await saved.save({ title: 'Slow checkout', result, verdicts, notes: 'ü ✓' }, ana);
      expect(first).toMatchObject({
        title: 'Slow checkout',
        service: 'shop',
        endpoint: null,
        headline: 'database-latency in payments (0.91)',
        createdBy: 'ana',
        removable: true,
      });
      const second = await saved.save(
        { title: 'Calm', result: { ...result, hypotheses: [] }, verdicts: [], notes: '' },
        bob,
      );
      expect((await saved.list(ana)).map((s) => [s.title, s.headline, s.removable])).toEqual(
        expect.arrayContaining([
          ['Slow checkout', 'database-latency in payments (0.91)', true],
          ['Calm', null, false],
        ]),
      );
      const back = await saved.get(first.id, bob);
      expect(back.result).toEqual(result);
      expect([back.verdicts, back.notes, back.removable]).toEqual([verdicts, 'ü ✓', false]);

      // Bounded: the store refuses a body over its limit with the sizes in words (the router bounds each field).
      const notes = 'n'.repeat(MAX_SAVED_BYTES);
      await expect(saved.save({ title: 't', result, verdicts: [], notes }, ana)).rejects.toThrow(
        new RegExp(`saved up to ${MAX_SAVED_BYTES / 1024} KiB; this one is \\d+ KiB`),
      );

      expect(await saved.remove(first.id, bob)).toBe('forbidden');
      expect(await saved.remove(first.id, ana)).toBe('removed');
      await expect(saved.get(first.id, ana)).rejects.toThrow(NotFoundError);
      expect(await saved.remove(second.id, admin)).toBe('removed');
      await expect(saved.remove(second.id, admin)).rejects.toThrow(NotFoundError);
    });
  });
}

let sqliteDir = '';
let postgres: PostgresProcess | undefined;
beforeAll(async () => {
  sqliteDir = await mkdtemp(join(tmpdir(), 'apo-config-store-'));
  // No skip: without PostgreSQL's binaries this fails with the line that installs them.
  postgres = await startPostgres();
}, 120_000);
afterAll(async () => {
  postgres?.stop();
  await rm(sqliteDir, { recursive: true, force: true });
});

storeSuite('sqlite', () => ({ dataDir: sqliteDir }));
storeSuite('postgres', () => ({ dataDir: sqliteDir, databaseUrl: postgres!.url }));
