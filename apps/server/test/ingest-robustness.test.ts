import { randomBytes } from 'node:crypto';
import { deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '@apo/shared/otlp';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';
import { apiClient, type ApiClient } from './support/api-client.ts';
import { hex, manyAttributes, tracesRequest } from './support/fixtures.ts';

let server: ServerProcess;
let api: ApiClient;
const window = () => ({ from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 });

beforeAll(async () => {
  server = await startServerProcess();
  api = apiClient(server.httpUrl);
});
afterAll(async () => {
  await server.dispose();
});

async function post(body: Uint8Array | string, headers: Record<string, string>, path = '/v1/traces') {
  const res = await fetch(`${server.httpUrl}${path}`, { method: 'POST', body, headers });
  const type = res.headers.get('content-type') ?? '';
  const payload: Record<string, unknown> | ArrayBuffer = type.includes('json')
    ? ((await res.json()) as Record<string, unknown>)
    : await res.arrayBuffer();
  return { status: res.status, headers: res.headers, payload };
}

const proto = { 'content-type': 'application/x-protobuf' };

/** The error message of a JSON status body, or the text of a protobuf google.rpc.Status. */
function messageOf(payload: Record<string, unknown> | ArrayBuffer): string {
  return payload instanceof ArrayBuffer ? new TextDecoder().decode(payload) : String(payload.message);
}

async function spanCount(service: string): Promise<number> {
  const services = await api.services.list.query(window());
  return services.find((s) => s.name === service)?.spanCount ?? 0;
}

/** After every bad request the server must still store a good one. */
async function expectStillServing(tag: string) {
  const service = `alive-${tag}`;
  const ok = await post(encodeTracesProto(tracesRequest(service, 3)), proto);
  expect(ok.status).toBe(200);
  expect(await spanCount(service)).toBe(3);
}

describe('bad input gets its documented status and message, and loses nothing else', () => {
  it('malformed protobuf → 400 naming the problem', async () => {
    const res = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01]), proto);
    expect(res.status).toBe(400);
    expect(res.payload).toBeInstanceOf(ArrayBuffer); // google.rpc.Status for protobuf clients
    expect(messageOf(res.payload)).toContain('invalid OTLP protobuf traces request');
    await expectStillServing('proto');
  });

  it('malformed JSON → 400 with a JSON status', async () => {
    const res = await post('{"resourceSpans": [ {', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.payload).toMatchObject({ code: 3 });
    expect(messageOf(res.payload)).toContain('invalid OTLP json traces request');
    await expectStillServing('json');
  });

  it('wrong content type → 415 naming the accepted types', async () => {
    const res = await post('hello', { 'content-type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(messageOf(res.payload)).toContain('application/x-protobuf or application/json');
  });

  it('unknown content encoding → 415 naming the supported ones', async () => {
    const res = await post(encodeTracesProto(tracesRequest('enc', 1)), {
      ...proto,
      'content-encoding': 'br',
    });
    expect(res.status).toBe(415);
    expect(messageOf(res.payload)).toContain('unsupported Content-Encoding "br"');
  });

  it('gzip bomb (64 MiB of zeros in ~64 KiB) → 413 without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const res = await post(bomb, { ...proto, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
    expect(messageOf(res.payload)).toContain('decompressed body exceeds the limit of 16777216 bytes');
    await expectStillServing('bomb');
  });

  it('oversized body (17 MiB) → 413', async () => {
    const res = await post(randomBytes(17 * 1024 * 1024), proto);
    expect(res.status).toBe(413);
    expect(messageOf(res.payload)).toContain('exceeds the limit of 16777216 bytes');
    await expectStillServing('big');
  });

  it('10,000 attributes on a span → stored with 128, the rest counted as dropped, a partial-success message', async () => {
    const traceId = hex(16);
    const res = await post(
      encodeTracesProto(tracesRequest('wide', 1, { traceId, attributes: manyAttributes(10_000) })),
      proto,
    );
    expect(res.status).toBe(200);
    const trace = await api.traces.byId.query({ traceId });
    expect(trace.spans[0]!.attributes).toHaveLength(128);
    expect(trace.spans[0]!.dropped.attributes).toBe(10_000 - 128);
  });

  it('the partial-success answer tells a JSON client what was cut', async () => {
    const request = tracesRequest('wide-json', 1, { attributes: manyAttributes(200) });
    const span = request.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'wide-json' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: span.traceId,
                  spanId: span.spanId,
                  name: 'wide',
                  kind: 2,
                  startTimeUnixNano: span.startTimeUnixNano.toString(),
                  endTimeUnixNano: span.endTimeUnixNano.toString(),
                  attributes: Object.keys(span.attributes).map((key) => ({
                    key,
                    value: { stringValue: 'x' },
                  })),
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await post(JSON.stringify(body), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.payload).toEqual({
      partialSuccess: { rejectedSpans: '0', errorMessage: '72 attributes dropped (limit 128 per record)' },
    });
  });
});

describe('compressed bodies', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['zstd', zstdCompressSync],
  ] as const)('accepts %s', async (encoding, compress) => {
    const service = `compressed-${encoding}`;
    const res = await post(compress(encodeTracesProto(tracesRequest(service, 4))), {
      ...proto,
      'content-encoding': encoding,
    });
    expect(res.status).toBe(200);
    expect(await spanCount(service)).toBe(4);
  });

  it('a corrupt gzip body → 400 naming the encoding', async () => {
    const res = await post(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), {
      ...proto,
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(400);
    expect(messageOf(res.payload)).toContain('not valid gzip data');
  });
});

describe('idempotent retries and concurrency', () => {
  it('the same batch sent twice with the same batch id is stored once', async () => {
    const body = encodeTracesProto(tracesRequest('retry', 10));
    const headers = { ...proto, 'x-apo-batch-id': `b-${hex(8)}` };
    expect((await post(body, headers)).status).toBe(200);
    expect((await post(body, headers)).status).toBe(200);
    expect(await spanCount('retry')).toBe(10);
  });

  it('the same batch id sent concurrently is stored once', async () => {
    const body = encodeTracesProto(tracesRequest('retry-concurrent', 7));
    const headers = { ...proto, 'x-apo-batch-id': `c-${hex(8)}` };
    const results = await Promise.all([post(body, headers), post(body, headers), post(body, headers)]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await spanCount('retry-concurrent')).toBe(7);
  });

  it('a malformed batch id is refused with 400', async () => {
    const res = await post(encodeTracesProto(tracesRequest('bad-id', 1)), {
      ...proto,
      'x-apo-batch-id': 'has space',
    });
    expect(res.status).toBe(400);
  });

  it('50 concurrent exporters × 8 batches of 100 spans: exact row count', async () => {
    const exporters = 50;
    const batches = 8;
    await Promise.all(
      Array.from({ length: exporters }, async (_, e) => {
        for (let b = 0; b < batches; b++) {
          const res = await post(encodeTracesProto(tracesRequest('concurrent', 100)), {
            ...proto,
            'x-apo-batch-id': `e${e}-b${b}-${hex(4)}`,
          });
          expect(res.status).toBe(200);
        }
      }),
    );
    expect(await spanCount('concurrent')).toBe(exporters * batches * 100);
  });
});

describe('own metrics', () => {
  it('/metrics reports received, stored and rejected counts in the Prometheus format', async () => {
    const res = await fetch(`${server.httpUrl}/metrics`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).toMatch(/apo_ingest_received_records_total\{signal="traces",transport="http"\} \d+/);
    expect(text).toMatch(/apo_storage_stored_rows_total\{table="spans"\} \d+/);
    expect(text).toMatch(/apo_ingest_rejected_requests_total\{signal="traces",reason="malformed"\} [1-9]/);
    expect(text).toMatch(/apo_ingest_duplicate_batches_total [1-9]/);
  });
});

describe('back-pressure', () => {
  it('answers 429 with Retry-After when the in-flight queue is full, and stores what it accepted', async () => {
    const small = await startServerProcess({
      env: { APO_MAX_IN_FLIGHT_ROWS: '1000', APO_FLUSH_INTERVAL_MS: '1000' },
    });
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          fetch(`${small.httpUrl}/v1/traces`, {
            method: 'POST',
            headers: proto,
            body: encodeTracesProto(tracesRequest('pressure', 400)),
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429]);
      const refused = results.find((r) => r.status === 429)!;
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(new TextDecoder().decode(await refused.arrayBuffer())).toContain('ingest queue is full');
      const services = await apiClient(small.httpUrl).services.list.query(window());
      expect(services.find((s) => s.name === 'pressure')?.spanCount).toBe(800);
    } finally {
      await small.dispose();
    }
  });
});
