export { IngestError, grpcCodeOf, httpStatusOf, type IngestErrorKind } from './ingest-error.ts';
export {
  decompressBody,
  payloadEncodingOf,
  supportedEncodings,
  type PayloadEncoding,
} from './body-decoding.ts';
export { encodeRpcStatus } from './rpc-status.ts';
export { refusalWhenUnwritable, UNWRITABLE_RETRY_AFTER_SECONDS } from './queue-refusal.ts';
export {
  createOtlpGrpcServer,
  type ExportOutcome,
  type OtlpGrpcOptions,
  type OtlpGrpcRequest,
} from './otlp-grpc.ts';
export {
  readBody,
  startOtlpHttpReceiver,
  type OtlpHttpReceiver,
  type OtlpHttpReceiverOptions,
  type OtlpHttpRequest,
} from './otlp-http.ts';
export {
  defaultConnectionLimits,
  discardUnreadBody,
  grpcServerOptions,
  httpServerOptions,
  limitHttpConnections,
  listenGrpc,
  type ConnectionLimits,
  type GrpcListener,
} from './connection-limits.ts';
export { InFlightBytes, InFlightLease } from './in-flight-bytes.ts';
