/**
 * A stand-in for the APO server on the proxy's upstream side, for the proxy's in-process tests: records
 * every OTLP request exactly as it arrives (so "bytes untouched" can be checked byte for byte) and answers
 * what the test says; serves a minimal sampling-decision board and counts its long polls. The whole-stack
 * tests (tests/stack/proxy-*.test.ts) run the real server instead.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export type UpstreamHandler = (req: UpstreamRequest, res: ServerResponse) => void;

export class UpstreamStandIn {
  readonly requests: UpstreamRequest[] = [];
  /** OTLP answers; 200 with an empty JSON body unless a test says otherwise. */
  handler: UpstreamHandler = (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  /** Trace ids posted to /v1/sampling/decisions, in order. */
  readonly decisions: string[] = [];
  /** Long polls (GET with waitMs > 0) in progress now, and the most at once. */
  polling = 0;
  maxPolling = 0;
  polls = 0;
  readonly #waiters = new Set<() => void>();
  readonly #server: Server;
  url = '';

  constructor() {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request: UpstreamRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        if (request.url.startsWith('/v1/sampling/decisions')) this.#decisions(request, res);
        else {
          this.requests.push(request);
          this.handler(request, res);
        }
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** OTLP requests to one path (`/v1/traces`…). */
  to(path: string): UpstreamRequest[] {
    return this.requests.filter((r) => r.url === path);
  }

  close(): Promise<void> {
    for (const wake of this.#waiters) wake();
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #decisions(req: UpstreamRequest, res: ServerResponse): void {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'POST') {
      const ids = (JSON.parse(req.body.toString()) as { traceIds: string[] }).traceIds;
      this.decisions.push(...ids);
      for (const wake of [...this.#waiters]) wake();
      json(200, { accepted: ids.length });
      return;
    }
    const query = new URL(req.url, 'http://x').searchParams;
    const after = query.get('after');
    const waitMs = Number(query.get('waitMs') ?? 0);
    const page = () => {
      const from = after === null ? this.decisions.length : Number(after.split(':')[1]);
      return { traceIds: this.decisions.slice(from), cursor: `s:${this.decisions.length}` };
    };
    const first = page();
    if (first.traceIds.length > 0 || waitMs === 0) {
      json(200, first);
      return;
    }
    this.polls++;
    this.polling++;
    this.maxPolling = Math.max(this.maxPolling, this.polling);
    const done = () => {
      clearTimeout(timer);
      this.#waiters.delete(done);
      this.polling--;
      if (!res.destroyed) json(200, page());
    };
    const timer = setTimeout(done, waitMs);
    this.#waiters.add(done);
  }
}
