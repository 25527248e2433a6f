import type {
  IncomingMessage,
  Server as HttpServer,
  ServerOptions as HttpServerOptions,
  ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';

/**
 * How long a connection may take and how many may be open on one listener. Without these a socket that sends
 * nothing, or trickles a body, holds a descriptor (and its buffers) for ever; a thousand of them exhaust the
 * process. Every HTTP and gRPC listener of the server, the agent and the proxy takes one.
 */
export interface ConnectionLimits {
  /** Time to receive a request's headers; also closes a connection that sends nothing at all. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (a trickled body is cut off with 408). */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number;
  /** Connections open at once on one listener; beyond it new connections are closed as they arrive. */
  maxConnections: number;
  /** gRPC: a connection with no call for this long is closed (GOAWAY; clients reconnect on their next call). */
  grpcIdleTimeoutMs: number;
  /** gRPC: connections are closed after this long (GOAWAY, calls in progress get requestTimeoutMs to finish). */
  grpcMaxAgeMs: number;
}

/** Options for `http.createServer`; pair with `limitHttpConnections` once the server exists. */
export function httpServerOptions(limits: ConnectionLimits): HttpServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Node checks the headers and request timeouts on this period (30 s by default): short timeouts need a
    // shorter period to be kept.
    connectionsCheckingInterval: Math.max(
      100,
      Math.min(30_000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
    ),
  };
}

export function limitHttpConnections(server: HttpServer, limits: ConnectionLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
}

/** grpc-js server options for the idle and age limits, and pings that find peers gone without a word. */
export function grpcServerOptions(limits: ConnectionLimits): grpc.ServerOptions {
  return {
    'grpc.max_connection_idle_ms': limits.grpcIdleTimeoutMs,
    'grpc.max_connection_age_ms': limits.grpcMaxAgeMs,
    'grpc.max_connection_age_grace_ms': limits.requestTimeoutMs,
    'grpc.keepalive_time_ms': Math.min(limits.grpcIdleTimeoutMs, 5 * 60_000),
    'grpc.keepalive_timeout_ms': 20_000,
  };
}

export interface GrpcListener {
  readonly port: number;
  /** Graceful first (calls in progress finish), forced after `graceMs`. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens for a grpc-js server through our own TCP listener, because grpc-js has no setting for what happens
 * before a connection speaks HTTP/2: a socket that never sends the preface would stay open for ever, and
 * nothing bounds how many connect. Here such a socket is closed after `headersTimeoutMs`, and the count is
 * bounded by `maxConnections`; once the preface arrives grpc-js's own idle and age limits take over.
 */
export async function listenGrpc(
  server: grpc.Server,
  host: string,
  port: number,
  limits: ConnectionLimits,
): Promise<GrpcListener> {
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const tcp = createTcpServer((socket: Socket) => {
    // grpc-js owns the socket once injected (destroying it then leaves the descriptor open), so it is handed
    // over only when its first bytes arrive, and those bytes are put back for the HTTP/2 session to read.
    const silent = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    socket.once('error', () => clearTimeout(silent));
    socket.once('data', (first: Buffer) => {
      clearTimeout(silent);
      socket.pause();
      socket.unshift(first);
      injector.injectConnection(socket);
    });
  });
  tcp.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(port, host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    port: (tcp.address() as AddressInfo).port,
    close: (graceMs = 5000) =>
      (closing ??= new Promise<void>((resolve) => {
        tcp.close();
        const timer = setTimeout(() => {
          server.forceShutdown();
          injector.destroy();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          injector.destroy();
          resolve();
        });
      })),
  };
}

/** The defaults of every listener; the server's, agent's and proxy's configurations start from these. */
export const defaultConnectionLimits: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 30_000,
  maxConnections: 4096,
  grpcIdleTimeoutMs: 5 * 60_000,
  grpcMaxAgeMs: 30 * 60_000,
};

/**
 * After a request is refused on its headers (no credential), its body is discarded as it arrives — never
 * buffered — for at most `lingerMs`, then the connection is closed. Closing at once is what saves reading
 * it, but then a sender still writing sees a broken pipe instead of the answer (measured: 5 to 30 of 60
 * node:http or fetch senders of 16 MiB bodies) and retries the same request; lingering, as web servers do,
 * lets it read the 401 and stop.
 */
export function discardUnreadBody(req: IncomingMessage, res: ServerResponse, lingerMs = 2000): void {
  if (req.complete) return;
  // Said before the answer is written: Node would otherwise keep the connection alive once the body is
  // drained, the sender would send its next request on it, and the linger below would cut that one off.
  if (!res.headersSent) res.setHeader('connection', 'close');
  const socket = req.socket;
  const close = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, lingerMs);
  timer.unref();
  // With `Connection: close` Node destroys the socket as soon as the answer is written; here it only
  // half-closes (the answer and a FIN reach the sender) and the socket is destroyed once the sender is
  // through or the linger is over.
  socket.destroySoon = () => {
    socket.end();
    socket.on('data', () => undefined);
    socket.resume();
    socket.once('end', close);
  };
  req.resume();
}
