import * as grpc from '@grpc/grpc-js';
import { encodeExportResponseProto, type SignalType } from '@apo/shared';
import type { Authenticator } from '../auth/authenticator.ts';
import { IngestError, type IngestErrorKind } from './ingest-error.ts';
import { parseBatchId, resolveCluster } from './ingest-headers.ts';
import type { IngestService } from './ingest-service.ts';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';

export interface OtlpGrpcOptions {
  service: IngestService;
  auth: Authenticator;
  metrics: IngestMetrics;
  defaultCluster: string;
  maxBodyBytes: number;
}

const statusOf: Record<IngestErrorKind, grpc.status> = {
  unauthenticated: grpc.status.UNAUTHENTICATED,
  malformed: grpc.status.INVALID_ARGUMENT,
  'unsupported-media': grpc.status.INVALID_ARGUMENT,
  'too-large': grpc.status.INVALID_ARGUMENT,
  overloaded: grpc.status.RESOURCE_EXHAUSTED,
  unavailable: grpc.status.UNAVAILABLE,
};

const services: Record<SignalType, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

// Messages stay bytes through grpc-js: the shared decoder reads them straight into the model.
const passThrough = (b: Buffer) => b;

function definition(path: string): grpc.ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: passThrough,
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
      responseDeserialize: passThrough,
    },
  };
}

function metadataValue(md: grpc.Metadata, key: string): string | undefined {
  const value = md.get(key)[0];
  return typeof value === 'string' ? value : undefined;
}

/** OTLP/gRPC on its own port, the same IngestService behind it. */
export function createOtlpGrpcServer(options: OtlpGrpcOptions): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_send_message_length': 1024 * 1024,
  });
  for (const [signal, path] of Object.entries(services) as [SignalType, string][]) {
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      void (async () => {
        try {
          const md = call.metadata;
          const identity = options.auth.checkIngest(metadataValue(md, 'authorization'));
          if (!identity.ok) throw new IngestError('unauthenticated', identity.message);
          options.metrics.receivedBytes.inc({ signal, transport: 'grpc' }, call.request.length);
          const outcome = await options.service.ingest({
            signal,
            payload: call.request,
            encoding: 'protobuf',
            cluster: resolveCluster(
              metadataValue(md, 'x-apo-cluster-id'),
              identity.trustClusterHeader,
              options.defaultCluster,
            ),
            batchId: parseBatchId(metadataValue(md, 'x-apo-batch-id')),
            transport: 'grpc',
          });
          const partial =
            outcome.warning === undefined ? undefined : { rejected: 0, errorMessage: outcome.warning };
          callback(null, Buffer.from(encodeExportResponseProto(partial)));
        } catch (err) {
          if (err instanceof IngestError) {
            options.metrics.rejectedRequests.inc({ signal, reason: err.kind });
            const metadata = new grpc.Metadata();
            // OTLP/gRPC clients read the retry delay from google.rpc.RetryInfo; the plain header is a hint too.
            if (err.retryAfterSeconds !== undefined)
              metadata.set('retry-after', String(err.retryAfterSeconds));
            callback({ code: statusOf[err.kind], details: err.message, metadata });
          } else {
            callback({ code: grpc.status.INTERNAL, details: 'internal error while storing; retry later' });
          }
        }
      })();
    };
    server.addService(definition(path), { Export: handler });
  }
  return server;
}

export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(
      `${host.includes(':') ? `[${host}]` : host}:${port}`,
      grpc.ServerCredentials.createInsecure(),
      (err, bound) => {
        if (err) reject(err);
        else resolve(bound);
      },
    );
  });
}
