import type * as grpc from '@grpc/grpc-js';
import {
  createOtlpGrpcServer as createGrpcReceiver,
  type ConnectionLimits,
  type InFlightBytes,
} from '@apo/otlp-transport';
import type { IngestService } from './ingest-service.ts';

export interface OtlpGrpcOptions {
  service: IngestService;
  maxBodyBytes: number;
  inFlight: InFlightBytes;
  connections: ConnectionLimits;
}

/**
 * OTLP/gRPC on its own port, the same IngestService behind it. grpc-js hands messages over inflated; the
 * receiver maps IngestErrors to gRPC codes (and `retry-after` metadata).
 */
export function createOtlpGrpcServer(options: OtlpGrpcOptions): grpc.Server {
  const { service } = options;
  return createGrpcReceiver({
    maxBodyBytes: options.maxBodyBytes,
    inFlight: options.inFlight,
    connections: options.connections,
    onRefused: (err, signal) => {
      service.refused(err, signal);
    },
    handle: ({ signal, payload, metadata }) =>
      service.export({ signal, transport: 'grpc', encoding: 'protobuf', header: metadata, body: payload }),
  });
}
