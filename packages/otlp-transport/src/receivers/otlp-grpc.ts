import * as grpc from '@grpc/grpc-js';
import { type SignalType } from '@apo/shared/model';
import { encodeExportResponseProto } from '@apo/shared/otlp';
import { defaultConnectionLimits, grpcServerOptions, type ConnectionLimits } from './connection-limits.ts';
import type { InFlightBytes } from './in-flight-bytes.ts';
import { IngestError, type IngestErrorKind } from './ingest-error.ts';

/**
 * What an OTLP receiver's handler answers: items it rejected and a warning (why, or what limits cut)
 * become the export response's partial success.
 */
export interface ExportOutcome {
  warning?: string | undefined;
  /** Spans, log records or data points not stored; 0 when absent. */
  rejected?: number;
}

/** The partial success of an answer, or undefined for a full success (the empty response). */
export function partialSuccessOf(
  outcome: ExportOutcome,
): { rejected: number; errorMessage: string } | undefined {
  const rejected = outcome.rejected ?? 0;
  if (outcome.warning === undefined && rejected === 0) return undefined;
  return { rejected, errorMessage: outcome.warning ?? '' };
}

export interface OtlpGrpcRequest {
  signal: SignalType;
  /** The serialized Export*ServiceRequest, exactly as received. */
  payload: Buffer;
  /** A request metadata value (lower-case key), e.g. `authorization`, `x-apo-batch-id`. */
  metadata: (key: string) => string | undefined;
}

export interface OtlpGrpcOptions {
  maxBodyBytes: number;
  handle(request: OtlpGrpcRequest): Promise<ExportOutcome>;
  /**
   * Bytes of requests worked on at once, shared with the process's other receivers: a message (grpc-js hands
   * it over inflated) beyond the bound gets RESOURCE_EXHAUSTED with a retry delay.
   */
  inFlight?: InFlightBytes;
  /** Idle and age limits of the connections (defaults: `defaultConnectionLimits`); see `listenGrpc`. */
  connections?: ConnectionLimits;
  /** Called with anything other than an IngestError, which the client sees as INTERNAL. */
  onInternalError?(err: unknown, signal: SignalType): void;
  /** Called with every refusal, for counters. */
  onRefused?(err: IngestError, signal: SignalType): void;
}

// grpc-js types codes as its own enum; the numbers equal grpcCodeOf's (the HTTP error bodies use those).
const statusOf: Record<IngestErrorKind, grpc.status> = {
  unauthenticated: grpc.status.UNAUTHENTICATED,
  malformed: grpc.status.INVALID_ARGUMENT,
  'unsupported-media': grpc.status.INVALID_ARGUMENT,
  'too-large': grpc.status.RESOURCE_EXHAUSTED,
  overloaded: grpc.status.RESOURCE_EXHAUSTED,
  unavailable: grpc.status.UNAVAILABLE,
  unstorable: grpc.status.INVALID_ARGUMENT,
  conflict: grpc.status.ALREADY_EXISTS,
};

const services: Record<SignalType, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

// Messages stay bytes through grpc-js: the shared decoder reads them straight into the model, and a relay
// can forward them untouched.
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

/** OTLP/gRPC: the three Export services on one server, every request handed over as bytes. */
export function createOtlpGrpcServer(options: OtlpGrpcOptions): grpc.Server {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_send_message_length': 1024 * 1024,
    ...grpcServerOptions(options.connections ?? defaultConnectionLimits),
  });
  for (const [signal, path] of Object.entries(services) as [SignalType, string][]) {
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      const metadata = (key: string): string | undefined => {
        const value = call.metadata.get(key)[0];
        return typeof value === 'string' ? value : undefined;
      };
      const lease = options.inFlight?.lease();
      const handled = (async () => {
        lease?.take(call.request.length);
        return options.handle({ signal, payload: call.request, metadata });
      })().finally(() => lease?.release());
      handled.then(
        (outcome) => {
          callback(null, Buffer.from(encodeExportResponseProto(partialSuccessOf(outcome))));
        },
        (err: unknown) => {
          if (err instanceof IngestError) {
            options.onRefused?.(err, signal);
            const md = new grpc.Metadata();
            // OTLP/gRPC clients read the retry delay from google.rpc.RetryInfo; the plain header is a hint too.
            if (err.retryAfterSeconds !== undefined) md.set('retry-after', String(err.retryAfterSeconds));
            callback({ code: statusOf[err.kind], details: err.message, metadata: md });
          } else {
            options.onInternalError?.(err, signal);
            callback({ code: grpc.status.INTERNAL, details: 'internal error; retry later' });
          }
        },
      );
    };
    server.addService(definition(path), { Export: handler });
  }
  return server;
}
