/**
 * One HTTP(S) GET of a /metrics endpoint, with a deadline over the whole exchange (connect, headers and
 * body), a bound on the body (decompressed), gzip, and the Accept header Prometheus sends. Resolves to the
 * body or to a reason; never rejects.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

/** Text format 0.0.4 first; OpenMetrics is parsed too when a target only speaks it. */
const SCRAPE_ACCEPT =
  'text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1';

export type FetchOutcome = { ok: true; body: string; contentType: string } | { ok: false; error: string };

export interface FetchOptions {
  timeoutMs: number;
  maxBodyBytes: number;
  userAgent: string;
}

export function fetchExposition(url: URL, options: FetchOptions): Promise<FetchOutcome> {
  return new Promise<FetchOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: FetchOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers: {
        Accept: SCRAPE_ACCEPT,
        'Accept-Encoding': 'gzip',
        'User-Agent': options.userAgent,
        'X-Prometheus-Scrape-Timeout-Seconds': String(options.timeoutMs / 1000),
      },
    });
    const timer = setTimeout(() => {
      finish({ ok: false, error: `timed out after ${options.timeoutMs} ms` });
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error) => finish({ ok: false, error: error.message }));
    request.on('response', (response: IncomingMessage) => {
      if (response.statusCode !== 200) {
        response.resume();
        finish({ ok: false, error: `HTTP ${response.statusCode ?? '?'}` });
        request.destroy();
        return;
      }
      const gzip = /\bgzip\b/i.test(response.headers['content-encoding'] ?? '');
      const stream: Readable = gzip ? response.pipe(createGunzip()) : response;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBodyBytes) {
          finish({ ok: false, error: `body exceeds ${options.maxBodyBytes} bytes` });
          request.destroy();
          stream.destroy();
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (error) => finish({ ok: false, error: error.message }));
      stream.on('end', () =>
        finish({
          ok: true,
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: response.headers['content-type'] ?? '',
        }),
      );
    });
    request.end();
  });
}
