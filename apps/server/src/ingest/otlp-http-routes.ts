import type { IncomingMessage, ServerResponse } from 'node:http';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';
import type { SignalType } from '@apo/shared/model';
import { encodeExportResponseProto, exportResponseJson } from '@apo/shared/otlp';
import {
  IngestError,
  type InFlightBytes,
  decompressBody,
  discardUnreadBody,
  encodeRpcStatus,
  grpcCodeOf,
  httpStatusOf,
  payloadEncodingOf,
  type PayloadEncoding,
} from '@apo/otlp-transport';
import type { IngestService } from './ingest-service.ts';

export interface OtlpHttpOptions {
  service: IngestService;
  maxBodyBytes: number;
  /** Shared with the gRPC receiver: bodies as received plus what they inflate to; 429 beyond. */
  inFlight: InFlightBytes;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

const paths: Record<string, SignalType> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

/**
 * OTLP/HTTP: `POST /v1/traces|logs|metrics`, protobuf or JSON, identity / gzip / deflate / zstd.
 * Answers in the request's encoding, errors as google.rpc.Status with a message that names the problem.
 * An adapter over IngestService: it reads the content type, the body and its encoding, and maps outcomes
 * and IngestErrors (and Fastify's own errors) to HTTP answers; everything else is the service's.
 */
export function registerOtlpHttpRoutes<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  options: OtlpHttpOptions,
): void {
  const { service } = options;

  void app.register((scope, _opts, done) => {
    // Ingest bodies are bytes whatever their type; the route decides what it accepts and says why not.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: options.maxBodyBytes },
      (_req, body, next) => {
        next(null, body);
      },
    );

    const reply = (
      res: FastifyReply,
      encoding: PayloadEncoding,
      status: number,
      proto: Uint8Array,
      json: unknown,
    ) =>
      encoding === 'protobuf'
        ? res
            .status(status)
            .type('application/x-protobuf')
            .send(Buffer.from(proto.buffer, proto.byteOffset, proto.byteLength))
        : res.status(status).type('application/json').send(JSON.stringify(json));

    const fail = (res: FastifyReply, signal: SignalType, encoding: PayloadEncoding, err: IngestError) => {
      service.refused(err, signal);
      if (err.retryAfterSeconds !== undefined) void res.header('retry-after', String(err.retryAfterSeconds));
      const code = grpcCodeOf[err.kind];
      return reply(res, encoding, httpStatusOf[err.kind], encodeRpcStatus(code, err.message), {
        code,
        message: err.message,
      });
    };

    for (const [path, signal] of Object.entries(paths)) {
      // Before the body is read: a request without a credential, or of a type no route takes, is answered
      // at once instead of after 16 MiB. An unauthenticated body is not read (discarded for a moment, then
      // the connection is closed).
      const admit = async (req: FastifyRequest, res: FastifyReply) => {
        let encoding: PayloadEncoding = 'json';
        try {
          encoding = payloadEncodingOf(header(req, 'content-type'));
          service.authenticate(header(req, 'authorization'));
        } catch (err) {
          if (!(err instanceof IngestError)) throw err;
          if (err.kind === 'unauthenticated') discardUnreadBody(req.raw, res.raw);
          await fail(res, signal, encoding, err);
          return res;
        }
        return undefined;
      };
      scope.post(path, { onRequest: admit }, async (req, res) => {
        // Errors before the content type is known are answered in JSON, the readable choice.
        let encoding: PayloadEncoding = 'json';
        const lease = options.inFlight.lease();
        try {
          encoding = payloadEncodingOf(header(req, 'content-type'));
          const body = req.body;
          if (!(body instanceof Uint8Array) || body.length === 0) {
            throw new IngestError('malformed', 'empty request body: send an OTLP export request');
          }
          const outcome = await service.export({
            signal,
            transport: 'http',
            encoding,
            header: (name) => header(req, name),
            body,
            inflate: (received) => {
              lease.take(received.length);
              return decompressBody(received, header(req, 'content-encoding'), options.maxBodyBytes, lease);
            },
          });
          const partial =
            outcome.warning === undefined && outcome.rejected === 0
              ? undefined
              : { rejected: outcome.rejected, errorMessage: outcome.warning ?? '' };
          return await reply(
            res,
            encoding,
            200,
            encodeExportResponseProto(partial),
            exportResponseJson(signal, partial),
          );
        } catch (err) {
          if (err instanceof IngestError) return await fail(res, signal, encoding, err);
          throw err;
        } finally {
          lease.release();
        }
      });
    }

    scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, res) => {
      const signal = paths[req.url.split('?')[0] ?? ''] ?? 'traces';
      if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        const tooLarge = new IngestError(
          'too-large',
          `request body exceeds the limit of ${options.maxBodyBytes} bytes`,
        );
        // Read the rest of the body first (bounded): answering while the client is still writing makes it
        // see a broken pipe instead of the 413, and an exporter would retry the same body for ever.
        return drainRequest(req.raw, 4 * options.maxBodyBytes, 10_000).then(() =>
          fail(res, signal, 'json', tooLarge),
        );
      }
      if (err.statusCode !== undefined && err.statusCode < 500) {
        return fail(res, signal, 'json', new IngestError('malformed', err.message));
      }
      req.log.error({ err }, 'ingest failed');
      return fail(
        res,
        signal,
        'json',
        new IngestError('unavailable', 'internal error while storing; retry later', 2),
      );
    });
    done();
  });
}

/** Consumes what is left of a request body, up to `maxBytes` or `timeoutMs`, whichever comes first. */
function drainRequest(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<void> {
  if (req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) done();
    };
    const timer = setTimeout(done, timeoutMs);
    req.on('data', onData);
    req.once('end', done);
    req.once('error', done);
    req.resume();
  });
}
