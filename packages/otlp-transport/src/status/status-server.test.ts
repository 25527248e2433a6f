import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startStatusServer, type HealthFields, type StatusServer } from './status-server.ts';
import { queueHealth } from './queue-health.ts';

let server: StatusServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(health?: () => HealthFields): Promise<string> {
  server = await startStatusServer({
    ...(health === undefined ? {} : { health }),
    component: 'agent',
    version: '9.8.7',
    host: '127.0.0.1',
    port: 0,
    startedAt: 1_700_000_000_000,
    now: () => 1_700_000_042_900,
    log: pino({ level: 'silent' }),
  });
  return `http://127.0.0.1:${server.port}`;
}

describe('status server', () => {
  it('answers /healthz with the component, version and whole seconds of uptime', async () => {
    const base = await start();
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({
      status: 'ok',
      component: 'agent',
      version: '9.8.7',
      uptimeSeconds: 42,
    });
  });

  it('answers 503 with status degraded while a disk queue cannot write, 200 again once it can', async () => {
    let writable = false;
    const base = await start(() => ({
      exportUrl: 'http://next-hop',
      ...queueHealth({
        queue: writable
          ? { writable: true }
          : { writable: false, reason: 'disk full (ENOSPC) since 2023-11-14T22:13:20.000Z', code: 'ENOSPC' },
        journal: { writable: true },
      }),
    }));
    const degraded = await fetch(`${base}/healthz`);
    expect(degraded.status).toBe(503);
    expect(await degraded.json()).toEqual({
      status: 'degraded',
      component: 'agent',
      version: '9.8.7',
      uptimeSeconds: 42,
      exportUrl: 'http://next-hop',
      queue: { writable: false, reason: 'disk full (ENOSPC) since 2023-11-14T22:13:20.000Z' },
      journal: { writable: true },
    });
    writable = true;
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', queue: { writable: true } });
  });

  it('answers /metrics with Prometheus text', async () => {
    const base = await start();
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toMatch(/^apo_agent_up 1$/m);
    expect(text).toMatch(/^# TYPE apo_agent_start_time_seconds gauge$/m);
    expect(text).toMatch(/^apo_agent_start_time_seconds 1700000000\.000$/m);
    expect(text).toMatch(/^apo_agent_build_info\{version="9\.8\.7"\} 1$/m);
  });

  it('says what it serves on unknown paths and refuses writes', async () => {
    const base = await start();
    const missing = await fetch(`${base}/readyz`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('/healthz and /metrics');
    const post = await fetch(`${base}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
