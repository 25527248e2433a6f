import http from 'node:http';
import net from 'node:net';
import { PeerError } from './http-errors.ts';

/**
 * Calls to the other services: node:http with keep-alive (the preload makes each a CLIENT span and
 * propagates the trace context), a timeout on every call, and errors that say which peer failed how.
 *
 * The downstream-timeout fault routes calls to its target into a local "black hole" that accepts the
 * connection and never answers, so the call hangs until the caller's timeout while the client span keeps the
 * target's address — as a hung dependency looks from the caller. The target itself sees nothing.
 */
interface CallOptions {
  timeoutMs?: number;
  headers?: Record<string, string>;
}

export interface Peers {
  call<T>(target: string, method: string, path: string, body?: unknown, options?: CallOptions): Promise<T>;
  close(): void;
}

export interface PeersOptions {
  urls: Record<string, string>;
  defaultTimeoutMs: number;
  /** The active downstream-timeout fault, if any. */
  hang: () => { target: string; timeoutMs: number } | undefined;
}

function blackHole(): { port: () => Promise<number>; close: () => void } {
  let server: net.Server | undefined;
  let listening: Promise<number> | undefined;
  const sockets = new Set<net.Socket>();
  return {
    port: () => {
      listening ??= new Promise<number>((resolve, reject) => {
        server = net.createServer((socket) => {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => undefined);
          socket.resume();
        });
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => resolve((server!.address() as net.AddressInfo).port));
        server.unref();
      });
      return listening;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      server?.close();
    },
  };
}

export function createPeers(options: PeersOptions): Peers {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const hole = blackHole();

  const call = async <T>(
    target: string,
    method: string,
    path: string,
    body?: unknown,
    callOptions: CallOptions = {},
  ): Promise<T> => {
    const base = options.urls[target];
    if (base === undefined) throw new Error(`no URL for service ${target}`);
    const url = new URL(path, base);
    const hang = options.hang();
    const hangs = hang?.target === target;
    const timeoutMs = hangs ? hang.timeoutMs : (callOptions.timeoutMs ?? options.defaultTimeoutMs);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const holePort = hangs ? await hole.port() : 0;

    const send = (mayRetry: boolean): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const req = http.request(
          url,
          {
            method,
            headers: {
              accept: 'application/json',
              ...(payload === undefined
                ? {}
                : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
              ...callOptions.headers,
            },
            // Without an agent, http uses createConnection (with one, the agent's own connect wins).
            ...(hangs ? { createConnection: () => net.connect(holePort, '127.0.0.1') } : { agent }),
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('error', (error) =>
              reject(
                new PeerError(target, 0, 'upstream_reset', `${target} ${method} ${path}: ${error.message}`),
              ),
            );
            res.on('end', () => {
              clearTimeout(timer);
              const text = Buffer.concat(chunks).toString('utf8');
              let parsed: unknown;
              try {
                parsed = text === '' ? undefined : JSON.parse(text);
              } catch {
                parsed = text;
              }
              const status = res.statusCode ?? 0;
              if (status >= 200 && status < 300) {
                resolve(parsed as T);
                return;
              }
              const answer = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
                error?: string;
                message?: string;
              };
              reject(
                new PeerError(
                  target,
                  status,
                  answer.error ?? (status >= 500 ? 'upstream_error' : 'upstream_rejected'),
                  answer.message ?? `${target} answered ${status} to ${method} ${path}`,
                ),
              );
            });
          },
        );
        const timer = setTimeout(() => {
          req.destroy(new Error(`timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        req.on('error', (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          // A kept-alive socket the peer closed just as it was reused (its idle timeout raced the request):
          // nothing reached the peer, and Node's documented answer is one retry on a fresh socket.
          if (mayRetry && req.reusedSocket && error.code === 'ECONNRESET') {
            resolve(send(false));
            return;
          }
          const timedOut = error.message.startsWith('timed out');
          reject(
            new PeerError(
              target,
              0,
              timedOut ? 'upstream_timeout' : 'upstream_unavailable',
              `call to ${target} ${method} ${path} failed: ${error.message}`,
              { cause: error },
            ),
          );
        });
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    return send(true);
  };

  return {
    call,
    close: () => {
      agent.destroy();
      hole.close();
    },
  };
}
