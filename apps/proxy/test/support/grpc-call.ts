/**
 * One unary OTLP/gRPC Export call over plain node:http2 (length-prefixed message, status in the trailers):
 * enough for tests of the proxy's gRPC receiver without a gRPC client library in this package.
 */
import { connect } from 'node:http2';
import type { SignalType } from '@apo/shared/model';

const paths: Record<SignalType, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

export interface GrpcAnswer {
  /** grpc-status: 0 OK, 3 INVALID_ARGUMENT, 8 RESOURCE_EXHAUSTED, 14 UNAVAILABLE, 16 UNAUTHENTICATED. */
  status: number;
  message: string;
}

export async function grpcExport(
  port: number,
  signal: SignalType,
  message: Uint8Array,
  metadata: Record<string, string> = {},
): Promise<GrpcAnswer> {
  const client = connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise<GrpcAnswer>((resolve, reject) => {
      client.once('error', reject);
      const stream = client.request({
        ':method': 'POST',
        ':path': paths[signal],
        'content-type': 'application/grpc',
        te: 'trailers',
        ...metadata,
      });
      let status: number | undefined;
      let text = '';
      const take = (headers: Record<string, unknown>) => {
        if (headers['grpc-status'] !== undefined) status = Number(headers['grpc-status']);
        if (typeof headers['grpc-message'] === 'string') text = decodeURIComponent(headers['grpc-message']);
      };
      stream.on('response', take);
      stream.on('trailers', take);
      stream.on('data', () => undefined);
      stream.on('error', reject);
      stream.on('close', () => {
        if (status === undefined) reject(new Error('no grpc-status in the answer'));
        else resolve({ status, message: text });
      });
      const prefix = Buffer.alloc(5);
      prefix.writeUInt32BE(message.length, 1);
      stream.end(Buffer.concat([prefix, message]));
    });
  } finally {
    client.close();
  }
}
