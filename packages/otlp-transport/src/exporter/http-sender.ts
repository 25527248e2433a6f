import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export type SendOutcome =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: Buffer }
  | { kind: 'failure'; error: Error; aborted: boolean };

/** Error answers are read up to this many bytes (enough for any message; the rest is discarded). */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * POSTs bodies over `node:http`/`https` with keep-alive agents sized to the exporter's concurrency, so a
 * steady stream of batches reuses a few warm connections (bench/disk-queue.bench.ts compares this with
 * undici's `fetch`: node:http costs less CPU per request here). Every outcome resolves — a network error,
 * the deadline or an abort included — so callers branch on values rather than catch.
 */
export class HttpSender {
  readonly #http: HttpAgent;
  readonly #https: HttpsAgent;

  constructor(maxSockets: number) {
    this.#http = new HttpAgent({ keepAlive: true, maxSockets });
    this.#https = new HttpsAgent({ keepAlive: true, maxSockets });
  }

  send(
    url: URL,
    headers: Record<string, string>,
    body: Uint8Array,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<SendOutcome> {
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: SendOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        signal.removeEventListener('abort', abort);
        resolve(outcome);
      };
      // Settled here rather than by the request's 'error', for the reason the deadline below says.
      const abort = (): void => {
        finish({ kind: 'failure', error: new Error('request aborted'), aborted: true });
      };
      const https = url.protocol === 'https:';
      const req = (https ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: https ? this.#https : this.#http,
          headers: { ...headers, 'content-length': String(body.byteLength) },
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let kept = 0;
          res.on('data', (chunk: Buffer) => {
            if (kept < MAX_ANSWER_BYTES) {
              chunks.push(chunk);
              kept += chunk.length;
            }
          });
          res.on('end', () => {
            finish({
              kind: 'answer',
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
            });
          });
          res.on('error', (error) => {
            finish({ kind: 'failure', error, aborted: signal.aborted });
          });
        },
      );
      // A whole-request deadline: a socket timeout alone would let a trickling answer hold a slot forever.
      // The outcome is settled here, not left to the request's 'error': a request still waiting in the
      // agent's queue for a socket emits that only once it gets one, which may be much later.
      const deadline = setTimeout(() => {
        const error = new Error(`no answer within ${timeoutMs} ms`);
        req.destroy(error);
        finish({ kind: 'failure', error, aborted: false });
      }, timeoutMs);
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      req.on('error', (error) => {
        finish({ kind: 'failure', error, aborted: signal.aborted });
      });
      req.end(body);
    });
  }

  /** Sockets of the agents in use and idle, and requests waiting for one: for stall diagnostics. */
  state(): { inUse: number; idle: number; waitingForSocket: number } {
    const count = (dict: NodeJS.ReadOnlyDict<readonly unknown[]>): number =>
      Object.values(dict).reduce((n, list) => n + (list?.length ?? 0), 0);
    const agents = [this.#http, this.#https];
    return {
      inUse: agents.reduce((n, a) => n + count(a.sockets), 0),
      idle: agents.reduce((n, a) => n + count(a.freeSockets), 0),
      waitingForSocket: agents.reduce((n, a) => n + count(a.requests), 0),
    };
  }

  close(): void {
    this.#http.destroy();
    this.#https.destroy();
  }
}
