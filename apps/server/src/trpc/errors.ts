import { StandardSchemaV1Error, TRPCError } from '@trpc/server';
import { z } from 'zod';
import { BadRequestError, ConflictError, NotFoundError } from '../features/domain-errors.ts';

/** The one place domain and storage errors become API errors. */
export function toTrpcError(error: TRPCError): TRPCError {
  const cause = error.cause;
  if (cause instanceof BadRequestError)
    return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  if (cause instanceof NotFoundError)
    return new TRPCError({ code: 'NOT_FOUND', message: cause.message, cause });
  if (cause instanceof ConflictError)
    return new TRPCError({ code: 'CONFLICT', message: cause.message, cause });
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

/**
 * An input that failed validation, as one line naming each field: `to: must be at most … ; limit: …`.
 * (tRPC's own message is the issues' JSON, which reads badly in a console or a curl.)
 */
function inputProblem(error: z.ZodError | StandardSchemaV1Error): string {
  return error.issues
    .map((issue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p));
      return `${path.length === 0 ? 'input' : path.join('.')}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * What every tRPC error looks like on the wire: code, HTTP status, message, and nothing about the server's
 * insides — no stack (it names absolute file paths), whatever NODE_ENV says; storage detail never reaches
 * here (toTrpcError replaced it).
 */
export function formatError<Shape extends { message: string; data: object }>(opts: {
  shape: Shape;
  error: TRPCError;
}): Shape {
  const { stack: _stack, ...data } = opts.shape.data as Shape['data'] & { stack?: string };
  const cause = opts.error.cause;
  const message =
    cause instanceof z.ZodError || cause instanceof StandardSchemaV1Error
      ? inputProblem(cause)
      : opts.shape.message;
  return { ...opts.shape, message, data };
}
