/**
 * Errors that carry their HTTP answer. Business outcomes (card declined, out of stock, not found) are 4xx and
 * logged as warnings; anything else is a 5xx and logged as an error with its stack.
 */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
    this.code = code;
  }
}

/** A failed call to another service of the shop. */
export class PeerError extends HttpError {
  override readonly name: string = 'PeerError';
  readonly peer: string;
  /** The status the peer answered, 0 when it did not answer (refused, reset, timed out). */
  readonly peerStatus: number;

  constructor(
    peer: string,
    peerStatus: number,
    code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    // 4xx are the peer's business answer and pass through; the rest is a bad or missing upstream.
    const status =
      peerStatus >= 400 && peerStatus < 500 ? peerStatus : code === 'upstream_timeout' ? 504 : 502;
    super(status, code, message, options);
    this.peer = peer;
    this.peerStatus = peerStatus;
  }
}

export const badRequest = (message: string) => new HttpError(400, 'bad_request', message);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
