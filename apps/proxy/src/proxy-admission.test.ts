/**
 * What the proxy refuses, and how it says so, in process in front of a recording stand-in for the server:
 * credentials, malformed bodies, rate limits, a full queue. Nothing refused may reach the server.
 */
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { grpcExport } from '../test/support/grpc-call.ts';
import {
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

const metricsOf = async (harness: Harness) => (await fetch(`${harness.statusUrl}/metrics`)).text();

describe('proxy admission (in process, recording stand-in for the server)', () => {
  it('answers a missing or wrong agent token with 401 and a clear message, and forwards nothing', async () => {
    h = await startHarness({ agents: { tokens: ['agent-secret', { name: 'web', token: 'web-secret' }] } });
    const missing = await post(h.httpUrl, 'traces', tracesBody(0, 2), { 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    // A JSON error for a JSON request; the body is still bad JSON, but the credential is checked first.
    expect(await missing.json()).toMatchObject({
      code: 16,
      message: 'missing credential: this proxy requires "Authorization: Bearer <agent token>"',
    });
    const wrong = await post(h.httpUrl, 'traces', tracesBody(0, 2), { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const grpcWrong = await grpcExport(h.proxy.otlpGrpcPort, 'traces', tracesBody(0, 2), {
      authorization: 'Bearer nope',
    });
    expect(grpcWrong).toEqual({
      status: 16,
      message: "invalid agent token: it is not one of this proxy's agent tokens",
    });
    const decisions = await fetch(`${h.httpUrl}/v1/sampling/decisions?waitMs=0`);
    expect(decisions.status).toBe(401);

    const ok = await post(h.httpUrl, 'traces', tracesBody(0, 2), { authorization: 'Bearer web-secret' });
    expect(ok.status).toBe(200);
    const grpcOk = await grpcExport(h.proxy.otlpGrpcPort, 'traces', tracesBody(10, 3), {
      authorization: 'Bearer agent-secret',
    });
    expect(grpcOk.status).toBe(0);
    await until('the two accepted batches upstream', () => h!.upstream.requests.length === 2);
    // Give a wrongly forwarded batch time to show up before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(h.upstream.requests).toHaveLength(2);

    const metrics = await metricsOf(h);
    // Named by token when the sender sends no agent id.
    expect(sample(metrics, 'apo_proxy_received_items_total{agent="web",signal="traces"}')).toBe(2);
    expect(sample(metrics, 'apo_proxy_received_items_total{agent="token-1",signal="traces"}')).toBe(3);
    expect(
      sample(metrics, 'apo_proxy_rejected_requests_total{agent="unauthenticated",reason="unauthenticated"}'),
    ).toBe(3);
  });

  it('answers malformed input with 400 naming the problem, and keeps serving', async () => {
    h = await startHarness();
    const garbage = await post(h.httpUrl, 'traces', new Uint8Array([0x0a, 0x05, 0x01]));
    expect(garbage.status).toBe(400);
    const text = Buffer.from(await garbage.arrayBuffer()).toString('latin1');
    expect(text).toContain('invalid OTLP traces request: resourceSpans[0]: length 5 runs past the end');
    const badGzip = await post(h.httpUrl, 'traces', new Uint8Array([1, 2, 3]), {
      'content-encoding': 'gzip',
    });
    expect(badGzip.status).toBe(400);
    const badJson = await fetch(`${h.httpUrl}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceLogs": [{"scopeLogs": 7}]}',
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { message: string }).message).toMatch(/^invalid OTLP logs request: /);
    const badId = await post(h.httpUrl, 'traces', tracesBody(0, 1), {
      'x-apo-batch-id': 'no spaces allowed',
    });
    expect(badId.status).toBe(400);
    const grpcBad = await grpcExport(h.proxy.otlpGrpcPort, 'metrics', new Uint8Array([0xff]));
    expect(grpcBad.status).toBe(3);

    expect((await post(h.httpUrl, 'traces', tracesBody(0, 4))).status).toBe(200);
    await until('the valid batch upstream', () => h!.upstream.requests.length === 1);
    expect(h.upstream.requests).toHaveLength(1);
    const metrics = await metricsOf(h);
    expect(sample(metrics, 'apo_proxy_rejected_requests_total{agent="anonymous",reason="malformed"}')).toBe(
      5,
    );
  });

  it('answers bodies over the limit, compressed or inflated, with 413', async () => {
    h = await startHarness({ receivers: { maxBodyBytes: 4096 } });
    const big = tracesBody(0, 200);
    expect(big.length).toBeGreaterThan(4096);
    expect((await post(h.httpUrl, 'traces', big)).status).toBe(413);
    const bomb = gzipSync(big);
    expect(bomb.length).toBeLessThan(4096);
    expect((await post(h.httpUrl, 'traces', bomb, { 'content-encoding': 'gzip' })).status).toBe(413);
    expect((await post(h.httpUrl, 'traces', tracesBody(0, 2))).status).toBe(200);
  });

  it('limits items per second per token with 429 and Retry-After, and counts it', async () => {
    h = await startHarness({
      agents: {
        tokens: [{ name: 'slow', token: 'slow-secret', itemsPerSecond: 10, burst: 20 }, 'other-secret'],
        rateLimit: { itemsPerSecond: 1000 },
      },
    });
    const slow = { authorization: 'Bearer slow-secret' };
    expect((await post(h.httpUrl, 'traces', tracesBody(0, 15), slow)).status).toBe(200);
    const limited = await post(h.httpUrl, 'traces', tracesBody(100, 15), slow);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const grpcLimited = await grpcExport(h.proxy.otlpGrpcPort, 'traces', tracesBody(200, 15), slow);
    expect(grpcLimited.status).toBe(8);
    // Another token has its own bucket.
    expect(
      (await post(h.httpUrl, 'traces', tracesBody(300, 15), { authorization: 'Bearer other-secret' })).status,
    ).toBe(200);
    const metrics = await metricsOf(h);
    expect(sample(metrics, 'apo_proxy_rejected_requests_total{agent="slow",reason="rate_limited"}')).toBe(2);
    expect(sample(metrics, 'apo_proxy_rejected_items_total{agent="slow",reason="rate_limited"}')).toBe(30);
  });

  it('answers 503 with Retry-After when its disk queue is full, and loses nothing it acknowledged', async () => {
    h = await startHarness({ export: { queueMaxBytes: 1024 * 1024 } });
    h.upstream.handler = (_req, res) => res.writeHead(503, { 'retry-after': '1' }).end();
    // gzip bodies are queued as they come: stored uncompressed (level 0), ~50 KB each fill 1 MiB after ~20.
    const acked: string[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 60 && refused === undefined; i++) {
      const body = gzipSync(tracesBody(i * 1000, 500), { level: 0 });
      const res = await post(h.httpUrl, 'traces', body, {
        'content-encoding': 'gzip',
        'x-apo-batch-id': `q${i}`,
      });
      if (res.status === 200) acked.push(`q${i}`);
      else refused = res;
    }
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('5');
    // A protobuf request gets a google.rpc.Status body: the message is in it as UTF-8.
    expect(Buffer.from(await refused!.arrayBuffer()).toString()).toContain('disk queue is full');
    expect(acked.length).toBeGreaterThan(5);

    h.upstream.handler = (_req, res) => res.writeHead(200).end('{}');
    await until(
      'every acknowledged batch delivered',
      () => {
        const ok = new Set(h!.upstream.requests.map((r) => String(r.headers['x-apo-batch-id'])));
        return acked.every((id) => ok.has(id));
      },
      30_000,
    );
    const metrics = await metricsOf(h);
    expect(sample(metrics, 'apo_proxy_rejected_requests_total{agent="anonymous",reason="queue_full"}')).toBe(
      1,
    );
    expect(
      sample(metrics, 'apo_proxy_export_dropped_batches_total{signal="traces",reason="queue_full"}'),
    ).toBe(0);
  });
});
