import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SignalType } from '@apo/shared/model';
import { encodeExportResponseProto, exportResponseJson } from '@apo/shared/otlp';
import { decompressBody, payloadEncodingOf, type PayloadEncoding } from './body-decoding.ts';
import {
  defaultConnectionLimits,
  discardUnreadBody,
  httpServerOptions,
  limitHttpConnections,
  type ConnectionLimits,
} from './connection-limits.ts';
import type { InFlightBytes } from './in-flight-bytes.ts';
import { IngestError, grpcCodeOf, httpStatusOf } from './ingest-error.ts';
import { partialSuccessOf, type ExportOutcome } from './otlp-grpc.ts';
import { encodeRpcStatus } from './rpc-status.ts';

export interface OtlpHttpRequest {
  signal: SignalType;
  encoding: PayloadEncoding;
  /** The body exactly as received (still compressed when `contentEncoding` says so): a relay forwards it. */
  body: Buffer;
  contentEncoding: string;
  /** The decompressed body, bounded by `maxBodyBytes` (computed once, on first call). */
  payload: () => Promise<Uint8Array>;
  header: (name: string) => string | undefined;
}

export interface OtlpHttpReceiverOptions {
  host: string;
  port: number;
  /** Limit of the body as received and after decompression (413 beyond it). */
  maxBodyBytes: number;
  handle(request: OtlpHttpRequest): Promise<ExportOutcome>;
  /**
   * Checks the request's headers (the credential) before its body is read: throwing an IngestError answers
   * at once and closes the connection, so an unauthenticated sender cannot make the process read 16 MiB.
   */
  admit?(header: (name: string) => string | undefined): void;
  /** Bytes of requests worked on at once, shared with the process's other receivers; 429 beyond. */
  inFlight?: InFlightBytes;
  /** Timeouts and the connection bound of this listener (defaults: `defaultConnectionLimits`). */
  connections?: ConnectionLimits;
  onRefused?(err: IngestError, signal: SignalType): void;
  onInternalError?(err: unknown, signal: SignalType): void;
  /** Other routes on the same port (e.g. a relay's sampling-decision endpoint); true = handled. */
  otherRoute?(req: IncomingMessage, res: ServerResponse): boolean;
}

export interface OtlpHttpReceiver {
  readonly port: number;
  close(): Promise<void>;
}

const paths: Record<string, SignalType | undefined> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

/** Reads a request body up to `limit` bytes; beyond it, a 413 without reading the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    return Promise.reject(new IngestError('too-large', `request body exceeds the limit of ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new IngestError('too-large', `request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function reply(
  res: ServerResponse,
  status: number,
  encoding: PayloadEncoding,
  proto: Uint8Array,
  json: unknown,
): void {
  const body =
    encoding === 'protobuf'
      ? Buffer.from(proto.buffer, proto.byteOffset, proto.byteLength)
      : JSON.stringify(json);
  res.writeHead(status, {
    'content-type': encoding === 'protobuf' ? 'application/x-protobuf' : 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function replyError(res: ServerResponse, encoding: PayloadEncoding, err: IngestError): void {
  if (err.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(err.retryAfterSeconds));
  const code = grpcCodeOf[err.kind];
  reply(res, httpStatusOf[err.kind], encoding, encodeRpcStatus(code, err.message), {
    code,
    message: err.message,
  });
}

/**
 * OTLP/HTTP on plain `node:http` for the agent and the proxy: `POST /v1/traces|logs|metrics`, protobuf or
 * JSON, identity / gzip / deflate / zstd; answers in the request's encoding, errors as google.rpc.Status
 * with a message that names the problem. Small on purpose: these processes run on every host.
 */
export async function startOtlpHttpReceiver(options: OtlpHttpReceiverOptions): Promise<OtlpHttpReceiver> {
  const serve = async (req: IncomingMessage, res: ServerResponse, signal: SignalType): Promise<void> => {
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    // Errors before the content type is known are answered in JSON, the readable choice.
    let encoding: PayloadEncoding = 'json';
    let bodyRead = false;
    const lease = options.inFlight?.lease();
    try {
      encoding = payloadEncodingOf(req.headers['content-type']);
      options.admit?.(header);
      const body = await readBody(req, options.maxBodyBytes);
      bodyRead = true;
      if (body.length === 0)
        throw new IngestError('malformed', 'empty request body: send an OTLP export request');
      lease?.take(body.length);
      const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
      let payload: Promise<Uint8Array> | undefined;
      const outcome = await options.handle({
        signal,
        encoding,
        body,
        contentEncoding,
        payload: () => (payload ??= decompressBody(body, contentEncoding, options.maxBodyBytes, lease)),
        header,
      });
      const partial = partialSuccessOf(outcome);
      reply(res, 200, encoding, encodeExportResponseProto(partial), exportResponseJson(signal, partial));
    } catch (err) {
      if (err instanceof IngestError) {
        // No credential: answered now; the body is not read (discarded for a moment, then the connection closed).
        if (!bodyRead && err.kind === 'unauthenticated') discardUnreadBody(req, res);
        options.onRefused?.(err, signal);
        replyError(res, encoding, err);
        return;
      }
      options.onInternalError?.(err, signal);
      replyError(res, encoding, new IngestError('unavailable', 'internal error; retry later', 1));
    } finally {
      lease?.release();
    }
  };

  const limits = options.connections ?? defaultConnectionLimits;
  const server = createServer(httpServerOptions(limits), (req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0]!;
    const signal = paths[path];
    if (signal !== undefined && req.method === 'POST') {
      void serve(req, res, signal);
      return;
    }
    if (options.otherRoute?.(req, res) === true) return;
    req.resume();
    const status = signal === undefined ? 404 : 405;
    if (status === 405) res.setHeader('allow', 'POST');
    const message =
      status === 404
        ? `no route ${path}: OTLP/HTTP takes POST /v1/traces, /v1/logs and /v1/metrics`
        : `${req.method ?? ''} is not allowed on ${path}: use POST`;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: grpcCodeOf.malformed, message }));
  });
  limitHttpConnections(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        // Connections busy at close time (a long poll, a request being stored) turn idle after their answer
        // and would then hold the close for the keep-alive timeout: close those too as they turn idle.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        server.close(() => {
          clearInterval(sweep);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
