/**
 * The proxy's data path in process, in front of a recording stand-in for the server (the whole-stack tests
 * run the real server): what reaches the server, byte for byte, and with which headers.
 */
import { gunzipSync, gzipSync, deflateSync, zstdCompressSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { grpcExport } from '../test/support/grpc-call.ts';
import {
  logsBody,
  metricsBody,
  post,
  sample,
  startHarness,
  tracesBody,
  until,
  type Harness,
} from '../test/support/proxy-harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.dispose();
  h = undefined;
});

describe('proxy forwarding (in process, recording stand-in for the server)', () => {
  it('forwards a gzip body byte for byte with its batch id, the cluster id and the proxy token', async () => {
    h = await startHarness();
    const gz = gzipSync(tracesBody(0, 20), { level: 1 });
    const res = await post(h.httpUrl, 'traces', gz, {
      'content-encoding': 'gzip',
      'x-apo-batch-id': 'agent-batch-1',
      'x-apo-agent-id': 'host-a',
      // An agent cannot choose its cluster: the proxy's own id replaces it.
      'x-apo-cluster-id': 'spoofed',
      authorization: 'Bearer something-the-server-must-not-see',
    });
    expect(res.status).toBe(200);
    await until('the batch upstream', () => h!.upstream.to('/v1/traces').length === 1);
    const sent = h.upstream.to('/v1/traces')[0]!;
    expect(sent.body.equals(gz)).toBe(true);
    expect(sent.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
      'x-apo-batch-id': 'agent-batch-1',
      'x-apo-cluster-id': 'test-cluster',
      'x-apo-agent-id': 'host-a',
      authorization: 'Bearer proxy-token',
    });
  });

  it('gzips identity and deflate bodies, keeps zstd, and gives a batch without an id a new one', async () => {
    h = await startHarness();
    const raw = tracesBody(0, 3);
    expect((await post(h.httpUrl, 'traces', raw)).status).toBe(200);
    expect(
      (await post(h.httpUrl, 'logs', deflateSync(logsBody(4)), { 'content-encoding': 'deflate' })).status,
    ).toBe(200);
    const zstd = zstdCompressSync(metricsBody(5));
    expect((await post(h.httpUrl, 'metrics', zstd, { 'content-encoding': 'zstd' })).status).toBe(200);
    await until('three batches upstream', () => h!.upstream.requests.length === 3);

    const t = h.upstream.to('/v1/traces')[0]!;
    expect(t.headers['content-encoding']).toBe('gzip');
    expect(new Uint8Array(gunzipSync(t.body))).toEqual(raw);
    expect(t.headers['x-apo-batch-id']).toMatch(/^[0-9a-f]{32}$/);
    const l = h.upstream.to('/v1/logs')[0]!;
    expect(l.headers['content-encoding']).toBe('gzip');
    expect(new Uint8Array(gunzipSync(l.body))).toEqual(logsBody(4));
    const m = h.upstream.to('/v1/metrics')[0]!;
    expect(m.headers['content-encoding']).toBe('zstd');
    expect(m.body.equals(zstd)).toBe(true);

    const metrics = await (await fetch(`${h.statusUrl}/metrics`)).text();
    expect(sample(metrics, 'apo_proxy_received_items_total{agent="anonymous",signal="traces"}')).toBe(3);
    expect(sample(metrics, 'apo_proxy_received_items_total{agent="anonymous",signal="logs"}')).toBe(4);
    expect(sample(metrics, 'apo_proxy_received_items_total{agent="anonymous",signal="metrics"}')).toBe(5);
    await until('forwarded counted', async () => {
      const text = await (await fetch(`${h!.statusUrl}/metrics`)).text();
      return sample(text, 'apo_proxy_forwarded_items_total{agent="anonymous",signal="metrics"}') === 5;
    });
  });

  it('accepts OTLP JSON, forwarding it gzipped as JSON', async () => {
    h = await startHarness();
    const json = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '5b8efff798038103d269b633813fc60c',
                  spanId: 'eee19b7ec3c1b174',
                  name: 'GET /json',
                  startTimeUnixNano: '1750000000000000000',
                  endTimeUnixNano: '1750000000001000000',
                },
              ],
            },
          ],
        },
      ],
    });
    const res = await fetch(`${h.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: json,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    await until('the JSON batch upstream', () => h!.upstream.requests.length === 1);
    const sent = h.upstream.requests[0]!;
    expect(sent.headers['content-type']).toBe('application/json');
    expect(gunzipSync(sent.body).toString()).toBe(json);
  });

  it('forwards gRPC exports gzipped, with the batch id from the metadata', async () => {
    h = await startHarness();
    const raw = tracesBody(100, 7);
    const answer = await grpcExport(h.proxy.otlpGrpcPort, 'traces', raw, { 'x-apo-batch-id': 'grpc-1' });
    expect(answer.status).toBe(0);
    await until('the gRPC batch upstream', () => h!.upstream.requests.length === 1);
    const sent = h.upstream.requests[0]!;
    expect(sent.url).toBe('/v1/traces');
    expect(sent.headers).toMatchObject({ 'content-encoding': 'gzip', 'x-apo-batch-id': 'grpc-1' });
    expect(new Uint8Array(gunzipSync(sent.body))).toEqual(raw);
  });

  it('acknowledges an empty export without forwarding anything', async () => {
    h = await startHarness();
    const res = await post(h.httpUrl, 'traces', new Uint8Array([0x0a, 0x00]));
    expect(res.status).toBe(200);
    expect((await post(h.httpUrl, 'traces', tracesBody(0, 1))).status).toBe(200);
    await until('the non-empty batch upstream', () => h!.upstream.requests.length === 1);
    expect(h.upstream.requests).toHaveLength(1);
  });

  it('keeps acknowledged batches on disk while the server refuses them, and delivers them after a restart', async () => {
    h = await startHarness({ export: { drainSeconds: 0 } });
    h.upstream.handler = (_req, res) => res.writeHead(503, { 'retry-after': '1' }).end();
    for (let i = 0; i < 5; i++)
      expect(
        (await post(h.httpUrl, 'traces', tracesBody(i * 10, 2), { 'x-apo-batch-id': `b${i}` })).status,
      ).toBe(200);
    const health = (await (await fetch(`${h.statusUrl}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ clusterId: 'test-cluster', exportUrl: h.upstream.url, queuedBatches: 5 });
    await until('a failed attempt', () => h!.upstream.requests.length > 0);
    await h.restart();
    h.upstream.handler = (_req, res) => res.writeHead(200).end('{}');
    await until('all five delivered', () => {
      const delivered = new Set(h!.upstream.requests.map((r) => r.headers['x-apo-batch-id']));
      return delivered.size === 5;
    });
    const lastHealth = (await (await fetch(`${h.statusUrl}/healthz`)).json()) as Record<string, unknown>;
    expect(typeof lastHealth.lastExportError === 'string' || lastHealth.lastExportError === null).toBe(true);
  });

  it('delivers its queue on close when the server answers within the drain time, leaving nothing behind', async () => {
    h = await startHarness({ export: { drainSeconds: 20, concurrency: 1 } });
    // A slow server: the queue is still full when close() starts.
    h.upstream.handler = (_req, res) => setTimeout(() => res.writeHead(200).end('{}'), 200);
    for (let i = 0; i < 6; i++)
      expect(
        (await post(h.httpUrl, 'traces', tracesBody(i * 10, 2), { 'x-apo-batch-id': `d${i}` })).status,
      ).toBe(200);
    await h.proxy.close();
    expect(new Set(h.upstream.requests.map((r) => r.headers['x-apo-batch-id'])).size).toBe(6);
    // Nothing is left on disk for the next start.
    await h.restart();
    const health = (await (await fetch(`${h.statusUrl}/healthz`)).json()) as Record<string, unknown>;
    expect(health.queuedBatches).toBe(0);
  });

  it('takes batches from enqueue() (the Kubernetes part) through the same queue', async () => {
    h = await startHarness();
    await h.proxy.enqueue({
      signal: 'logs',
      batchId: 'k8s-event-1',
      contentType: 'application/x-protobuf',
      contentEncoding: 'gzip',
      body: gzipSync(logsBody(1)),
      items: 1,
    });
    await until('the event batch upstream', () => h!.upstream.to('/v1/logs').length === 1);
    expect(h.upstream.to('/v1/logs')[0]!.headers).toMatchObject({
      'x-apo-batch-id': 'k8s-event-1',
      'x-apo-cluster-id': 'test-cluster',
    });
  });
});
