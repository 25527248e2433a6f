/**
 * The server serves the web console at `/` (real server process, real socket): index.html with its CSP and
 * no-cache for `/` and every client route, hashed assets cached for a year with their content type, API and
 * ingest paths keeping their JSON errors, and a 503 that says how to build the console while none exists.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConsoleDir } from '../src/env.ts';
import { CONSOLE_CSP } from '../src/http/console-files.ts';
import { startServerProcess, type ServerProcess } from './support/server-process.ts';

const INDEX = `<!doctype html>
<html><head>
<script type="module" crossorigin src="./assets/index-B6LPEpee.js"></script>
<link rel="stylesheet" crossorigin href="./assets/index-DzMJ3djb.css">
<link rel="icon" href="data:," />
</head><body><div id="root"></div></body></html>
`;
interface RawAnswer {
  status: number;
  type: string;
  body: string;
  bytes: Buffer;
  headers: IncomingHttpHeaders;
}

/** A GET whose path goes out exactly as written, its body as sent (fetch would decompress it). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { accept: 'text/html', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.once('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({
            status: res.statusCode ?? 0,
            type: res.headers['content-type'] ?? '',
            body: bytes.toString(),
            bytes,
            headers: res.headers,
          });
        });
      },
    );
    req.once('error', reject);
    req.end();
  });
}

const SCRIPT = 'console.log("apo");\n';
/** Big enough to be worth compressing. */
const BIG_SCRIPT = Array.from({ length: 2000 }, (_, i) => `export const v${i} = ${i};`).join('\n');
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the web console at / (real server process)', () => {
  let server: ServerProcess;
  let consoleDir: string;
  const get = (path: string, headers: Record<string, string> = html, method = 'GET') =>
    fetch(`${server.httpUrl}${path}`, { method, headers });

  beforeAll(async () => {
    consoleDir = await mkdtemp(join(tmpdir(), 'apo-console-'));
    await mkdir(join(consoleDir, 'assets'));
    await writeFile(join(consoleDir, 'index.html'), INDEX);
    await writeFile(join(consoleDir, 'assets/index-B6LPEpee.js'), SCRIPT);
    await writeFile(join(consoleDir, 'assets/index-DzMJ3djb.css'), 'body{margin:0}');
    await writeFile(join(consoleDir, 'assets/chunk-Q1w2E3r4.js'), BIG_SCRIPT);
    await writeFile(join(consoleDir, 'robots.txt'), 'User-agent: *\nDisallow: /\n');
    server = await startServerProcess({ env: { APO_CONSOLE_DIR: consoleDir } });
  });
  afterAll(async () => {
    await server.dispose();
    await rm(consoleDir, { recursive: true, force: true });
  });

  it('answers / with index.html, its CSP, no-cache and nosniff', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('src="./assets/index-B6LPEpee.js"');
    // Also without an Accept header (curl): `/` is the console, whatever asks.
    expect((await get('/', {})).status).toBe(200);
  });

  it('sends a strict policy: scripts, styles and requests from its own origin only, no framing', () => {
    const directives = new Map(
      CONSOLE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives.get('default-src')).toBe("'self'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data:");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'self'");
    expect(CONSOLE_CSP).not.toContain('unsafe-eval');
  });

  it('serves hashed assets with a year of immutable caching and their content type', async () => {
    const js = await get('/assets/index-B6LPEpee.js', { accept: '*/*' });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await js.text()).toBe(SCRIPT);
    const css = await get('/assets/index-DzMJ3djb.css', { accept: 'text/css,*/*;q=0.1' });
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(css.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const head = await get('/assets/index-B6LPEpee.js', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(SCRIPT)));
  });

  it('compresses hashed assets for clients that take brotli or gzip', async () => {
    const path = '/assets/chunk-Q1w2E3r4.js';
    const br = await rawGet(server.httpPort, path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('accept-encoding');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(br.headers['content-length'])).toBe(br.bytes.length);
    expect(br.bytes.length).toBeLessThan(Buffer.byteLength(BIG_SCRIPT) / 3);
    expect(brotliDecompressSync(br.bytes).toString()).toBe(BIG_SCRIPT);
    const gz = await rawGet(server.httpPort, path, { 'accept-encoding': 'gzip, br;q=0' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.bytes).toString()).toBe(BIG_SCRIPT);
    const plain = await rawGet(server.httpPort, path, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(BIG_SCRIPT);
  });

  it('serves a file at the build root (public/) revalidated, not immutable', async () => {
    const res = await get('/robots.txt', {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it.each(['/services/checkout?from=now-1h', '/setup', '/traces/0af7651916cd43dd8448eb211c80319c/'])(
    'answers the client route %s with index.html, its assets addressed from that depth',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const body = await res.text();
      const depth = path.split('?')[0]!.split('/').length - 2;
      const root = depth === 0 ? './' : '../'.repeat(depth);
      expect(body).toContain(`src="${root}assets/index-B6LPEpee.js"`);
      expect(body).toContain(`href="${root}assets/index-DzMJ3djb.css"`);
      expect(body).toContain('href="data:,"');
      // What the browser resolves it to is the asset itself.
      const script = /src="([^"]+)"/.exec(body)![1]!;
      const asset = await fetch(new URL(script, `${server.httpUrl}${path}`));
      expect(await asset.text()).toBe(SCRIPT);
    },
  );

  it.each([
    ['/v1/nope', 'Route GET:/v1/nope not found'],
    ['/v1', 'Route GET:/v1 not found'],
    ['/api/v1/query', 'Route GET:/api/v1/query not found'],
    ['/trpc/nope', 'No procedure found'],
    ['/healthz/extra', 'Route GET:/healthz/extra not found'],
  ])('keeps the JSON 404 of API path %s, even for a browser', async (path, message) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.text()).toContain(message);
  });

  it('answers JSON 404 to a caller that does not ask for HTML, and to a missing or escaping asset', async () => {
    const plain = await get('/services/checkout', { accept: 'application/json' });
    expect(plain.status).toBe(404);
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    const missing = await get('/assets/index-gone.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    // Sent as written: fetch would resolve the dot segments before sending.
    for (const path of [
      '/assets/../index.html',
      '/assets/%2e%2e/index.html',
      '/assets/..%2f..%2fpackage.json',
      '/assets/.hidden',
    ]) {
      const res = await rawGet(server.httpPort, path);
      expect(res.status, path).toBe(404);
      expect(res.type, path).toMatch(/^application\/json/);
    }
    // Outside /assets/ a path that leaves the build is a client route like any other: index.html, no file.
    for (const path of ['/%2e%2e/%2e%2e/package.json', '/../../package.json', '/.env']) {
      const res = await rawGet(server.httpPort, path);
      expect(res.body, path).toContain('<div id="root"></div>');
      expect(res.body, path).not.toContain('"name"');
    }
    const post = await fetch(`${server.httpUrl}/services/checkout`, { method: 'POST', headers: html });
    expect(post.status).toBe(404);
  });

  it('leaves the API and probes alone', async () => {
    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    const health = await get(`/trpc/health`, { accept: 'application/json' });
    expect(health.status).toBe(200);
  });

  it('answers 503 with how to build the console while there is no build, and serves it once there is', async () => {
    await rm(join(consoleDir, 'index.html'));
    try {
      for (const path of ['/', '/services/checkout']) {
        const res = await get(path);
        expect(res.status, path).toBe(503);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(res.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
        const body = await res.text();
        expect(body).toContain('pnpm --filter @apo/desktop build:web');
        expect(body).not.toContain(consoleDir);
      }
    } finally {
      await writeFile(join(consoleDir, 'index.html'), INDEX);
    }
    expect((await get('/')).status).toBe(200);
  });
});

describe('where the server looks for the console', () => {
  it('is the desktop app’s web build in the repository', () => {
    expect(defaultConsoleDir()).toBe(fileURLToPath(new URL('../../desktop/out/web', import.meta.url)));
  });
});
