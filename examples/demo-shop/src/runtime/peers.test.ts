import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPeers, type Peers } from './peers.ts';

/**
 * A server that drops the connection of every second request on a socket without answering: what a
 * kept-alive socket looks like when the server's idle timeout closed it just as the client reused it.
 */
async function droppingServer(): Promise<{
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let requests = 0;
  const perSocket = new WeakMap<object, number>();
  const server = http.createServer((req, res) => {
    requests++;
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    if (n === 2) {
      req.socket.destroy();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ n: requests }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('peers', () => {
  let peers: Peers | undefined;
  afterEach(() => peers?.close());

  it('a reused kept-alive socket the peer dropped is retried once on a fresh one', async () => {
    const server = await droppingServer();
    peers = createPeers({ urls: { s: server.url }, defaultTimeoutMs: 2000, hang: () => undefined });
    expect(await peers.call('s', 'POST', '/a', { x: 1 })).toEqual({ n: 1 });
    // The second request reuses the socket, which the server drops: answered by the retry (the 3rd request).
    expect(await peers.call('s', 'POST', '/a', { x: 2 })).toEqual({ n: 3 });
    expect(server.requests()).toBe(3);
    peers.close();
    await server.close();
  });

  it('a peer that is down fails at once, without a retry', async () => {
    const server = await droppingServer();
    const url = server.url;
    await server.close();
    peers = createPeers({ urls: { s: url }, defaultTimeoutMs: 2000, hang: () => undefined });
    await expect(peers.call('s', 'GET', '/a')).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });
});
