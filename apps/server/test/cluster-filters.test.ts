/**
 * Every query procedure takes a `cluster` filter and returns only that cluster's data: two clusters send
 * the same service (and even one trace id) to a real server process, and each procedure is asked for one
 * cluster, the other, and both.
 */
import { attributeValue } from '@apo/shared/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { gaugeOf, logsOf, sendLogs, sendMetrics, sendSpans, spansOf } from './support/cluster-telemetry.ts';
import { hex } from './support/fixtures.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const MINUTE = 60_000;
const T0 = Math.floor(Date.now() / MINUTE) * MINUTE - 5 * MINUTE;
const range = { from: T0 - MINUTE, to: T0 + 2 * MINUTE };
const shared = hex(16);
/** Requests per cluster; one trace id is in both. */
const sent = { 'eu-1': 3, 'us-1': 1 } as const;

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  // Auth off on loopback: every sender is trusted with its X-APO-Cluster-Id, as a proxy would be.
  server = await startServerProcess({ env: { APO_RED_FLUSH_INTERVAL_MS: '0' } });
  api = apiClient(server.httpUrl);
  for (const [cluster, n] of Object.entries(sent)) {
    const resource = { 'service.name': 'shop', 'service.instance.id': `shop-${cluster}` };
    for (let i = 0; i < n; i++)
      await sendSpans(server.httpUrl, spansOf(resource, T0 + i * 1000, i === 0 ? shared : hex(16)), {
        cluster,
      });
    await sendLogs(server.httpUrl, logsOf(resource, T0, `hello from ${cluster}`), { cluster });
    await sendLogs(server.httpUrl, logsOf(resource, T0, `deployed in ${cluster}`, { eventName: 'deploy' }), {
      cluster,
    });
    await sendMetrics(server.httpUrl, gaugeOf({ 'host.name': `host-${cluster}` }, T0, 'node_load1', 0.5), {
      cluster,
    });
  }
});
afterAll(async () => {
  await server.dispose();
});

describe('the cluster filter of every query procedure', () => {
  it('services.list, services.red, services.redEndpoints, services.redCalls', async () => {
    for (const [cluster, n] of Object.entries(sent)) {
      const [service] = await api.services.list.query({ ...range, cluster });
      expect(service).toMatchObject({ name: 'shop', spanCount: 2 * n, logCount: 1, requestCount: n });
      const red = await api.services.red.query({ ...range, service: 'shop', cluster, step: 180 });
      expect(red.reduce((sum, p) => sum + p.count, 0)).toBe(n);
      expect(await api.services.redEndpoints.query({ ...range, service: 'shop', cluster })).toMatchObject([
        { endpoint: 'GET /orders', count: n },
      ]);
      expect(await api.services.redCalls.query({ ...range, service: 'shop', cluster })).toMatchObject([
        { callType: 'db', system: 'postgresql', count: n },
      ]);
    }
    const [both] = await api.services.list.query(range);
    expect(both).toMatchObject({ spanCount: 8, requestCount: 4 });
  });

  it('traces.search and traces.byId', async () => {
    for (const [cluster, n] of Object.entries(sent)) {
      const { items } = await api.traces.search.query({ ...range, cluster });
      expect(items).toHaveLength(2 * n);
      expect(new Set(items.map((s) => s.cluster))).toEqual(new Set([cluster]));
      const trace = await api.traces.byId.query({ traceId: shared, cluster });
      expect(trace.spans.map((s) => s.cluster)).toEqual([cluster, cluster]);
    }
    expect((await api.traces.byId.query({ traceId: shared })).spans).toHaveLength(4);
    await expect(api.traces.byId.query({ traceId: shared, cluster: 'nowhere' })).rejects.toThrow(/not found/);
  });

  it('logs.search, events.search and metrics.points', async () => {
    for (const cluster of Object.keys(sent)) {
      expect((await api.logs.search.query({ ...range, cluster })).items.map((l) => l.body)).toEqual([
        `hello from ${cluster}`,
      ]);
      expect(
        (await api.events.search.query({ ...range, cluster })).items.map((e) => [e.name, e.body]),
      ).toEqual([['deploy', `deployed in ${cluster}`]]);
      const points = await api.metrics.points.query({ ...range, name: 'node_load1', cluster });
      expect(points.map((p) => [p.cluster, attributeValue(p.resource, 'host.name')])).toEqual([
        [cluster, `host-${cluster}`],
      ]);
    }
    expect((await api.logs.search.query(range)).items).toHaveLength(2);
    expect(await api.metrics.points.query({ ...range, name: 'node_load1' })).toHaveLength(2);
  });

  it('clusters.list, with hosts from host metrics', async () => {
    const all = await api.clusters.list.query(range);
    expect(all.map((c) => [c.cluster, c.services, c.instances, c.hosts, c.spans])).toEqual([
      ['eu-1', 1, 1, 1, 6],
      ['us-1', 1, 1, 1, 2],
    ]);
    expect((await api.clusters.list.query({ ...range, cluster: 'us-1' })).map((c) => c.cluster)).toEqual([
      'us-1',
    ]);
  });
});
