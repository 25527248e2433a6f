/**
 * The whole data path with real parts: two services started with our preload (`--import
 * @apo/agent/instrument`; express, fetch between them, node:sqlite, pino) → apo-agent (RED, tail sampling,
 * host and process collectors) → apo-server. Everything the guided views need is then queryable: traces
 * across both services, RED series, client-call metrics (the SQLite table, the HTTP peer), process and host
 * metrics, and logs with trace ids.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fixtureEnv,
  startFixture,
  waitForReady,
  type FixtureProcess,
} from '../../apps/agent/test/instrument/fixture-process.ts';
import { apiClient, type ApiClient } from '../../apps/server/test/support/api-client.ts';
import { startServerProcess, type ServerProcess } from '../../apps/server/test/support/server-process.ts';
import { eventually, startAgentProcess, type AgentProcess } from './support/agent-process.ts';
import { attributeValue } from '../../packages/shared/src/model/index.ts';

describe('instrumented services → agent → server (real processes)', () => {
  let server: ServerProcess;
  let agent: AgentProcess;
  let api: ApiClient;
  let orders: FixtureProcess;
  let stock: FixtureProcess;
  let ordersPort = 0;
  const requests = 12;
  const from = Date.now() - 60_000;
  const window = () => ({ from, to: Date.now() + 120_000 });

  beforeAll(async () => {
    server = await startServerProcess();
    api = apiClient(server.httpUrl);
    const dir = await mkdtemp(join(tmpdir(), 'apo-instrumented-'));
    const config = join(dir, 'agent.yaml');
    // Everything under budget is kept; short windows and intervals so the test does not wait long.
    await writeFile(
      config,
      'sampling:\n  decisionWaitSeconds: 1\n  holdSeconds: 2\nred:\n  flushIntervalSeconds: 1\nhost:\n  intervalSeconds: 1\nprocesses:\n  intervalSeconds: 1\n',
    );
    agent = await startAgentProcess({ exportUrl: server.httpUrl, env: { APO_AGENT_CONFIG: config } });
    const env = (service: string, extra: Record<string, string> = {}) =>
      fixtureEnv({ PATH: process.env.PATH, HOME: process.env.HOME }, agent.otlpHttpUrl, {
        OTEL_SERVICE_NAME: service,
        ...extra,
      });
    stock = startFixture('--import', 'server.mts', [join(dir, 'stock.db')], env('stock'));
    const stockReady = await waitForReady(stock);
    orders = startFixture(
      '--import',
      'server.mts',
      [join(dir, 'orders.db')],
      env('orders', { STOCK_URL: `http://127.0.0.1:${String(stockReady.expressPort)}` }),
    );
    ordersPort = Number((await waitForReady(orders)).expressPort);
    for (let i = 0; i < requests; i++) {
      const res = await fetch(`http://127.0.0.1:${ordersPort}/orders/1`);
      expect(res.status).toBe(200);
    }
  }, 90_000);
  afterAll(async () => {
    orders.kill();
    stock.kill();
    await agent.dispose();
    await server.dispose();
  });

  it('stores traces that cross both services, with the SQLite call as a client span', async () => {
    const page = await eventually(
      async () => {
        const p = await api.traces.search.query({ ...window(), service: 'stock', limit: 100 });
        return p.items.length >= requests ? p : undefined;
      },
      30_000,
      'spans of the stock service',
    );
    const trace = await eventually(
      async () => {
        const t = await api.traces.byId.query({ traceId: page.items[0]!.traceId });
        const services = new Set(t.spans.map((s) => s.service));
        return services.has('orders') && services.has('stock') ? t : undefined;
      },
      30_000,
      'a trace with both services',
    );
    const sqlite = trace.spans.find((s) => attributeValue(s.attributes, 'db.system.name') === 'sqlite');
    expect(sqlite?.service).toBe('orders');
    expect(sqlite?.kind).toBe(3); // CLIENT
    expect(sqlite && attributeValue(sqlite.attributes, 'db.collection.name')).toBe('orders');
  });

  it('answers RED series and client-call metrics from the rollups', async () => {
    const red = await eventually(
      async () => {
        const points = await api.services.red.query({ service: 'orders', ...window(), step: 60 });
        const count = points.reduce((n, p) => n + p.count, 0);
        return count >= requests ? points : undefined;
      },
      30_000,
      'RED of the orders service',
    );
    expect(red.reduce((n, p) => n + p.count, 0)).toBe(requests);
    expect(red.reduce((n, p) => n + p.errors, 0)).toBe(0);
    const endpoints = await api.services.redEndpoints.query({ service: 'orders', ...window() });
    expect(endpoints.map((e) => e.endpoint)).toContain('GET /orders/:id');
    const calls = await eventually(
      async () => {
        const c = await api.services.redCalls.query({ service: 'orders', ...window() });
        return c.some((call) => call.callType === 'db') && c.some((call) => call.callType === 'http')
          ? c
          : undefined;
      },
      30_000,
      'client-call metrics of the orders service',
    );
    const db = calls.find((c) => c.callType === 'db')!;
    expect(db).toMatchObject({ system: 'sqlite', target: 'orders', operation: 'SELECT' });
    expect(db.count).toBe(requests);
    expect(calls.find((c) => c.callType === 'http')?.count).toBe(requests);
  });

  it('has process metrics for each service and host metrics for its host', async () => {
    for (const service of ['orders', 'stock']) {
      await eventually(
        async () => {
          const points = await api.metrics.points.query({ ...window(), name: 'process.cpu.time', service });
          return points.length > 0 ? points : undefined;
        },
        30_000,
        `process metrics of ${service}`,
      );
    }
    const host = await eventually(
      async () => {
        const points = await api.metrics.points.query({ ...window(), name: 'node_load1' });
        return points.length > 0 ? points : undefined;
      },
      30_000,
      'host metrics',
    );
    expect(host.length).toBeGreaterThan(0);
  });

  it("stores each service's logs with the trace id of the request", async () => {
    const logs = await eventually(
      async () => {
        const page = await api.logs.search.query({ ...window(), service: 'orders', text: 'loading order' });
        return page.items.length >= requests ? page.items : undefined;
      },
      30_000,
      'pino logs of the orders service',
    );
    expect(logs.every((l) => /^[0-9a-f]{32}$/.test(l.traceId))).toBe(true);
  });
});
