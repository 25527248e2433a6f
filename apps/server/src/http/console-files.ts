import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { chooseEncoding, CompressedAssets } from './console-compression.ts';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawServerDefault,
} from 'fastify';

/**
 * The web console (the desktop app's renderer built for browsers) served at `/` beside the API, so a server
 * alone is a complete product: open its URL and the console talks to its own origin.
 *
 * A small handler rather than @fastify/static: the parts that matter here are not static-file serving but
 * the routing around it — client routes answered with index.html (rewritten for their depth), API paths
 * that must keep their JSON 404, a 503 that explains how to build the console while none exists (checked
 * per request, so a build made after the server started is picked up) — and the hashed assets need
 * nothing but a stream and the right headers.
 */

/**
 * The console's policy as a response header (the build also carries a meta-tag policy; browsers enforce
 * both). `style-src-attr 'unsafe-inline'`: ECharts writes its HTML tooltips with `style="…"` attributes
 * through innerHTML; React's `style` prop and ECharts' own element styles go through the CSSOM, which CSP
 * does not govern. Style attributes cannot load anything or read the page, unlike `<style>` elements and
 * stylesheets, which stay `'self'`. `connect-src 'self'`: this console calls the server that served it.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Hashed build output: a file's name changes with its content, so a browser may keep it for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Paths that belong to the API, ingest and probes: never answered with the console, so an unknown one keeps
 * its JSON 404 (a script or an agent must not get a 200 HTML page). `/api/` is kept for the HTTP query APIs
 * (Prometheus, Jaeger) that live there by convention.
 */
const RESERVED = /^\/(?:trpc|v1|api|healthz|readyz|metrics)(?:\/|$)/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

const BUILD_COMMAND = 'pnpm --filter @apo/desktop build:web';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>APO console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The APO console is not built yet</h1>
<p>This server is running and its API works (<code>/trpc</code>, <code>/healthz</code>), but it has no web
console to serve. Build it in the repository with</p>
<pre>${BUILD_COMMAND}</pre>
<p>(<code>pnpm install</code> and <code>pnpm start</code> build it when it is missing), then reload this page.
A server started from a bundle serves the console inside the bundle; <code>APO_CONSOLE_DIR</code> points it
at another build.</p>
</body></html>
`;

function isReserved(path: string): boolean {
  return RESERVED.test(path);
}

function acceptsHtml(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

/** `/services/checkout` → `../`: index.html's `./assets/…` must resolve from a client route's directory too. */
function relativeRoot(path: string): string {
  const depth = path.split('/').length - 2;
  return depth <= 0 ? './' : '../'.repeat(depth);
}

/** The file a URL path names inside `dir`, or undefined when it would leave it or names a hidden file. */
function fileIn(dir: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.split('/').some((part) => part.startsWith('.'))) return undefined;
  const file = resolve(dir, `.${decoded}`);
  return file.startsWith(dir + sep) ? file : undefined;
}

async function fileSize(path: string): Promise<number | undefined> {
  const info = await stat(path).catch(() => undefined);
  return info?.isFile() === true ? info.size : undefined;
}

function notFound(res: FastifyReply): FastifyReply {
  res.callNotFound();
  return res;
}

function securityHeaders(res: FastifyReply): FastifyReply {
  return res.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer');
}

export interface ConsoleFilesOptions {
  /** The web build: index.html and assets/. */
  dir: string;
}

export function registerConsoleFiles<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  options: ConsoleFilesOptions,
): void {
  const dir = resolve(options.dir);
  const indexPath = join(dir, 'index.html');
  void fileSize(indexPath).then((size) => {
    if (size === undefined) {
      app.log.warn(`no web console in ${dir}: / answers 503 until it is built (${BUILD_COMMAND})`);
    }
  });

  async function sendIndex(req: FastifyRequest, res: FastifyReply): Promise<FastifyReply> {
    const html = await readFile(indexPath, 'utf8').catch(() => undefined);
    securityHeaders(res).header('cache-control', 'no-cache').header('content-security-policy', CONSOLE_CSP);
    if (html === undefined) {
      return res.status(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    const root = relativeRoot(req.url.split('?', 1)[0] ?? '/');
    return res.type('text/html; charset=utf-8').send(html.replace(/(\s(?:src|href)=["'])\.\//g, `$1${root}`));
  }

  const compressed = new CompressedAssets();

  async function sendFile(
    req: FastifyRequest,
    res: FastifyReply,
    path: string,
    cacheControl: string,
  ): Promise<FastifyReply> {
    const size = await fileSize(path);
    if (size === undefined) return notFound(res);
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    securityHeaders(res).header('cache-control', cacheControl).type(type);
    // Only hashed assets: their compressed copies can be kept as long as the files.
    const encoding =
      cacheControl === IMMUTABLE ? chooseEncoding(req.headers['accept-encoding'], type, size) : undefined;
    if (encoding === undefined) return res.header('content-length', size).send(createReadStream(path));
    const body = await compressed.get(path, encoding);
    return res
      .header('vary', 'accept-encoding')
      .header('content-encoding', encoding)
      .header('content-length', body.length)
      .send(body);
  }

  app.get('/', sendIndex);
  app.get('/index.html', sendIndex);
  app.get('/assets/*', (req, res) => {
    const file = fileIn(dir, req.url.split('?', 1)[0] ?? '');
    return file === undefined ? notFound(res) : sendFile(req, res, file, IMMUTABLE);
  });

  // Everything no route claims: a file at the build's root (public/ files, unhashed), a client route, or the
  // JSON 404 Fastify gives by default — which API paths and non-browser callers always get.
  app.setNotFoundHandler(async (req, res) => {
    const path = req.url.split('?', 1)[0] ?? '';
    // A missing asset stays a 404 even for a browser: an old page asking for a replaced chunk must fail.
    if (
      (req.method === 'GET' || req.method === 'HEAD') &&
      !isReserved(path) &&
      !path.startsWith('/assets/')
    ) {
      const file = fileIn(dir, path);
      if (file !== undefined && file !== indexPath && (await fileSize(file)) !== undefined) {
        return sendFile(req, res, file, 'no-cache');
      }
      if (acceptsHtml(req)) return sendIndex(req, res);
    }
    return res.status(404).send({
      message: `Route ${req.method}:${path} not found`,
      error: 'Not Found',
      statusCode: 404,
    });
  });
}
