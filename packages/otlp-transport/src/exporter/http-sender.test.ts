import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSender } from './http-sender.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const step of cleanup.splice(0).reverse()) step();
});

/** A real endpoint that holds every request open until the test ends. */
async function silentServer(): Promise<URL> {
  const held: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`);
}

describe('HttpSender', () => {
  it('settles a request at its deadline even while it waits for a free socket', async () => {
    const url = await silentServer();
    const sender = new HttpSender(1);
    cleanup.push(() => sender.close());
    const never = new AbortController();
    // The only socket is taken by a request that outlasts the test's interest in it.
    const first = sender.send(url, {}, new Uint8Array(10), 20_000, never.signal);
    const started = performance.now();
    const second = await sender.send(url, {}, new Uint8Array(10), 300, never.signal);
    const took = performance.now() - started;

    expect(second).toMatchObject({ kind: 'failure', aborted: false });
    expect(second.kind === 'failure' ? second.error.message : '').toBe('no answer within 300 ms');
    // Bounded by the deadline, not by the first request's 20 s (how long Node keeps it in the agent's queue).
    expect(took).toBeLessThan(5000);
    never.abort();
    expect(await first).toMatchObject({ kind: 'failure', aborted: true });
  });

  it('settles a request waiting for a socket as soon as its signal aborts', async () => {
    const url = await silentServer();
    const sender = new HttpSender(1);
    cleanup.push(() => sender.close());
    const keep = new AbortController();
    const cut = new AbortController();
    void sender.send(url, {}, new Uint8Array(10), 20_000, keep.signal);
    const waiting = sender.send(url, {}, new Uint8Array(10), 20_000, cut.signal);
    await new Promise((r) => setTimeout(r, 50));
    expect(sender.state().waitingForSocket).toBe(1);
    const started = performance.now();
    cut.abort();
    expect(await waiting).toMatchObject({ kind: 'failure', aborted: true });
    expect(performance.now() - started).toBeLessThan(5000);
    keep.abort();
  });
});
