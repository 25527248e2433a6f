/**
 * `pnpm demo` itself (node src/main.ts): the supervisor process starts the services and the traffic,
 * prints what runs where, writes its state file, and stops every child on SIGTERM. It exports to a closed
 * port (nothing is checked about telemetry here).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readState } from '../src/shop/state-file.ts';
import { eventually, freePortRange } from './support/shop-harness.ts';

const mainPath = fileURLToPath(new URL('../src/main.ts', import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('pnpm demo (the supervisor as a process; OTLP to a closed port)', () => {
  it('starts everything, prints the table, serves, and stops every child on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'demo-main-'));
    const { basePort } = await freePortRange(7);
    const child = spawn(
      process.execPath,
      [mainPath, '--agent-url', 'http://127.0.0.1:9', '--rps', '10', '--day', '2m'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          DEMO_BASE_PORT: String(basePort),
          DEMO_DATA_DIR: dataDir,
          DEMO_DB: 'sqlite',
          DEMO_REDIS_URL: '',
        },
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await eventually('the table of services', () => (out.includes('faults ') ? true : undefined), 90_000);
      expect(out).toContain(`gateway        http://127.0.0.1:${basePort}`);
      expect(out).toContain(`admin http://127.0.0.1:${basePort + 100}`);
      expect(out).toMatch(/traffic +~10 req\/s on average, a day every 2m/);
      const res = await fetch(`http://127.0.0.1:${basePort}/healthz`);
      expect(await res.json()).toEqual({ status: 'ok', service: 'gateway', version: '2.3.1' });
      const state = readState(join(dataDir, 'shop-state.json'))!;
      expect(state.services.map((s) => [s.name, s.version])).toEqual([
        ['gateway', '2.3.1'],
        ['catalog', '1.8.0'],
        ['orders', '3.1.4'],
        ['payments', '1.12.2'],
        ['fraud', '0.9.3'],
        ['inventory', '2.0.7'],
        ['notifications', '1.4.0'],
      ]);
      const pids = [...state.services.map((s) => s.pid!), state.traffic!.pid!];
      expect(pids.every(alive)).toBe(true);
      // The traffic reaches the shop: orders appear in the queue.
      await eventually(
        'order events from the traffic',
        () => (existsSync(join(dataDir, 'queue', 'order-events')) ? true : undefined),
        60_000,
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(pids.filter(alive)).toEqual([]);
      expect(existsSync(join(dataDir, 'shop-state.json'))).toBe(false);
      expect(out).toContain('[demo] stopping');
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
