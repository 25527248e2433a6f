import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PodMetadata } from '@apo/shared/kubernetes';
import { pino } from 'pino';
import { snapshotPublisher, SnapshotSchedule } from './snapshot-publisher.ts';

const pod = (name: string): PodMetadata => ({
  uid: `uid-${name}`,
  namespace: 'shop',
  name,
  node: 'node-a',
  podIp: '10.0.0.1',
  containerIds: ['ab'.repeat(32)],
  workloadKind: 'Deployment',
  workloadName: 'checkout',
});

const log = pino({ level: 'silent' });

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('snapshotPublisher (against a local HTTP server standing in for the APO server)', () => {
  let server: Server;
  let received: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }[];
  let answer: { status: number; body: string };
  let url: string;

  beforeEach(async () => {
    received = [];
    answer = { status: 200, body: '{"pods":1}' };
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('PUTs the whole snapshot as gzip JSON with the proxy token and the cluster id', async () => {
    await snapshotPublisher(url, 'proxy-secret', 'eu-1')([pod('a'), pod('b')]);
    const [req] = received;
    expect(req).toMatchObject({ method: 'PUT', url: '/v1/kubernetes/pods' });
    expect(req?.headers).toMatchObject({
      authorization: 'Bearer proxy-secret',
      'x-apo-cluster-id': 'eu-1',
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(JSON.parse(gunzipSync(req!.body).toString())).toEqual({ pods: [pod('a'), pod('b')] });
    await snapshotPublisher(url, undefined, 'eu-1')([]);
    expect(received[1]?.headers.authorization).toBeUndefined();
  });

  it('fails with the server’s message when the snapshot is refused', async () => {
    answer = { status: 401, body: '{"message":"invalid ingest token"}' };
    await expect(snapshotPublisher(url, 'wrong', 'eu-1')([])).rejects.toThrow(
      'the server answered 401 to the pod snapshot: invalid ingest token',
    );
  });
});

describe('SnapshotSchedule', () => {
  let schedule: SnapshotSchedule | undefined;
  afterEach(async () => {
    await schedule?.close();
  });

  it('publishes at start, coalesces a burst of changes, and always sends the latest state', async () => {
    let state = [pod('a')];
    const sent: string[][] = [];
    schedule = new SnapshotSchedule({
      build: () => state,
      publish: (pods) => {
        sent.push(pods.map((p) => p.name));
        return Promise.resolve();
      },
      log,
      debounceMs: 200,
      maxDelayMs: 60_000,
    });
    schedule.start();
    await until(() => sent.length === 1, 'the first publish');
    for (const name of ['b', 'c', 'd', 'e']) {
      state = [...state, pod(name)];
      schedule.changed();
    }
    await until(() => sent.length === 2, 'the publish after the burst');
    expect(sent).toEqual([['a'], ['a', 'b', 'c', 'd', 'e']]);
    expect(schedule.stats).toMatchObject({ published: 2, failures: 0, lastPods: 5 });
  });

  it('retries a failed publish with backoff until the server takes it', async () => {
    let attempts = 0;
    schedule = new SnapshotSchedule({
      build: () => [pod('a')],
      publish: () => {
        attempts++;
        return attempts < 3 ? Promise.reject(new Error('server down')) : Promise.resolve();
      },
      log,
      retryMs: { first: 20, max: 40 },
    });
    schedule.start();
    await until(() => schedule!.stats.published === 1, 'a successful publish');
    expect(attempts).toBe(3);
    expect(schedule.stats).toMatchObject({ failures: 2, lastError: undefined, lastPods: 1 });
  });
});
