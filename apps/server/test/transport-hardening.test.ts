import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zstdCompressSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '@apo/shared/otlp';
import { apiClient } from './support/api-client.ts';
import { hex, tracesRequest } from './support/fixtures.ts';
import { closedBy, memoryOf, openSocket, rawRequest } from './support/raw-http.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const MiB = 1024 * 1024;
const proto = { 'content-type': 'application/x-protobuf' };
const ADMIN = 'admin-token-0123456789';
const INGEST = 'ingest-token-0123456789';
const CONSOLE = 'http://console.example:8080';
const window = () => ({ from: Date.now() - 3_600_000, to: Date.now() + 3_600_000 });

/** `count` traces requests at once, each with the zstd-compressed `body`, each on its own connection. */
const concurrentZstd = (serverUrl: string, body: Uint8Array, count: number) =>
  Promise.all(
    Array.from({ length: count }, () =>
      rawRequest(`${serverUrl}/v1/traces`, {
        method: 'POST',
        headers: { ...proto, 'content-encoding': 'zstd' },
        body,
      }),
    ),
  );

async function spanCount(url: string, service: string, token?: string): Promise<number> {
  const services = await apiClient(url, token).services.list.query(window());
  return services.find((s) => s.name === service)?.spanCount ?? 0;
}

describe('server: defaults (memory bound, Host check, content type, CORS)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({ env: { APO_CORS_ORIGINS: CONSOLE } });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('200 concurrent zstd bombs (8 KB → 16 MiB each) are all answered, peak RSS bounded, and a good request is stored after', async () => {
    const pid = server.child.pid!;
    // Warm up (first decode, first flush) so the baseline is the serving process, not a cold one.
    const warm = await fetch(`${server.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: proto,
      body: encodeTracesProto(tracesRequest('bomb-warmup', 10)),
    });
    expect(warm.status).toBe(200);
    const before = memoryOf(pid);
    const bomb = zstdCompressSync(Buffer.alloc(16 * MiB));
    expect(bomb.length).toBeLessThan(8 * 1024);
    const answers = await concurrentZstd(server.httpUrl, bomb, 200);
    const after = memoryOf(pid);
    const statuses = new Map<number, number>();
    for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    console.log(
      `zstd bombs: RSS ${before.rssMiB.toFixed(0)} → peak ${after.peakMiB.toFixed(0)} MiB, ` +
        `after ${after.rssMiB.toFixed(0)} MiB; answers ${JSON.stringify([...statuses])}`,
    );
    // Inflated, 16 MiB of zeros is not an OTLP request (400); past the byte bound the answer is 429.
    expect(answers.every((a) => a.status === 429 || a.status === 400)).toBe(true);
    for (const a of answers.filter((a) => a.status === 429)) expect(a.headers['retry-after']).toBe('1');
    // Unbounded, 200 bombs took the server from 1.1 GB to 4.1 GB (+3 GB); measured with the bounds: +313 MiB.
    expect(after.peakMiB - before.rssMiB).toBeLessThan(1024);

    const ok = await fetch(`${server.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: proto,
      body: encodeTracesProto(tracesRequest('after-bombs', 3)),
    });
    expect(ok.status).toBe(200);
    expect(await spanCount(server.httpUrl, 'after-bombs')).toBe(3);
  }, 120_000);

  it('refuses a Host that is not one of its names with 421 on the API and /metrics; /v1 ingest and probes stay open', async () => {
    const attacker = { host: 'attacker.example' };
    const trpc = await rawRequest(`${server.httpUrl}/trpc/health`, { headers: attacker });
    expect(trpc.status).toBe(421);
    expect(JSON.parse(trpc.body)).toEqual({
      message:
        'host "attacker.example" is not one of this server\'s names (localhost, 127.0.0.1, [::1]): ' +
        'add it to APO_ALLOWED_HOSTS (comma-separated; * allows any) if it is yours',
    });
    expect((await rawRequest(`${server.httpUrl}/metrics`, { headers: attacker })).status).toBe(421);
    const query = encodeURIComponent(JSON.stringify(window()));
    const data = await rawRequest(`${server.httpUrl}/trpc/services.list?input=${query}`, {
      headers: attacker,
    });
    expect(data.status).toBe(421);
    for (const host of [
      `localhost:${server.httpPort}`,
      `127.0.0.1:${server.httpPort}`,
      `[::1]:${server.httpPort}`,
    ]) {
      expect((await rawRequest(`${server.httpUrl}/trpc/health`, { headers: { host } })).status).toBe(200);
    }
    expect((await rawRequest(`${server.httpUrl}/healthz`, { headers: attacker })).status).toBe(200);
    const ingest = await rawRequest(`${server.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { ...proto, ...attacker },
      body: encodeTracesProto(tracesRequest('any-host', 1)),
    });
    expect(ingest.status).toBe(200);
  });

  it('an empty Content-Type gets 415 naming the accepted types', async () => {
    const res = await rawRequest(`${server.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': '' },
      body: encodeTracesProto(tracesRequest('empty-type', 1)),
    });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toEqual({
      code: 3,
      message: 'unsupported Content-Type "": OTLP/HTTP takes application/x-protobuf or application/json',
    });
  });

  it('CORS: only the configured origin is allowed, a loopback page is not', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.httpUrl}/trpc/health`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET' },
      });
    const configured = await preflight(CONSOLE);
    expect(configured.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:4173', 'https://evil.example']) {
      const refused = await preflight(origin);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('server: auth on (credential before the body, /metrics, short tokens)', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({
      env: { APO_AUTH: 'on', APO_ADMIN_TOKEN: ADMIN, APO_INGEST_TOKEN: INGEST },
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('60 concurrent 16 MiB bodies without a token: all 401 at once, without reading them into memory', async () => {
    const pid = server.child.pid!;
    const before = memoryOf(pid);
    const body = Buffer.alloc(16 * MiB, 1);
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        rawRequest(`${server.httpUrl}${i % 2 === 0 ? '/v1/traces' : '/v1/kubernetes/pods'}`, {
          method: i % 2 === 0 ? 'POST' : 'PUT',
          headers: i % 2 === 0 ? proto : { 'content-type': 'application/json' },
          body,
        }),
      ),
    );
    const after = memoryOf(pid);
    console.log(
      `60 × 16 MiB without a token: answered in ${Date.now() - started} ms, ` +
        `RSS ${before.rssMiB.toFixed(0)} → peak ${after.peakMiB.toFixed(0)} MiB`,
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 60 }, () => 401));
    expect(answers[0]!.body).toContain('missing credential');
    // Reading them took +827 MB before; discarding them unread measured +78 to +109 MiB.
    expect(after.peakMiB - before.rssMiB).toBeLessThan(300);

    const ok = await fetch(`${server.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { ...proto, authorization: `Bearer ${INGEST}` },
      body: encodeTracesProto(tracesRequest('after-unauthenticated', 2)),
    });
    expect(ok.status).toBe(200);
    expect(await spanCount(server.httpUrl, 'after-unauthenticated', ADMIN)).toBe(2);
  }, 120_000);

  it('/metrics needs the admin token', async () => {
    const open = await fetch(`${server.httpUrl}/metrics`);
    expect(open.status).toBe(401);
    expect(((await open.json()) as { message: string }).message).toContain('admin token');
    const ingest = await fetch(`${server.httpUrl}/metrics`, {
      headers: { authorization: `Bearer ${INGEST}` },
    });
    expect(ingest.status).toBe(401);
    const admin = await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('apo_ingest_received_records_total');
  });

  it('refuses to start with a token shorter than 16 characters, naming the variable and not the value', () => {
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = spawnSync(process.execPath, [main], {
      env: {
        PATH: process.env.PATH ?? '',
        APO_AUTH: 'on',
        APO_ADMIN_TOKEN: 'x',
        APO_DATA_DIR: join(tmpdir(), `apo-never-${hex(4)}`),
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('APO_ADMIN_TOKEN (auth.adminToken) must be at least 16 characters');
    expect(run.stderr).not.toContain('"x"');
  });
});

describe('server: connection timeouts, connection bound, configured names, byte bound', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess({
      env: {
        APO_HEADERS_TIMEOUT_MS: '1000',
        APO_REQUEST_TIMEOUT_MS: '2000',
        APO_KEEP_ALIVE_TIMEOUT_MS: '1000',
        APO_GRPC_IDLE_TIMEOUT_MS: '1000',
        APO_MAX_CONNECTIONS: '30',
        APO_ALLOWED_HOSTS: 'apo.example,127.0.0.1',
        APO_MAX_IN_FLIGHT_BYTES: String(32 * MiB),
      },
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('closes an idle socket, a trickled header and a trickled body within the configured timeouts (408)', async () => {
    const idle = closedBy(await openSocket(server.httpPort));
    const slowHeaders = await openSocket(server.httpPort);
    const headersClosed = closedBy(slowHeaders);
    slowHeaders.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const slowBody = await openSocket(server.httpPort);
    const bodyClosed = closedBy(slowBody);
    slowBody.write(
      'POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100000\r\n\r\n',
    );
    const trickle = setInterval(() => {
      slowHeaders.write('X-Slow: 1\r\n');
      slowBody.write('x');
    }, 200);
    try {
      const [a, b, c] = await Promise.all([idle, headersClosed, bodyClosed]);
      console.log(`closed after: idle ${a.ms} ms, slow headers ${b.ms} ms, slow body ${c.ms} ms`);
      // Without timeouts, 0 of 20 such sockets were closed in 400 s.
      expect(a.ms).toBeLessThan(15_000);
      expect(b.ms).toBeLessThan(15_000);
      expect(c.ms).toBeLessThan(15_000);
      expect(b.received).toContain('408 Request Timeout');
      expect(c.received).toContain('408 Request Timeout');
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes a keep-alive connection idle after its request', async () => {
    const socket = await openSocket(server.httpPort);
    const closed = closedBy(socket);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const { ms, received } = await closed;
    expect(received).toContain('HTTP/1.1 200 OK');
    expect(ms).toBeLessThan(15_000);
  });

  it('bounds open connections: past APO_MAX_CONNECTIONS new ones are closed at once', async () => {
    const held = await Promise.all(Array.from({ length: 30 }, () => openSocket(server.httpPort)));
    try {
      const extra = closedBy(await openSocket(server.httpPort));
      expect((await extra).ms).toBeLessThan(800);
    } finally {
      for (const s of held) s.destroy();
    }
  });

  it('gRPC: a socket that never speaks HTTP/2 is closed, and an idle client connection is sent away', async () => {
    const silent = await closedBy(await openSocket(server.grpcPort));
    expect(silent.ms).toBeLessThan(15_000);
    const client = new grpc.Client(`127.0.0.1:${server.grpcPort}`, grpc.credentials.createInsecure());
    try {
      const channel = client.getChannel();
      const states: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 20_000;
        const watch = (current: grpc.connectivityState) => {
          channel.watchConnectivityState(current, deadline, (err) => {
            if (err) {
              reject(new Error(`states ${states.join(' → ')}: ${err.message}`));
              return;
            }
            const next = channel.getConnectivityState(false);
            states.push(grpc.connectivityState[next]);
            // READY, then back to IDLE: the server closed the idle connection (GOAWAY).
            if (next === grpc.connectivityState.IDLE && states.includes('READY')) resolve();
            else watch(next);
          });
        };
        watch(channel.getConnectivityState(true));
      });
      expect(states).toContain('READY');
      expect(states.at(-1)).toBe('IDLE');
    } finally {
      client.close();
    }
  });

  it('answers to the configured names only (APO_ALLOWED_HOSTS)', async () => {
    const as = (host: string) => rawRequest(`${server.httpUrl}/trpc/health`, { headers: { host } });
    expect((await as('apo.example')).status).toBe(200);
    expect((await as(`127.0.0.1:${server.httpPort}`)).status).toBe(200);
    expect((await as('localhost')).status).toBe(421);
  });

  it('past the byte bound concurrent compressed requests get 429 with Retry-After', async () => {
    const bomb = zstdCompressSync(Buffer.alloc(16 * MiB));
    const answers = await concurrentZstd(server.httpUrl, bomb, 20);
    const overloaded = answers.filter((a) => a.status === 429);
    expect(overloaded.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 429 || a.status === 400)).toBe(true);
    expect(overloaded[0]!.headers['retry-after']).toBe('1');
    expect(overloaded[0]!.body).toContain('the server is working on');
    expect(overloaded[0]!.body).toContain('(limit 32 MiB): retry shortly');
  }, 60_000);
});
