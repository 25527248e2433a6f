import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../db/database.ts';
import { FaultController } from './controller.ts';
import { readAudit, readFaults } from './store.ts';

/** Temporary directories of this file, removed after its tests. */
const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The controller of one service with a real database and fault store (no HTTP, no child process). */
describe('fault controller', () => {
  let db: Database | undefined;
  const controllers: FaultController[] = [];
  afterEach(async () => {
    for (const c of controllers.splice(0)) await c.close();
    await db?.close();
  });

  const setup = async (dataDir = tempDir('demo-faults-'), runningVersion = '1.0.0') => {
    db ??= await openDatabase(
      { dialect: 'sqlite', file: join(dataDir, 'db', 'x.db') },
      { service: 'orders', tables: [] },
    );
    const events: string[] = [];
    const controller = new FaultController({
      dataDir,
      service: 'orders',
      calls: ['payments', 'inventory'],
      baseVersion: '1.0.0',
      runningVersion,
      db,
      restart: () => events.push('restart'),
      crash: (f) => events.push(`crash ${String(f.params.exitCode)}`),
    });
    controllers.push(controller);
    return { controller, dataDir, events };
  };

  it('persists and audits injections and clears; validates like the CLI', async () => {
    const { controller, dataDir } = await setup();
    controller.start();
    expect(controller.inject('latency', { ms: 5 }, undefined, 1000)).toMatchObject({ ok: true });
    expect(controller.inject('downstream-timeout', { target: 'fraud' })).toMatchObject({ ok: false });
    expect(controller.inject('teleport', {})).toSatisfy(
      (r: { ok: boolean; error?: string }) => !r.ok && (r.error ?? '').includes('valid: latency'),
    );
    expect(controller.inject('errors', {}, -5)).toMatchObject({ ok: false });
    expect(readFaults(dataDir, 'orders').map((f) => f.kind)).toEqual(['latency']);
    expect(controller.hang()).toBeUndefined();
    controller.inject('downstream-timeout', {});
    expect(controller.hang()).toEqual({ target: 'payments', timeoutMs: 2000 });
    expect(controller.clear().map((f) => f.kind)).toEqual(['latency', 'downstream-timeout']);
    expect(readFaults(dataDir, 'orders')).toEqual([]);
    expect(readAudit(dataDir).map((e) => `${e.action} ${e.kind}`)).toEqual([
      'inject latency',
      'inject downstream-timeout',
      'clear latency',
      'clear downstream-timeout',
    ]);
    expect(readAudit(dataDir)[0]).toEqual({
      time: new Date(1000).toISOString(),
      service: 'orders',
      kind: 'latency',
      params: { ms: 5, jitterMs: 100, share: 100 },
      action: 'inject',
      until: null,
      by: 'admin',
    });
  });

  it('expires a fault by its timer and, after a restart, at start', async () => {
    const { controller, dataDir } = await setup();
    controller.start();
    controller.inject('cpu', { ms: 1 }, 50);
    controller.inject('lock', {}, 60_000, Date.now() - 120_000);
    const deadline = Date.now() + 10_000;
    while (controller.get('cpu') !== undefined && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(controller.get('cpu')).toBeUndefined();
    // The lock's expiry passed while "down": a new process retires it when it starts.
    const next = await setup(dataDir);
    next.controller.start();
    expect(next.controller.list()).toEqual([]);
    expect(
      readAudit(dataDir)
        .filter((e) => e.action === 'expire')
        .map((e) => [e.kind, e.by]),
    ).toEqual([
      ['cpu', 'expiry'],
      ['lock', 'expiry'],
    ]);
  });

  it('crashes a restarted process after afterMs while crash-loop is active', async () => {
    const { controller, dataDir } = await setup();
    controller.start();
    controller.inject('crash-loop', { afterMs: 10, exitCode: 3 });
    const next = await setup(dataDir);
    next.controller.start();
    // Crashes afterMs (10 ms) after start; the deadline is generous for a busy machine.
    await vi.waitFor(() => expect(next.events).toEqual(['crash 3']), { timeout: 10_000 });
  });

  it('asks for a restart to deploy a bad version and again to roll it back', async () => {
    const { controller, dataDir } = await setup();
    controller.start();
    const injected = controller.inject('bad-deploy', { rate: 100 });
    expect(injected).toMatchObject({ ok: true, value: { params: { version: '1.1.0', rate: 100 } } });
    expect(controller.needsRestartAfter([controller.get('bad-deploy')!])).toBe(true);
    // The process the supervisor started as 1.1.0 fails requests, and rolls back once the fault is gone.
    const bad = await setup(dataDir, '1.1.0');
    bad.controller.start();
    await expect(bad.controller.beforeWork()).rejects.toMatchObject({ statusCode: 500 });
    const cleared = bad.controller.clear('bad-deploy');
    expect(bad.controller.needsRestartAfter(cleared)).toBe(true);
    const stale = await setup(dataDir, '1.1.0');
    stale.controller.start();
    expect(stale.events).toEqual(['restart']);
  });

  it('fails requests with realistic errors that do not show the fault machinery', async () => {
    const { controller } = await setup();
    controller.start();
    controller.inject('errors', { rate: 100, status: 503 });
    const error = (await controller.beforeWork().catch((e: unknown) => e)) as Error & { statusCode: number };
    expect(error.statusCode).toBe(503);
    expect(error.stack).not.toMatch(/faults/);
    expect(['TypeError', 'Error', 'RangeError']).toContain(error.name);
  });
});
