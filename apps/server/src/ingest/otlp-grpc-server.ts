import type * as grpc from '@grpc/grpc-js';
import {
  IngestError,
  createOtlpGrpcServer as createGrpcReceiver,
  type ConnectionLimits,
  type InFlightBytes,
} from '@apo/otlp-transport';
import type { Authenticator } from '../auth/authenticator.ts';
import { parseBatchId, resolveCluster } from './ingest-headers.ts';
import type { IngestService } from './ingest-service.ts';
import type { IngestMetrics } from '../telemetry/ingest-metrics.ts';

export interface OtlpGrpcOptions {
  service: IngestService;
  auth: Authenticator;
  metrics: IngestMetrics;
  defaultCluster: string;
  maxBodyBytes: number;
  inFlight: InFlightBytes;
  connections: ConnectionLimits;
}

/** OTLP/gRPC on its own port, the same IngestService behind it. */
export function createOtlpGrpcServer(options: OtlpGrpcOptions): grpc.Server {
  return createGrpcReceiver({
    maxBodyBytes: options.maxBodyBytes,
    inFlight: options.inFlight,
    connections: options.connections,
    onRefused: (err, signal) => options.metrics.rejectedRequests.inc({ signal, reason: err.kind }),
    handle: async ({ signal, payload, metadata }) => {
      const identity = options.auth.checkIngest(metadata('authorization'));
      if (!identity.ok) throw new IngestError('unauthenticated', identity.message);
      options.metrics.receivedBytes.inc({ signal, transport: 'grpc' }, payload.length);
      const outcome = await options.service.ingest({
        signal,
        payload,
        encoding: 'protobuf',
        cluster: resolveCluster(
          metadata('x-apo-cluster-id'),
          identity.trustClusterHeader,
          options.defaultCluster,
        ),
        batchId: parseBatchId(metadata('x-apo-batch-id')),
        transport: 'grpc',
      });
      return { warning: outcome.warning, rejected: outcome.rejected };
    },
  });
}
