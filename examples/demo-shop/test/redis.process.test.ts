/**
 * The shop with Redis as its cache, with Debian's `redis-server` (scripts/system-packages.sh installs it): a
 * real Redis on a free port, the services' ioredis calls traced by the preload's instrumentation. A product
 * page read twice is served from the database and cached the first time, from Redis alone the second.
 * Never skipped: without redis-server the test fails and says how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestOtlpReceiver,
  type TestOtlpReceiver,
} from '../../../apps/agent/test/instrument/otlp-test-receiver.ts';
import { startShop, type Shop } from '../src/shop/start-shop.ts';
import { call, eventually, freePortRange } from './support/shop-harness.ts';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'demo-shop-redis-'));

/** A throwaway Redis: no persistence, loopback only, ready when it says so. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${output}`)));
  });
  return child;
}

describe('demo shop with a Redis cache', () => {
  let redis: ChildProcess;
  let receiver: TestOtlpReceiver;
  let shop: Shop;

  beforeAll(async () => {
    if (!hasRedis) {
      throw new Error('redis-server is not installed: run scripts/system-packages.sh (as root on Debian)');
    }
    const ports = await freePortRange(8);
    const redisPort = ports.basePort + 7;
    redis = await startRedis(redisPort);
    receiver = await startTestOtlpReceiver();
    shop = await startShop({
      dataDir: dir,
      agentUrl: receiver.url,
      basePort: ports.basePort,
      adminBasePort: ports.adminBasePort,
      database: 'sqlite',
      redisUrl: `redis://127.0.0.1:${redisPort}`,
      traffic: false,
      exportIntervals: { spansMs: 200, logsMs: 200, metricsMs: 60_000 },
    });
  }, 120_000);
  afterAll(async () => {
    await (shop as Shop | undefined)?.stop();
    await (receiver as TestOtlpReceiver | undefined)?.close();
    (redis as ChildProcess | undefined)?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The DB systems of the client spans of one trace, once its spans arrived. */
  const systemsOf = (traceId: string, expect: (systems: string[]) => boolean) =>
    eventually(`the client spans of trace ${traceId}`, () => {
      const systems = receiver
        .spans()
        .filter((x) => x.span.traceId === traceId)
        .map((x) => x.span.attributes['db.system.name'] ?? x.span.attributes['db.system'])
        .filter((s): s is string => typeof s === 'string' && s !== '');
      return expect(systems) ? systems : undefined;
    });

  it('reads a product from SQLite and caches it, then serves it from Redis alone', async () => {
    expect(shop.cache).toBe('redis');
    const url = `${shop.service('catalog').url}/products/SKU-10010`;
    const first = await call('GET', url);
    expect(first.status).toBe(200);
    const missed = await systemsOf(
      first.traceId,
      (s) => s.includes('sqlite') && s.filter((x) => x === 'redis').length >= 2,
    );
    expect(missed).toContain('redis'); // GET (a miss), then SET
    const second = await call('GET', url);
    expect(second.body).toEqual(first.body);
    const hit = await systemsOf(second.traceId, (s) => s.includes('redis'));
    expect(hit.filter((s) => s === 'sqlite')).toEqual([]);
  });
});
