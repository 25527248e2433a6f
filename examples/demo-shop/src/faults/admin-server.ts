import http from 'node:http';
import { isFaultKind, type ActiveFault } from './catalog.ts';
import type { FaultController } from './controller.ts';

/**
 * The admin endpoint of a service, on its own port:
 *
 *   GET    /healthz          status, service.version, pid, database, active faults
 *   GET    /faults           active faults
 *   POST   /faults           {kind, params?, forMs?}  → 201 {fault}  (400 with a message naming the problem)
 *   DELETE /faults[/<kind>]  → 200 {cleared: [...]}
 *
 * Admin calls are operations on the demo, not traffic of the shop: the server is left out of the preload's
 * HTTP instrumentation (its `emit` is the original, unwrapped one), so they make no spans, and they are not
 * logged through pino (whose records become OTLP logs) — only the audit log records them.
 */
export interface AdminOptions {
  port: number;
  host: string;
  controller: FaultController;
  health: () => Record<string, unknown>;
  /** Called after the answer to a change that needs a restart (bad-deploy and its rollback). */
  restart: () => void;
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('body over 64 KB');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
}

interface Answer {
  status: number;
  body: unknown;
  /** Runs once the answer is sent (a restart must not cut it off). */
  after?: (() => void) | undefined;
}

export function startAdminServer(options: AdminOptions): Promise<http.Server> {
  const { controller } = options;
  const restartIf = (changed: ActiveFault[]) =>
    controller.needsRestartAfter(changed) ? options.restart : undefined;

  const post = async (req: http.IncomingMessage): Promise<Answer> => {
    let body: unknown;
    try {
      body = await readJson(req);
    } catch (error) {
      return { status: 400, body: { error: `invalid JSON body: ${(error as Error).message}` } };
    }
    const { kind, params, forMs } = (body ?? {}) as { kind?: unknown; params?: unknown; forMs?: unknown };
    if (typeof kind !== 'string') return { status: 400, body: { error: 'body needs "kind" (a string)' } };
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      return { status: 400, body: { error: '"params" must be an object' } };
    }
    if (forMs !== undefined && typeof forMs !== 'number') {
      return { status: 400, body: { error: '"forMs" must be a number of milliseconds' } };
    }
    const result = controller.inject(kind, (params ?? {}) as Record<string, unknown>, forMs);
    if (!result.ok) return { status: 400, body: { error: result.error } };
    return { status: 201, body: { fault: result.value }, after: restartIf([result.value]) };
  };

  const route = async (req: http.IncomingMessage): Promise<Answer> => {
    const path = new URL(req.url ?? '/', 'http://admin').pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && path === '/healthz') return { status: 200, body: options.health() };
    if (path === '/faults' && req.method === 'GET') {
      return { status: 200, body: { faults: controller.list(), now: Date.now() } };
    }
    if (path === '/faults' && req.method === 'POST') return post(req);
    const one = /^\/faults\/([a-z-]+)$/.exec(path);
    if (req.method === 'DELETE' && (path === '/faults' || one)) {
      const kind = one?.[1];
      if (kind !== undefined && !isFaultKind(kind)) {
        return { status: 400, body: { error: `unknown fault kind "${kind}"` } };
      }
      const cleared = controller.clear(kind);
      return { status: 200, body: { cleared }, after: restartIf(cleared) };
    }
    return { status: 404, body: { error: `no route ${req.method ?? ''} ${path}` } };
  };

  const server = http.createServer((req, res) => {
    route(req)
      .catch((error: unknown): Answer => ({ status: 500, body: { error: String(error) } }))
      .then(
        ({ status, body, after }) => {
          const text = JSON.stringify(body);
          res.writeHead(status, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(text),
          });
          if (after) res.on('finish', after);
          res.end(text);
        },
        () => undefined,
      );
  });
  const emit: unknown = Reflect.get(http.Server.prototype, 'emit');
  const original = (emit as { __original?: typeof server.emit } | undefined)?.__original;
  if (original) server.emit = original;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      resolve(server);
    });
  });
}
