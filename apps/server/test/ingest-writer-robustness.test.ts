/**
 * The group-commit writer against a real server process and the real engine: a request the engine refuses
 * is answered on its own (the others of its flush are stored), a flush is never refused for the days its rows
 * span within the retention, and a batch id is bound to its signal and content, across a restart too.
 */
import { gzipSync } from 'node:zlib';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeLogsProto, encodeTracesProto } from '@apo/shared/otlp';
import { freePort, startServerProcess, type ServerProcess } from './support/server-process.ts';
import { apiClient } from './support/api-client.ts';
import { hex, logRecord, logsRequest, tracesRequest } from './support/fixtures.ts';
import { dataDirRefusingService } from './support/refusing-storage.ts';

const DAY_NS = 86_400_000_000_000n;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** An OTLP/JSON traces request: one span per start time, all of `service`. */
function jsonTraces(service: string, startsNs: readonly bigint[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'writer-test' },
            spans: startsNs.map((start, i) => ({
              traceId: hex(16),
              spanId: hex(8),
              name: `op-${i}`,
              kind: 2,
              startTimeUnixNano: start.toString(),
              endTimeUnixNano: (start + 1_000_000n).toString(),
            })),
          },
        ],
      },
    ],
  });
}

async function post(
  server: ServerProcess,
  path: string,
  body: Uint8Array | string,
  headers: Record<string, string>,
): Promise<{ status: number; body: { code?: number; message?: string }; retryAfter: string | null }> {
  const res = await fetch(`${server.httpUrl}${path}`, { method: 'POST', headers, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return {
    status: res.status,
    body:
      res.status === 200
        ? {}
        : res.headers.get('content-type')?.startsWith('application/json')
          ? (JSON.parse(new TextDecoder().decode(bytes)) as { code?: number; message?: string })
          : rpcStatus(bytes),
    retryAfter: res.headers.get('retry-after'),
  };
}

/** google.rpc.Status { code = 1; message = 2 } as the server writes it (encodeRpcStatus). */
function rpcStatus(bytes: Uint8Array): { code: number; message: string } {
  expect(bytes[0]).toBe(0x08);
  const code = bytes[1]!;
  expect(bytes[2]).toBe(0x12);
  let length = 0;
  let at = 3;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++]!;
    length |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  return { code, message: new TextDecoder().decode(bytes.subarray(at, at + length)) };
}

const proto = { 'content-type': 'application/x-protobuf' };
const json = { 'content-type': 'application/json' };

/** Spans of `service` stored between `from` and now (+1 day), counted by the search API. */
async function storedSpanCount(server: ServerProcess, service: string, from: number): Promise<number> {
  const api = apiClient(server.httpUrl);
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await api.traces.search.query({
      from,
      to: Date.now() + 86_400_000,
      service,
      limit: 1000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    n += page.items.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return n;
}

function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** The log lines (pino JSON) with this message. */
function logLines(server: ServerProcess, msg: string): Record<string, unknown>[] {
  return server
    .output()
    .split('\n')
    .filter((l) => l.includes(msg))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('a flush whose rows span many days', () => {
  it('stores a 101-day JSON batch and 20 concurrent requests of the same flush, none answered 503', async () => {
    // 101 partitions in one flush: on a busy machine its inserts can outlast the default 10 s write timeout,
    // which answers 503 by design (senders retry). This test is about partitions, not that timeout.
    const server = await startServerProcess({
      env: { APO_TTL_SPANS_DAYS: '400', APO_STORAGE_WRITE_TIMEOUT_MS: '90000' },
    });
    try {
      const now = BigInt(Date.now()) * 1_000_000n;
      const old = jsonTraces(
        'many-days',
        Array.from({ length: 101 }, (_, i) => now - BigInt(i) * DAY_NS),
      );
      const answers = await Promise.all([
        post(server, '/v1/traces', old, { ...json, 'x-apo-batch-id': 'many-days-1' }),
        ...Array.from({ length: 20 }, (_, i) =>
          post(server, '/v1/traces', encodeTracesProto(tracesRequest('good-neighbours', 25)), {
            ...proto,
            'x-apo-batch-id': `good-${i}`,
          }),
        ),
      ]);
      expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 21 }, () => 200));
      expect(await storedSpanCount(server, 'good-neighbours', Date.now() - 3_600_000)).toBe(20 * 25);
      expect(await storedSpanCount(server, 'many-days', Date.now() - 102 * 86_400_000)).toBe(101);
    } finally {
      await server.dispose();
    }
  }, 120_000);
});

describe('a request the storage engine refuses', () => {
  it('is answered 400 on its own while the 20 other requests of its flush are stored once', async () => {
    // A CHECK constraint makes the engine refuse every span of one service (refusing-storage.ts): a
    // refusal that ingest's own checks admit, so only the writer's isolation can keep the neighbours.
    const dataDir = await dataDirRefusingService('refused-service');
    const server = await startServerProcess({ dataDir });
    try {
      const refused = encodeTracesProto(tracesRequest('refused-service', 15));
      const answers = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) =>
          post(server, '/v1/traces', encodeTracesProto(tracesRequest('neighbours', 30)), {
            ...proto,
            'x-apo-batch-id': `n-${i}`,
          }),
        ),
        post(server, '/v1/traces', refused, { ...proto, 'x-apo-batch-id': 'refused-1' }),
        ...Array.from({ length: 10 }, (_, i) =>
          post(server, '/v1/traces', encodeTracesProto(tracesRequest('neighbours', 30)), {
            ...proto,
            'x-apo-batch-id': `n-${10 + i}`,
          }),
        ),
      ]);
      const culprit = answers[10]!;
      expect(culprit.status).toBe(400);
      expect(culprit.body.code).toBe(3); // INVALID_ARGUMENT
      expect(culprit.body.message).toBe(
        'the storage cannot store this request: a value breaks a constraint of the table (VIOLATED_CONSTRAINT)',
      );
      expect(culprit.retryAfter).toBeNull();
      expect(answers.filter((_, i) => i !== 10).map((a) => a.status)).toEqual(
        Array.from({ length: 20 }, () => 200),
      );
      // Isolation happened inside a flush shared with other requests (they arrive together).
      const isolations = logLines(server, 'looking for the request(s) that cause it');
      expect(isolations.length).toBeGreaterThan(0);
      expect(Math.max(...isolations.map((l) => Number(l.requests)))).toBeGreaterThan(1);

      expect(await storedSpanCount(server, 'neighbours', Date.now() - 3_600_000)).toBe(20 * 30);
      expect(await storedSpanCount(server, 'refused-service', Date.now() - 3_600_000)).toBe(0);
      // Its id was not recorded as stored: the retry gets the same answer, not a duplicate's 200.
      const retry = await post(server, '/v1/traces', refused, { ...proto, 'x-apo-batch-id': 'refused-1' });
      expect(retry.status).toBe(400);
      const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
      expect(metricValue(metrics, 'apo_storage_refused_requests_total')).toBe(2);
      expect(metricValue(metrics, 'apo_storage_writable')).toBe(1);
      expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
    } finally {
      await server.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('batch ids bound to their signal and content', () => {
  it('answers a repeat 200, another signal or other content 409, while pending and after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'apo-batch-ids-'));
    dirs.push(dataDir);
    const ports = { httpPort: await freePort(), grpcPort: await freePort() };
    let server = await startServerProcess({ dataDir, ...ports });
    try {
      const first = encodeTracesProto(tracesRequest('batch-ids', 10));
      const other = encodeTracesProto(tracesRequest('batch-ids', 10));
      const id = { 'x-apo-batch-id': 'agent-7:batch-1' };

      // While the first is still waiting for its flush: the same batch waits for it, another is refused.
      const [a, b, c] = await Promise.all([
        post(server, '/v1/traces', first, { ...proto, ...id }),
        post(server, '/v1/traces', first, { ...proto, ...id }),
        post(server, '/v1/traces', other, { ...proto, ...id }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(c.status).toBe(409);
      expect(c.body).toEqual({
        code: 6, // ALREADY_EXISTS
        message:
          'batch id agent-7:batch-1 was already stored with different content; send this batch under a new id',
      });

      const checks = async () => {
        // The same content compressed (as a proxy forwards it) is the same batch.
        const again = await post(server, '/v1/traces', gzipSync(first), {
          ...proto,
          ...id,
          'content-encoding': 'gzip',
        });
        expect(again.status).toBe(200);
        const changed = await post(server, '/v1/traces', other, { ...proto, ...id });
        expect(changed.status).toBe(409);
        expect(changed.body.message).toContain('was already stored with different content');
        const logs = await post(
          server,
          '/v1/logs',
          encodeLogsProto(logsRequest('batch-ids', [logRecord({ body: 'hello' })])),
          {
            ...proto,
            ...id,
          },
        );
        expect(logs.status).toBe(409);
        expect(logs.body.message).toBe(
          'batch id agent-7:batch-1 was already used for traces; send this batch under a new id',
        );
        expect(await storedSpanCount(server, 'batch-ids', Date.now() - 3_600_000)).toBe(10);
      };
      await checks();
      const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
      expect(
        metricValue(metrics, 'apo_ingest_rejected_requests_total{signal="traces",reason="conflict"}'),
      ).toBe(2);
      expect(metricValue(metrics, 'apo_ingest_duplicate_batches_total')).toBe(2);

      await server.stop();
      server = await startServerProcess({ dataDir, ...ports });
      await checks();
    } finally {
      await server.dispose();
    }
  }, 120_000);
});
