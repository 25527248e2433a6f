/**
 * The proxy on a really full disk, and back, without a restart: its data directory on an 8 MiB tmpfs (far
 * below its 1 GiB queue bound), the server down. Filling the disk must turn into 503s and a degraded
 * /healthz; once the server is up and the backlog drained, the space must come back (no deleted file still
 * open), /healthz must say ok, new requests must be accepted, and every acknowledged span stored once —
 * while no span of a refused request is stored at all.
 */
import { expect } from 'vitest';
import { fullDiskTest } from './support/disk-full.ts';
import { startProxyProcess, type ProxyProcess } from './support/proxy-process.ts';

const SERVICE = 'proxy-disk-full';
await fullDiskTest('proxy', async (stage) => {
  const proxy: ProxyProcess = await startProxyProcess({
    exportUrl: stage.serverUrl,
    clusterId: 'disk-full',
    dataDir: stage.relayDataDir,
  });
  stage.defer(() => proxy.stop('SIGKILL'));
  const driver = stage.drive(proxy, SERVICE);

  // 1. Fill the disk: the server is down, everything stays on the proxy's disk.
  const full = await driver.fillDisk();
  expect(full.queue.writable).toBe(false);
  expect(full.queue.reason).toMatch(/^disk full \(ENOSPC\) since \d{4}-/);

  // 2. The server comes back: the backlog drains and the space returns, healthz says ok on its own.
  const server = await stage.startServer();
  expect(await driver.drained('proxy')).toMatchObject({ status: 'ok', queue: { writable: true } });
  await driver.expectNoDeletedFileOpen();

  // 3. Send again: accepted, as the same process.
  await driver.sendAccepted(30);

  // 4. Every acknowledged span is stored exactly once; no span of a refused request is stored.
  await driver.expectAckedStoredOnce(server.httpUrl);
  await driver.expectSameProcessRecovered();
});
