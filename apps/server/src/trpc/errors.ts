import { TRPCError } from '@trpc/server';

/** A request that is well-formed but asks for something that cannot be answered (bad cursor, bad range). */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The one place domain and storage errors become API errors. */
export function toTrpcError(error: TRPCError): TRPCError {
  const cause = error.cause;
  if (cause instanceof BadRequestError)
    return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  if (cause instanceof NotFoundError)
    return new TRPCError({ code: 'NOT_FOUND', message: cause.message, cause });
  if (error.code === 'INTERNAL_SERVER_ERROR' && cause) {
    // Storage messages can quote SQL; callers get a stable message, the log keeps the detail.
    return new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: 'the query failed; see the server log',
      cause,
    });
  }
  return error;
}
