/**
 * Errors of the domain: what a feature throws when a request cannot be answered as asked. They know nothing
 * of the API; trpc/errors.ts maps each to its API error (BAD_REQUEST, NOT_FOUND, CONFLICT), so query code never
 * depends on the transport.
 */

/** A request that is well-formed but asks for something that cannot be answered (bad cursor, bad range). */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/** What the request names (a trace id) is not stored. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The request would break a rule of the data: a taken username, the last admin demoted. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}
