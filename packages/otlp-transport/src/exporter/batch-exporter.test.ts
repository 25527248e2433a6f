import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { SignalType } from '@apo/shared/model';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OutboundBatch } from '../batch.ts';
import { DiskQueue } from '../disk-queue/disk-queue.ts';
import { gzipBody } from '../gzip-body.ts';
import { BatchExporter, type BatchExporterOptions } from './batch-exporter.ts';

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

type Handler = (req: Received, res: ServerResponse) => void;

/** A real OTLP/HTTP endpoint for the exporter: records every request and counts concurrent ones. */
class TestServer {
  readonly received: Received[] = [];
  current = 0;
  maxConcurrent = 0;
  handler: Handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  readonly #server: Server;

  constructor() {
    this.#server = createServer((req, res) => {
      this.current++;
      this.maxConcurrent = Math.max(this.maxConcurrent, this.current);
      res.once('close', () => this.current--);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const received = {
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          at: performance.now(),
        };
        this.received.push(received);
        this.handler(received, res);
      });
    });
  }

  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => resolve((this.#server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

const quiet = pino({ level: 'silent' });
let dir: string;
const cleanup: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apo-exporter-'));
});
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await rm(dir, { recursive: true, force: true });
});

async function startServer(port?: number): Promise<{ server: TestServer; url: string }> {
  const server = new TestServer();
  const bound = await server.listen(port);
  cleanup.push(() => server.close());
  return { server, url: `http://127.0.0.1:${bound}` };
}

async function openQueue(): Promise<DiskQueue> {
  const queue = await DiskQueue.open({ dir, maxBytes: 16 << 20, fsync: 'never', log: quiet });
  let closed = false;
  cleanup.push(async () => {
    if (!closed) await queue.close();
  });
  const close = queue.close.bind(queue);
  queue.close = async () => {
    closed = true;
    await close();
  };
  return queue;
}

function startExporter(queue: DiskQueue, baseUrl: string, options: Partial<BatchExporterOptions> = {}) {
  const exporter = new BatchExporter({ queue, baseUrl, log: quiet, ...options });
  exporter.start();
  cleanup.push(() => exporter.close({ drainMs: 0 }));
  return exporter;
}

function payload(n: number, size = 300): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (n * 17 + i * 3) & 0xff);
}

function batch(n: number, overrides: Partial<OutboundBatch> = {}): OutboundBatch {
  const signals: SignalType[] = ['traces', 'logs', 'metrics'];
  return {
    signal: signals[n % 3]!,
    batchId: `batch-${n}`,
    contentType: 'application/x-protobuf',
    contentEncoding: 'identity',
    body: payload(n),
    items: 10 + n,
    ...overrides,
  };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const total = (exporter: BatchExporter, key: 'exportedBatches' | 'rejectedBatches' | 'retries') =>
  Object.values(exporter.stats().signals).reduce((sum, s) => sum + s[key], 0);

describe('BatchExporter', () => {
  it('POSTs each batch to /v1/<signal> with its id, token, encoding and extra headers, then removes it', async () => {
    const { server, url } = await startServer();
    const queue = await openQueue();
    const original = payload(1, 5000);
    await queue.append(
      batch(0, {
        body: await gzipBody(original),
        contentEncoding: 'gzip',
        headers: { 'x-apo-cluster-id': 'eu-1' },
      }),
    );
    await queue.append(batch(1, { contentType: 'application/json' }));
    await queue.append(batch(2));
    const exporter = startExporter(queue, `${url}/`, { token: 's3cret' });

    await waitFor('three exported batches', () => total(exporter, 'exportedBatches') === 3);
    const byId = new Map(server.received.map((r) => [r.headers['x-apo-batch-id'], r]));
    const gz = byId.get('batch-0')!;
    expect(gz.url).toBe('/v1/traces');
    expect(gz.headers).toMatchObject({
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
      authorization: 'Bearer s3cret',
      'x-apo-cluster-id': 'eu-1',
    });
    expect(new Uint8Array(gunzipSync(gz.body))).toEqual(original);
    const json = byId.get('batch-1')!;
    expect(json.url).toBe('/v1/logs');
    expect(json.headers['content-type']).toBe('application/json');
    expect(json.headers['content-encoding']).toBeUndefined();
    expect(new Uint8Array(json.body)).toEqual(payload(1));
    expect(byId.get('batch-2')!.url).toBe('/v1/metrics');
    expect(server.received).toHaveLength(3);

    const stats = exporter.stats();
    expect(stats.signals.traces).toMatchObject({
      exportedBatches: 1,
      exportedItems: 10,
      queuedBatches: 0,
      inFlight: 0,
    });
    expect(stats.signals.metrics).toMatchObject({ exportedItems: 12, rejectedBatches: 0, retries: 0 });
  });

  it('sends the exporter-level headers with every batch and reports each settled batch once', async () => {
    const { server, url } = await startServer();
    server.handler = (req, res) => {
      res.writeHead(req.headers['x-apo-batch-id'] === 'batch-1' ? 400 : 200).end();
    };
    const queue = await openQueue();
    await queue.append(batch(0, { headers: { 'x-apo-agent-id': 'host-a' } }));
    await queue.append(batch(1));
    const settled: string[] = [];
    const exporter = startExporter(queue, url, {
      token: 'proxy-token',
      headers: { 'x-apo-cluster-id': 'eu-1' },
      onSettled: (b, outcome) => settled.push(`${b.batchId}:${outcome}`),
    });
    await waitFor('both batches settled', () => settled.length === 2);
    expect(settled.sort()).toEqual(['batch-0:exported', 'batch-1:rejected']);
    const first = server.received.find((r) => r.headers['x-apo-batch-id'] === 'batch-0')!;
    expect(first.headers).toMatchObject({
      'x-apo-cluster-id': 'eu-1',
      'x-apo-agent-id': 'host-a',
      authorization: 'Bearer proxy-token',
    });
    expect(total(exporter, 'rejectedBatches')).toBe(1);
  });

  it('waits at least Retry-After before trying a 503 batch again', async () => {
    const { server, url } = await startServer();
    server.handler = (req, res) => {
      if (server.received.length === 1) {
        res.writeHead(503, { 'retry-after': '1', 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 14, message: 'storage unavailable' }));
      } else {
        res.writeHead(200).end();
      }
    };
    const queue = await openQueue();
    await queue.append(batch(0));
    const exporter = startExporter(queue, url);
    await waitFor('the retried batch', () => total(exporter, 'exportedBatches') === 1);
    expect(server.received).toHaveLength(2);
    // A lower bound, measured where the requests arrive: the retry cannot come before the delay asked for.
    expect(server.received[1]!.at - server.received[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(exporter.stats().signals.traces).toMatchObject({
      retries: 1,
      lastError: 'HTTP 503: storage unavailable',
    });
  });

  it('keeps retrying while the next hop refuses connections, and delivers once it listens', async () => {
    const probe = await startServer();
    const port = Number(new URL(probe.url).port);
    await cleanup.pop()!(); // the port is free again: connections are refused
    const queue = await openQueue();
    await queue.append(batch(0));
    await queue.append(batch(1));
    const exporter = startExporter(queue, `http://127.0.0.1:${port}`, {
      backoff: { baseMs: 20, maxMs: 100 },
    });
    await waitFor('failed attempts', () => total(exporter, 'retries') >= 4);
    expect(exporter.stats().signals.traces.lastError).toMatch(/ECONNREFUSED/);
    expect(total(exporter, 'exportedBatches')).toBe(0);

    const { server } = await startServer(port);
    await waitFor('delivery after the server appeared', () => total(exporter, 'exportedBatches') === 2);
    expect(server.received.map((r) => r.headers['x-apo-batch-id']).sort()).toEqual(['batch-0', 'batch-1']);
  });

  it('retries a request that gets no answer within the request timeout', async () => {
    const { server, url } = await startServer();
    server.handler = (_req, res) => {
      if (server.received.length > 1) res.writeHead(200).end(); // the first one is left hanging
    };
    const queue = await openQueue();
    await queue.append(batch(0));
    const exporter = startExporter(queue, url, { requestTimeoutMs: 300, backoff: { baseMs: 10, maxMs: 50 } });
    await waitFor('delivery on the second attempt', () => total(exporter, 'exportedBatches') === 1);
    expect(server.received.map((r) => r.headers['x-apo-batch-id'])).toEqual(['batch-0', 'batch-0']);
    expect(exporter.stats().signals.traces).toMatchObject({
      retries: 1,
      lastError: 'no answer within 300 ms',
    });
  });

  it('counts a 400 as rejected, does not retry it, and removes it from the queue', async () => {
    const { server, url } = await startServer();
    server.handler = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 3, message: 'malformed protobuf at byte 7' }));
    };
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const queue = await openQueue();
    await queue.append(batch(1));
    const exporter = startExporter(queue, url, { log });
    await waitFor('the rejection', () => total(exporter, 'rejectedBatches') === 1);
    expect(exporter.stats().signals.logs).toMatchObject({
      rejectedBatches: 1,
      rejectedItems: 11,
      retries: 0,
      exportedBatches: 0,
      queuedBatches: 0,
      lastError: 'HTTP 400: malformed protobuf at byte 7',
    });
    expect(server.received).toHaveLength(1);
    expect(lines.join('')).toContain('malformed protobuf at byte 7');
  });

  it('retries a 401 rather than dropping, and says so loudly once', async () => {
    const { server, url } = await startServer();
    server.handler = (_req, res) => {
      if (server.received.length <= 3) res.writeHead(401).end('invalid ingest token');
      else res.writeHead(200).end();
    };
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as never) });
    const queue = await openQueue();
    await queue.append(batch(0));
    const exporter = startExporter(queue, url, { log, backoff: { baseMs: 10, maxMs: 50 } });
    await waitFor('delivery after the token was accepted', () => total(exporter, 'exportedBatches') === 1);
    expect(exporter.stats().signals.traces).toMatchObject({ retries: 3, rejectedBatches: 0 });
    const errors = lines.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toContain('invalid ingest token');
  });

  it('never has more requests in flight than its concurrency', async () => {
    const { server, url } = await startServer();
    const held: ServerResponse[] = [];
    // Answer only once three requests are open at the same time (or after 5 s), so overlap is certain.
    server.handler = (_req, res) => {
      held.push(res);
      const release = () => held.splice(0).forEach((r) => r.writeHead(200).end());
      if (held.length >= 3) release();
      else setTimeout(release, 5000);
    };
    const queue = await openQueue();
    for (let n = 0; n < 24; n++) await queue.append(batch(n));
    const exporter = startExporter(queue, url, { concurrency: 3 });
    await waitFor('all batches', () => total(exporter, 'exportedBatches') === 24);
    expect(server.maxConcurrent).toBe(3);
    expect(new Set(server.received.map((r) => r.headers['x-apo-batch-id'])).size).toBe(24);
  });

  it("tells what each worker is doing: the batch it is sending, for how long, and 'taking' once idle", async () => {
    const { server, url } = await startServer();
    const held: ServerResponse[] = [];
    server.handler = (_req, res) => held.push(res);
    const queue = await openQueue();
    await queue.append(batch(0));
    const exporter = startExporter(queue, url, { concurrency: 2 });
    await waitFor('the request', () => held.length === 1);
    const sending = exporter.workers().filter((w) => w.step === 'sending');
    expect(sending).toEqual([expect.objectContaining({ batchId: 'batch-0', attempt: 0 })]);
    expect(exporter.stats().workers).toMatchObject({ sending: { workers: 1 }, taking: { workers: 1 } });
    held[0]!.writeHead(200).end();
    await waitFor('delivery', () => total(exporter, 'exportedBatches') === 1);
    await waitFor('both idle', () => exporter.workers().every((w) => w.step === 'taking'));
  });

  it('logs every worker state when one is stuck past its step (stand-in: a queue whose ack never settles)', async () => {
    const { url } = await startServer();
    const queue = await openQueue();
    await queue.append(batch(0));
    // A sidecar write that hangs (which the disks here do not), let go at the end so close() can finish.
    let letGo = (): void => undefined;
    const hanging = new Promise<void>((resolve) => (letGo = resolve));
    queue.ack = () => hanging;
    const lines: { msg: string; workers: { step: string; batchId?: string }[] }[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line) as never) });
    const exporter = startExporter(queue, url, { log, concurrency: 2, stallGraceMs: 200 });
    await waitFor('the stall log', () => lines.some((l) => l.msg.startsWith('export stalled')));
    const stall = lines.find((l) => l.msg.startsWith('export stalled'))!;
    expect(stall.msg).toMatch(/1 worker\(s\) stuck \(acking \d+ ms\)/);
    expect(stall.workers.map((w) => w.step).sort()).toEqual(['acking', 'taking']);
    expect(stall.workers.find((w) => w.step === 'acking')!.batchId).toBe('batch-0');
    expect(exporter.stats().signals.traces.inFlight).toBe(1);
    letGo();
  });

  it('on close, lets requests already sent finish within drainMs', async () => {
    const { server, url } = await startServer();
    const held: ServerResponse[] = [];
    server.handler = (_req, res) => held.push(res);
    const queue = await openQueue();
    for (let n = 0; n < 5; n++) await queue.append(batch(n));
    const exporter = startExporter(queue, url, { concurrency: 2 });
    await waitFor('two requests in flight', () => held.length === 2);
    const closed = exporter.close({ drainMs: 20_000 });
    for (const res of held.splice(0)) res.writeHead(200).end();
    await closed;
    expect(total(exporter, 'exportedBatches')).toBe(2);
    expect(server.received).toHaveLength(2); // no new batch was taken after close
    await queue.close();

    const reopened = await openQueue();
    const { server: next, url: nextUrl } = await startServer();
    const again = startExporter(reopened, nextUrl);
    await waitFor('the rest', () => total(again, 'exportedBatches') === 3);
    expect(next.received.map((r) => r.headers['x-apo-batch-id']).sort()).toEqual([
      'batch-2',
      'batch-3',
      'batch-4',
    ]);
  });

  it('on close, cuts requests that outlast drainMs and leaves every undelivered batch on disk', async () => {
    const { server, url } = await startServer();
    server.handler = () => undefined; // never answers
    const queue = await openQueue();
    for (let n = 0; n < 5; n++) await queue.append(batch(n));
    const exporter = startExporter(queue, url, { concurrency: 2 });
    await waitFor('two requests in flight', () => server.received.length === 2);
    await exporter.close({ drainMs: 100 });
    expect(total(exporter, 'exportedBatches')).toBe(0);
    await queue.close();

    const reopened = await openQueue();
    const queued = reopened.stats().signals;
    expect(queued.traces.queuedBatches + queued.logs.queuedBatches + queued.metrics.queuedBatches).toBe(5);
    const { server: next, url: nextUrl } = await startServer();
    const again = startExporter(reopened, nextUrl);
    await waitFor('every batch', () => total(again, 'exportedBatches') === 5);
    expect(next.received.map((r) => r.headers['x-apo-batch-id']).sort()).toEqual(
      [0, 1, 2, 3, 4].map((n) => `batch-${n}`),
    );
  });
});
