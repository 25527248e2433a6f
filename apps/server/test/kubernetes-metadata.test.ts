/**
 * Kubernetes metadata end to end against a real server process (auth on): a proxy's pod snapshot in over
 * `PUT /v1/kubernetes/pods` (and every way it can be refused), pod attributes on the spans, logs and metrics
 * of that cluster only, Kubernetes events queryable by workload, `clusters.list`, and the snapshot kept
 * across a restart.
 */
import { gzipSync } from 'node:zlib';
import { attributeValue } from '@apo/shared/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from './support/api-client.ts';
import {
  gaugeOf,
  logsOf,
  podOf,
  putSnapshot,
  sendLogs,
  sendMetrics,
  sendSpans,
  spansOf,
} from './support/cluster-telemetry.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const ADMIN = 'admin-token-0123456789';
const PROXY = 'proxy-token-0123456789';
const AGENT = 'agent-token-0123456789';
const env = {
  APO_AUTH: 'on',
  APO_ADMIN_TOKEN: ADMIN,
  APO_PROXY_TOKENS: PROXY,
  APO_INGEST_TOKEN: AGENT,
  APO_MAX_BODY_BYTES: String(256 * 1024),
  APO_RED_FLUSH_INTERVAL_MS: '0',
};

const idCheckout = 'a1'.repeat(32);
const idPostgres = 'b2'.repeat(32);
const pods = [
  podOf({
    uid: 'uid-checkout',
    name: 'checkout-7d9f8b6c5d-x2x4z',
    podIp: '10.244.1.11',
    containerIds: [idCheckout],
  }),
  podOf({
    uid: 'uid-postgres',
    name: 'postgres-0',
    node: 'node-b',
    podIp: '10.244.2.12',
    containerIds: [idPostgres],
    workloadKind: 'StatefulSet',
    workloadName: 'postgres',
  }),
];
const checkoutAttributes = {
  'k8s.namespace.name': 'shop',
  'k8s.pod.name': 'checkout-7d9f8b6c5d-x2x4z',
  'k8s.pod.uid': 'uid-checkout',
  'k8s.node.name': 'node-a',
  'k8s.deployment.name': 'checkout',
  'k8s.workload.kind': 'Deployment',
  'k8s.workload.name': 'checkout',
};

const T0 = Date.now() - 10 * 60_000;
const range = { from: T0 - 60_000, to: Date.now() + 60 * 60_000 };
const asProxy = (cluster: string) => ({ token: PROXY, cluster });
const proxyHeaders = (cluster: string) => ({ authorization: `Bearer ${PROXY}`, 'x-apo-cluster-id': cluster });

let server: ServerProcess;
let api: ApiClient;

beforeAll(async () => {
  server = await startServerProcess({ env });
  api = apiClient(server.httpUrl, ADMIN);
});
afterAll(async () => {
  await server.dispose();
});

describe('PUT /v1/kubernetes/pods', () => {
  const body = JSON.stringify({ pods });

  it('is refused to senders that are not proxies: 401 without or with a wrong token, 403 for an agent', async () => {
    expect(await putSnapshot(server.httpUrl, body, { 'x-apo-cluster-id': 'eu-1' })).toEqual({
      status: 401,
      json: { message: 'missing credential: send "Authorization: Bearer <ingest token>"' },
    });
    expect(
      (await putSnapshot(server.httpUrl, body, { authorization: 'Bearer nope', 'x-apo-cluster-id': 'eu-1' }))
        .status,
    ).toBe(401);
    const agent = await putSnapshot(server.httpUrl, body, {
      authorization: `Bearer ${AGENT}`,
      'x-apo-cluster-id': 'eu-1',
    });
    expect(agent.status).toBe(403);
    expect(agent.json.message).toMatch(/only a proxy may publish Kubernetes metadata/);
  });

  it('answers 400, 413 or 415 with a message naming the problem', async () => {
    const bad = async (payload: string | Uint8Array, headers: Record<string, string>) =>
      putSnapshot(server.httpUrl, payload, { ...proxyHeaders('eu-1'), ...headers });
    expect(await bad(body, { 'x-apo-cluster-id': '' })).toMatchObject({
      status: 400,
      json: { message: expect.stringMatching(/X-APO-Cluster-Id is required/) as unknown },
    });
    expect((await bad(body, { 'x-apo-cluster-id': 'eu 1; drop' })).status).toBe(400);
    expect(await bad('{"pods": [', {})).toMatchObject({
      status: 400,
      json: { message: expect.stringMatching(/^invalid pod snapshot: not JSON/) as unknown },
    });
    const missingUid = JSON.stringify({ pods: [{ ...pods[0], uid: undefined }] });
    expect(await bad(missingUid, {})).toMatchObject({
      status: 400,
      json: { message: expect.stringMatching(/^invalid pod snapshot: pods\.0\.uid: /) as unknown },
    });
    const badKind = JSON.stringify({ pods: [{ ...pods[0], workloadKind: 'not a kind' }] });
    expect((await bad(badKind, {})).json.message).toMatch(/pods\.0\.workloadKind: a Kubernetes kind/);
    expect(await bad(body, { 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
    // Small on the wire, over the limit once inflated.
    const bomb = gzipSync(JSON.stringify({ pods: [], pad: 'x'.repeat(1024 * 1024) }));
    expect(await bad(bomb, { 'content-encoding': 'gzip' })).toMatchObject({ status: 413 });
    expect(await bad(body, { 'content-encoding': 'br' })).toMatchObject({ status: 415 });
    // Nothing of that was stored.
    expect(await api.clusters.list.query(range)).toEqual([]);
  });

  it('accepts a proxy’s snapshot (gzip JSON) for its cluster', async () => {
    const res = await putSnapshot(server.httpUrl, gzipSync(body), {
      ...proxyHeaders('eu-1'),
      'content-encoding': 'gzip',
    });
    expect(res).toEqual({ status: 200, json: { cluster: 'eu-1', pods: 2 } });
  });
});

describe('pod metadata at ingest', () => {
  it('is attached to spans, logs and metrics of the publishing cluster, by container id, pod uid or pod IP', async () => {
    await sendSpans(
      server.httpUrl,
      spansOf({ 'service.name': 'checkout', 'container.id': idCheckout }, T0),
      asProxy('eu-1'),
    );
    // The same container id from another cluster is another container: nothing attached.
    await sendSpans(
      server.httpUrl,
      spansOf({ 'service.name': 'checkout', 'container.id': idCheckout }, T0),
      asProxy('us-1'),
    );
    await sendLogs(
      server.httpUrl,
      logsOf(
        { 'service.name': 'postgres', 'k8s.pod.uid': 'uid-postgres', 'k8s.namespace.name': 'db-team' },
        T0,
        'checkpoint complete',
      ),
      asProxy('eu-1'),
    );
    await sendMetrics(
      server.httpUrl,
      gaugeOf({ 'service.name': 'checkout', 'k8s.pod.ip': '10.244.1.11' }, T0, 'app_queue_depth', 3),
      asProxy('eu-1'),
    );

    const eu = await api.traces.search.query({ ...range, cluster: 'eu-1', service: 'checkout' });
    expect(eu.items).toHaveLength(2);
    for (const span of eu.items)
      expect(Object.fromEntries(span.resource)).toEqual({
        'service.name': 'checkout',
        'container.id': idCheckout,
        ...checkoutAttributes,
      });
    const us = await api.traces.search.query({ ...range, cluster: 'us-1', service: 'checkout' });
    expect(us.items).toHaveLength(2);
    for (const span of us.items)
      expect(Object.fromEntries(span.resource)).toEqual({
        'service.name': 'checkout',
        'container.id': idCheckout,
      });
    // The resource attributes are searchable like any other.
    const byWorkload = await api.traces.search.query({
      ...range,
      attributes: [{ key: 'k8s.deployment.name', value: 'checkout' }],
    });
    expect(new Set(byWorkload.items.map((s) => s.cluster))).toEqual(new Set(['eu-1']));

    const [log] = (await api.logs.search.query({ ...range, cluster: 'eu-1', service: 'postgres' })).items;
    // What the sender set stays (its namespace), the rest is added.
    expect(Object.fromEntries(log!.resource)).toEqual({
      'service.name': 'postgres',
      'k8s.pod.uid': 'uid-postgres',
      'k8s.namespace.name': 'db-team',
      'k8s.pod.name': 'postgres-0',
      'k8s.node.name': 'node-b',
      'k8s.statefulset.name': 'postgres',
      'k8s.workload.kind': 'StatefulSet',
      'k8s.workload.name': 'postgres',
    });
    const [point] = await api.metrics.points.query({ ...range, name: 'app_queue_depth', cluster: 'eu-1' });
    expect(Object.fromEntries(point!.resource)).toEqual({
      'service.name': 'checkout',
      'k8s.pod.ip': '10.244.1.11',
      ...checkoutAttributes,
    });
  });

  it('stores the proxy’s Kubernetes events with their workload, queryable by it', async () => {
    const workload = {
      'service.name': 'checkout',
      'k8s.namespace.name': 'shop',
      'k8s.pod.name': 'checkout-7d9f8b6c5d-x2x4z',
      'k8s.workload.kind': 'Deployment',
      'k8s.workload.name': 'checkout',
      'k8s.deployment.name': 'checkout',
    };
    await sendLogs(
      server.httpUrl,
      logsOf(workload, T0 + 1000, 'Back-off restarting failed container checkout', {
        eventName: 'k8s.event',
        severity: 13,
        attributes: {
          'event.name': 'k8s.event',
          'k8s.event.reason': 'BackOff',
          'k8s.event.type': 'Warning',
          'k8s.event.count': 7n,
        },
      }),
      asProxy('eu-1'),
    );
    const found = await api.events.search.query({
      ...range,
      cluster: 'eu-1',
      workloadKind: 'Deployment',
      workloadName: 'checkout',
    });
    expect(found.items).toHaveLength(1);
    expect(Object.fromEntries(found.items[0]!.attributes)).toMatchObject({
      'k8s.event.reason': 'BackOff',
      'k8s.event.count': '7',
    });
    expect(Object.fromEntries(found.items[0]!.resource)).toMatchObject({
      'k8s.workload.name': 'checkout',
      'k8s.namespace.name': 'shop',
    });
    expect(found.items[0]).toMatchObject({
      cluster: 'eu-1',
      service: 'checkout',
      name: 'k8s.event',
      severityNumber: 13,
      body: 'Back-off restarting failed container checkout',
    });
    expect((await api.events.search.query({ ...range, cluster: 'us-1' })).items).toEqual([]);
    expect((await api.events.search.query({ ...range, workloadName: 'postgres' })).items).toEqual([]);
    // An event, not a log.
    expect((await api.logs.search.query({ ...range, text: 'Back-off' })).items).toEqual([]);
  });

  it('uses the latest snapshot: a republished pod list replaces the previous one', async () => {
    const moved = [
      podOf({
        uid: 'uid-checkout-2',
        name: 'checkout-84c5f6d7b8-a1b2c',
        node: 'node-c',
        containerIds: [idCheckout],
        workloadName: 'checkout-v2',
      }),
    ];
    expect(
      (await putSnapshot(server.httpUrl, JSON.stringify({ pods: moved }), proxyHeaders('eu-1'))).status,
    ).toBe(200);
    await sendSpans(
      server.httpUrl,
      spansOf(
        { 'service.name': 'checkout-next', 'service.instance.id': 'next-1', 'container.id': idCheckout },
        T0,
      ),
      asProxy('eu-1'),
    );
    const [span] = (
      await api.traces.search.query({ ...range, cluster: 'eu-1', service: 'checkout-next', limit: 1 })
    ).items;
    expect(attributeValue(span!.resource, 'k8s.workload.name')).toBe('checkout-v2');
    expect(attributeValue(span!.resource, 'k8s.node.name')).toBe('node-c');
    // Back to the first snapshot for the tests after this one.
    expect((await putSnapshot(server.httpUrl, JSON.stringify({ pods }), proxyHeaders('eu-1'))).status).toBe(
      200,
    );
  });
});

describe('clusters.list', () => {
  it('lists every cluster with what it sent and whether its proxy published Kubernetes metadata', async () => {
    const clusters = await api.clusters.list.query(range);
    expect(clusters.map((c) => c.cluster)).toEqual(['eu-1', 'us-1']);
    const [eu, us] = clusters;
    // Spans: two requests of checkout and checkout-next (a server and a database span each); batches: those
    // two, the logs, the metrics and the event.
    expect(eu).toMatchObject({
      services: 2,
      instances: 1,
      spans: 4,
      events: 1,
      kubernetesEvents: 1,
      batches: 5,
    });
    expect(eu?.kubernetes?.pods).toBe(2);
    expect(eu?.kubernetes?.publishedAt).toBeGreaterThan(T0);
    expect(eu?.lastSeen).toBeGreaterThan(T0);
    expect(us).toMatchObject({ services: 1, spans: 2, events: 0, batches: 1, kubernetes: null });
    expect(await api.clusters.list.query({ ...range, cluster: 'us-1' })).toEqual([us]);
    // A range without data still shows the cluster whose proxy publishes its pods.
    const past = { from: T0 - 86_400_000, to: T0 - 3_600_000 };
    expect(
      (await api.clusters.list.query(past)).map((c) => [c.cluster, c.lastSeen, c.kubernetes?.pods]),
    ).toEqual([['eu-1', null, 2]]);
  });
});

describe('after a restart', () => {
  it('keeps the latest snapshot of each cluster and attaches it from the first request', async () => {
    const before = (await api.clusters.list.query({ ...range, cluster: 'eu-1' }))[0]?.kubernetes;
    await server.stop();
    server = await startServerProcess({
      env,
      dataDir: server.dataDir,
      httpPort: server.httpPort,
      grpcPort: server.grpcPort,
    });
    api = apiClient(server.httpUrl, ADMIN);
    expect((await api.clusters.list.query({ ...range, cluster: 'eu-1' }))[0]?.kubernetes).toEqual(before);
    await sendSpans(
      server.httpUrl,
      spansOf({ 'service.name': 'after-restart', 'container.id': idPostgres }, T0),
      asProxy('eu-1'),
    );
    const [span] = (await api.traces.search.query({ ...range, service: 'after-restart', limit: 1 })).items;
    expect(Object.fromEntries(span!.resource)).toMatchObject({
      'k8s.pod.name': 'postgres-0',
      'k8s.workload.kind': 'StatefulSet',
    });
  });
});
