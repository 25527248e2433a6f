/**
 * Why an ingest request was refused. Each kind has one HTTP status and one gRPC code (mapped in the
 * transports), so OTLP clients retry exactly the retryable ones.
 */
export type IngestErrorKind =
  | 'unauthenticated' // 401 / UNAUTHENTICATED
  | 'malformed' // 400 / INVALID_ARGUMENT
  | 'unsupported-media' // 415 / INVALID_ARGUMENT
  | 'too-large' // 413 / RESOURCE_EXHAUSTED (not retryable: same body, same answer)
  | 'overloaded' // 429 / RESOURCE_EXHAUSTED + retry delay
  | 'unavailable' // 503 / UNAVAILABLE + retry delay
  | 'unstorable' // 400 / INVALID_ARGUMENT: well-formed, but the storage engine refuses this request's data
  | 'conflict'; // 409 / ALREADY_EXISTS: the batch id was already used for another signal or content

export class IngestError extends Error {
  override readonly name = 'IngestError';
  readonly kind: IngestErrorKind;
  readonly retryAfterSeconds: number | undefined;
  constructor(kind: IngestErrorKind, message: string, retryAfterSeconds?: number) {
    super(message);
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export const httpStatusOf: Record<IngestErrorKind, number> = {
  unauthenticated: 401,
  malformed: 400,
  'unsupported-media': 415,
  'too-large': 413,
  overloaded: 429,
  unavailable: 503,
  unstorable: 400,
  conflict: 409,
};

/** The gRPC status code of each kind; OTLP/HTTP error bodies (google.rpc.Status) carry the same code. */
export const grpcCodeOf: Record<IngestErrorKind, number> = {
  unauthenticated: 16, // UNAUTHENTICATED
  malformed: 3, // INVALID_ARGUMENT
  'unsupported-media': 3,
  'too-large': 8, // RESOURCE_EXHAUSTED
  overloaded: 8,
  unavailable: 14, // UNAVAILABLE
  unstorable: 3,
  conflict: 6, // ALREADY_EXISTS
};
