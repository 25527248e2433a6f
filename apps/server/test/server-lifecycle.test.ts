import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '@apo/shared/otlp';
import { startServerProcess } from './support/server-process.ts';
import { apiClient } from './support/api-client.ts';
import { hex, tracesRequest } from './support/fixtures.ts';

const proto = { 'content-type': 'application/x-protobuf' };
const cleanup: string[] = [];
afterAll(async () => {
  await Promise.all(cleanup.map((d) => rm(d, { recursive: true, force: true })));
});

describe('server lifecycle', () => {
  it('keeps everything written across a restart (SIGTERM flushes, the data dir persists)', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'apo-restart-'));
    cleanup.push(dataDir);
    const traceId = hex(16);
    const first = await startServerProcess({ dataDir });
    const sent = await fetch(`${first.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: proto,
      body: encodeTracesProto(tracesRequest('persisted', 25, { traceId })),
    });
    expect(sent.status).toBe(200);
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startServerProcess({ dataDir });
    try {
      const trace = await apiClient(second.httpUrl).traces.byId.query({ traceId });
      expect(trace.spans).toHaveLength(25);
      // Alone with its data (embedded storage), a restarted server runs the jobs at once: no lease to wait for.
      const metrics = await (await fetch(`${second.httpUrl}/metrics`)).text();
      expect(metrics).toContain('apo_job_leader{job="topology"} 1');
    } finally {
      await second.stop();
    }
  });

  it('refuses a second server on the same data directory with a clear message', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'apo-lock-'));
    cleanup.push(dataDir);
    const first = await startServerProcess({ dataDir });
    try {
      await expect(startServerProcess({ dataDir })).rejects.toThrow(/in use|locked|already/i);
    } finally {
      await first.stop();
    }
  });
});

describe('auth', () => {
  it('requires tokens when enabled: 401 with a message for ingest, UNAUTHORIZED for the API; health stays public', async () => {
    const server = await startServerProcess({
      env: {
        APO_AUTH: 'on',
        APO_ADMIN_TOKEN: 'admin-secret-0123456789',
        APO_INGEST_TOKEN: 'ingest-a-0123456789abc,ingest-b-0123456789abc',
      },
    });
    try {
      const body = encodeTracesProto(tracesRequest('authed', 2));
      const post = (headers: Record<string, string>) =>
        fetch(`${server.httpUrl}/v1/traces`, { method: 'POST', headers: { ...proto, ...headers }, body });

      const missing = await post({});
      expect(missing.status).toBe(401);
      expect(new TextDecoder().decode(await missing.arrayBuffer())).toContain('missing credential');
      const wrong = await post({ authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      expect(new TextDecoder().decode(await wrong.arrayBuffer())).toContain('invalid ingest token');
      expect((await post({ authorization: 'Bearer ingest-b-0123456789abc' })).status).toBe(200);

      const window = { from: Date.now() - 60_000, to: Date.now() + 60_000 };
      await expect(apiClient(server.httpUrl).services.list.query(window)).rejects.toThrow(/admin token/);
      await expect(
        apiClient(server.httpUrl, 'ingest-a-0123456789abc').services.list.query(window),
      ).rejects.toThrow(/admin token/);
      const services = await apiClient(server.httpUrl, 'admin-secret-0123456789').services.list.query(window);
      expect(services.map((s) => s.name)).toEqual(['authed']);
      expect(await apiClient(server.httpUrl).health.query()).toMatchObject({
        status: 'ok',
        authRequired: true,
      });
      expect(server.output()).not.toContain('admin-secret-0123456789');
    } finally {
      await server.dispose();
    }
  });

  it('refuses APO_AUTH=off on a non-loopback address, and bad configuration, quoting the value', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [main], {
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
        timeout: 30_000,
      });
    const off = run({
      APO_HOST: '0.0.0.0',
      APO_AUTH: 'off',
      APO_DATA_DIR: join(tmpdir(), `apo-never-${hex(4)}`),
    });
    expect(off.status).not.toBe(0);
    expect(off.stdout + off.stderr).toContain('APO_AUTH=off is refused');
    const badPort = run({ APO_HTTP_PORT: 'eighty' });
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toContain('httpPort');
    expect(badPort.stderr).toContain('"eighty"');
  });
});
