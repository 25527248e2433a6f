/**
 * The fault CLI as a user runs it (`node src/cli/fault.ts`, what `pnpm demo:fault` runs), without a shop:
 * argument errors, a shop that is not running, and clearing faults kept in a stopped shop's data directory.
 */
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAudit, readFaults } from '../src/faults/store.ts';
import { writeState } from '../src/shop/state-file.ts';
import { SERVICE_NAMES } from '../src/topology.ts';
import { runCli } from './support/shop-harness.ts';

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

const emptyDir = () => tempDir('demo-cli-');

describe('demo:fault CLI (real process, no shop)', () => {
  it.each([
    [
      ['nosuch', 'latency'],
      /unknown service "nosuch" \(valid services: gateway, catalog, orders, payments, fraud, inventory, notifications\)/,
    ],
    [
      ['orders', 'meltdown'],
      /unknown fault kind "meltdown" \(valid kinds: latency, db-slow, cpu, lock, errors, downstream-timeout, gc-pressure, disk-io, crash-loop, bad-deploy, pool-exhaustion\)/,
    ],
    [['orders', 'db-slow', '--delay', '5'], /unknown parameter --delay for db-slow \(valid: --ms\)/],
    [['orders', 'errors', '--rate', 'lots'], /--rate must be an integer from 0 to 100 \(%\), got "lots"/],
    [['orders', 'latency', '--for', 'a while'], /--for must be a duration/],
    [['catalog', 'downstream-timeout'], /catalog calls no other service/],
    [['--clear', 'nosuch'], /unknown service "nosuch"/],
  ])('rejects %j with a message naming the valid choices and exit code 2', async (args, message) => {
    const { code, stderr, stdout } = await runCli(args, emptyDir());
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage:');
    expect(stdout).toBe('');
  });

  it('says the shop is not running (exit 1) when asked to inject into a stopped shop', async () => {
    const dir = emptyDir();
    const { code, stderr } = await runCli(['orders', 'latency'], dir);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `the demo shop is not running (no live state in ${dir}); start it with: pnpm demo`,
    );
    expect(readAudit(dir)).toEqual([]);
  });

  it('lists the kinds, and the faults a stopped shop will start with; --clear removes them offline', async () => {
    const dir = emptyDir();
    mkdirSync(join(dir, 'faults'));
    const fault = {
      kind: 'crash-loop',
      params: { afterMs: 3000, exitCode: 1 },
      since: Date.now(),
      until: null,
    };
    writeFileSync(
      join(dir, 'faults', 'payments.json'),
      JSON.stringify({ service: 'payments', faults: [fault] }),
    );
    const listed = await runCli(['--list'], dir);
    expect(listed.code).toBe(0);
    for (const kind of ['latency', 'db-slow', 'pool-exhaustion'])
      expect(listed.stdout).toContain(`\n${kind}: `);
    expect(listed.stdout).toContain('--afterMs (default 3000ms, 0..600000): uptime before the process exits');
    expect(listed.stdout).toContain('payments: crash-loop afterMs=3000 exitCode=1 (until cleared)');
    const cleared = await runCli(['--clear', 'payments'], dir);
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain('payments: cleared crash-loop');
    expect(readFaults(dir, 'payments')).toEqual([]);
    expect(readAudit(dir)).toMatchObject([
      { service: 'payments', kind: 'crash-loop', action: 'clear', by: 'cli' },
    ]);
  });

  // A stand-in for a busy service's admin endpoint (the state file says the shop runs; the supervisor is this
  // test process): it answers the DELETE after 6 s, as orders does under db-slow on SQLite with traffic queued.
  it('waits for a busy admin endpoint rather than sending the clear twice (stand-in endpoint)', async () => {
    const dir = emptyDir();
    const deletes: string[] = [];
    const server = createServer((req, res) => {
      deletes.push(`${req.method} ${req.url}`);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const cleared =
          deletes.length === 1 ? [{ kind: 'db-slow', params: { ms: 300 }, since: 0, until: null }] : [];
        res.end(JSON.stringify({ cleared }));
      }, 6000);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      writeState(join(dir, 'shop-state.json'), {
        supervisorPid: process.pid,
        startedAt: new Date().toISOString(),
        dataDir: dir,
        agentUrl: 'http://127.0.0.1:4318',
        database: 'sqlite',
        cache: 'none',
        auditLog: join(dir, 'faults.jsonl'),
        services: SERVICE_NAMES.map((name) => ({
          name,
          url: adminUrl,
          adminUrl,
          pid: null,
          version: '1',
          restarts: 0,
        })),
        traffic: null,
      });
      const { code, stdout, stderr } = await runCli(['--clear', 'orders', 'db-slow'], dir);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain('orders: cleared db-slow');
      expect(deletes).toEqual(['DELETE /faults/db-slow']);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  }, 20_000);

  it('prints its usage on --help', async () => {
    const { code, stdout } = await runCli(['--help'], emptyDir());
    expect(code).toBe(0);
    expect(stdout).toContain('pnpm demo:fault <service> <kind>');
  });
});
