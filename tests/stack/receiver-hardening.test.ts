import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTracesProto } from '../../packages/shared/src/otlp/index.ts';
import { closedBy, memoryOf, openSocket, rawRequest } from '../../apps/server/test/support/raw-http.ts';
import { freePort } from '../../apps/server/test/support/server-process.ts';
import { startAgentProcess, type AgentProcess } from './support/agent-process.ts';
import { numberedTraces, startProxyProcess, type ProxyProcess } from './support/proxy-process.ts';

const MiB = 1024 * 1024;
const AGENT_TOKEN = 'agent-token-0123456789';
// Short on purpose, so the test sees them act; the defaults are 10 s / 60 s / 30 s.
const connections = [
  'connections:',
  '  headersTimeoutSeconds: 1',
  '  requestTimeoutSeconds: 2',
  '  keepAliveTimeoutSeconds: 1',
  '  grpcIdleTimeoutSeconds: 1',
  '',
].join('\n');

const dirs: string[] = [];
let agent: AgentProcess;
let proxy: ProxyProcess;
const running: { dispose(): Promise<void> }[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'apo-receiver-hardening-'));
  dirs.push(dir);
  await writeFile(join(dir, 'agent.yaml'), connections);
  await writeFile(join(dir, 'proxy.yaml'), connections);
  // Nothing listens there: these tests are about the receivers, not about delivery.
  const nowhere = `http://127.0.0.1:${await freePort()}`;
  const started = await Promise.all([
    startAgentProcess({
      exportUrl: nowhere,
      env: { APO_AGENT_CONFIG: join(dir, 'agent.yaml'), APO_AGENT_SAMPLING: 'off' },
    }),
    startProxyProcess({
      exportUrl: nowhere,
      agentTokens: AGENT_TOKEN,
      env: { APO_PROXY_CONFIG: join(dir, 'proxy.yaml') },
    }),
  ]);
  [agent, proxy] = started;
  running.push(...started);
});
afterAll(async () => {
  await Promise.all(running.map((p) => p.dispose()));
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const portOf = (url: string) => Number(new URL(url).port);

describe.each([
  ['agent OTLP/HTTP', () => agent.otlpHttpUrl],
  ['agent status', () => agent.statusUrl],
  ['proxy OTLP/HTTP', () => proxy.otlpHttpUrl],
  ['proxy status', () => proxy.statusUrl],
])('%s: connection timeouts', (_name, url) => {
  it('closes an idle socket and a trickled body within the configured timeouts', async () => {
    const port = portOf(url());
    const idle = closedBy(await openSocket(port));
    const slow = await openSocket(port);
    const slowClosed = closedBy(slow);
    slow.write(
      `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\nContent-Length: 100000\r\n\r\n`,
    );
    const trickle = setInterval(() => slow.write('x'), 200);
    try {
      const [a, b] = await Promise.all([idle, slowClosed]);
      // Without timeouts none of these closed in 400 s.
      expect(a.ms).toBeLessThan(15_000);
      expect(b.ms).toBeLessThan(15_000);
      expect(b.received).toContain('408 Request Timeout');
    } finally {
      clearInterval(trickle);
    }
  });
});

describe('OTLP/gRPC receivers', () => {
  it('close a socket that never speaks HTTP/2 (agent and proxy)', async () => {
    const [a, p] = await Promise.all([
      closedBy(await openSocket(portOf(agent.otlpGrpcUrl))),
      closedBy(await openSocket(proxy.otlpGrpcPort)),
    ]);
    expect(a.ms).toBeLessThan(15_000);
    expect(p.ms).toBeLessThan(15_000);
  });
});

describe('receivers: headers checked before the body', () => {
  it('an empty Content-Type gets 415 on the agent and the proxy', async () => {
    const body = encodeTracesProto(numberedTraces(0, 1, 'empty-type', BigInt(Date.now()) * 1_000_000n));
    for (const url of [agent.otlpHttpUrl, proxy.otlpHttpUrl]) {
      const res = await rawRequest(`${url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': '', authorization: `Bearer ${AGENT_TOKEN}` },
        body,
      });
      expect(res.status).toBe(415);
      expect(JSON.parse(res.body)).toEqual({
        code: 3,
        message: 'unsupported Content-Type "": OTLP/HTTP takes application/x-protobuf or application/json',
      });
    }
  });

  it('the proxy answers 60 concurrent 16 MiB bodies without a token with 401, without reading them', async () => {
    const pid = proxy.child.pid!;
    const before = memoryOf(pid);
    const body = Buffer.alloc(16 * MiB, 1);
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        rawRequest(`${proxy.otlpHttpUrl}${i % 2 === 0 ? '/v1/traces' : '/v1/sampling/decisions'}`, {
          method: 'POST',
          headers: { 'content-type': i % 2 === 0 ? 'application/x-protobuf' : 'application/json' },
          body,
        }),
      ),
    );
    const after = memoryOf(pid);
    console.log(
      `proxy, 60 × 16 MiB without a token: RSS ${before.rssMiB.toFixed(0)} → peak ${after.peakMiB.toFixed(0)} MiB`,
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 60 }, () => 401));
    expect(answers[0]!.body).toContain('missing credential');
    expect(after.peakMiB - before.rssMiB).toBeLessThan(300);
    // Still serving: a good request is taken into the proxy's queue.
    const ok = await rawRequest(`${proxy.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${AGENT_TOKEN}` },
      body: encodeTracesProto(numberedTraces(1, 3, 'after-401', BigInt(Date.now()) * 1_000_000n)),
    });
    expect(ok.status).toBe(200);
  }, 60_000);
});
