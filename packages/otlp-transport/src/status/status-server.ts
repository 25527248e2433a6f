import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import {
  defaultConnectionLimits,
  httpServerOptions,
  limitHttpConnections,
  type ConnectionLimits,
} from '../receivers/connection-limits.ts';

/**
 * Health and self-metrics for orchestrators and for the operator: `/healthz` (JSON) and `/metrics`
 * (Prometheus text). Plain `node:http` keeps the agent's footprint small; it answers nothing else.
 *
 * `/healthz` answers 200 with `status: 'ok'`, or 503 with `status: 'degraded'` while the process is up but
 * cannot do its job (its disk queue cannot write: it refuses every request). 503 because it is what the
 * process answers its senders meanwhile, and because a Kubernetes readiness probe or a load balancer takes
 * a non-2xx/3xx target out of rotation until it recovers — the right reaction. It is not a liveness signal:
 * a restart does not free a disk, so a liveness probe should not point at it (or should accept 503).
 */
export interface StatusServerOptions {
  component: string;
  version: string;
  host: string;
  port: number;
  /** Epoch milliseconds: when the process started, for uptime and the start-time gauge. */
  startedAt: number;
  log: Logger;
  now?: () => number;
  /** More Prometheus text lines for /metrics (the component's own counters), rendered per scrape. */
  metrics?: () => string;
  /** More fields for /healthz (e.g. queue depth, last export error); `status: 'degraded'` answers 503. */
  health?: () => HealthFields;
  /** Timeouts and the connection bound (defaults: `defaultConnectionLimits`), as on the receivers. */
  connections?: ConnectionLimits;
}

export interface StatusServer {
  /** The bound port (differs from the requested one when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

export type HealthStatus = 'ok' | 'degraded';

export type HealthFields = { status?: HealthStatus } & Record<string, unknown>;

export interface HealthBody {
  status: HealthStatus;
  component: string;
  version: string;
  uptimeSeconds: number;
}

export function healthBody(
  options: Pick<StatusServerOptions, 'component' | 'version' | 'startedAt'>,
  now: number,
): HealthBody {
  return {
    status: 'ok',
    component: options.component,
    version: options.version,
    uptimeSeconds: Math.max(0, Math.floor((now - options.startedAt) / 1000)),
  };
}

/** Metric names follow Prometheus conventions: `apo_<component>_…`, base units (seconds). */
export function metricsText(
  options: Pick<StatusServerOptions, 'component' | 'version' | 'startedAt'>,
): string {
  const prefix = `apo_${options.component.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  const version = options.version.replace(/["\\\n]/g, '_');
  return [
    `# HELP ${prefix}_up Whether the ${options.component} is running (always 1 when scraped).`,
    `# TYPE ${prefix}_up gauge`,
    `${prefix}_up 1`,
    `# HELP ${prefix}_start_time_seconds Start time of the process since unix epoch in seconds.`,
    `# TYPE ${prefix}_start_time_seconds gauge`,
    `${prefix}_start_time_seconds ${(options.startedAt / 1000).toFixed(3)}`,
    `# HELP ${prefix}_build_info Build information; the value is always 1.`,
    `# TYPE ${prefix}_build_info gauge`,
    `${prefix}_build_info{version="${version}"} 1`,
    '',
  ].join('\n');
}

function send(res: ServerResponse, status: number, contentType: string, body: string, head: boolean): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : body);
}

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const now = options.now ?? Date.now;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?', 1)[0];
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      send(res, 405, 'text/plain; charset=utf-8', 'method not allowed: use GET\n', head);
      return;
    }
    if (path === '/healthz') {
      const body = { ...healthBody(options, now()), ...options.health?.() };
      send(
        res,
        body.status === 'degraded' ? 503 : 200,
        'application/json; charset=utf-8',
        JSON.stringify(body),
        head,
      );
    } else if (path === '/metrics') {
      send(
        res,
        200,
        'text/plain; version=0.0.4; charset=utf-8',
        metricsText(options) + (options.metrics?.() ?? ''),
        head,
      );
    } else {
      send(
        res,
        404,
        'text/plain; charset=utf-8',
        'not found: this status server serves /healthz and /metrics\n',
        head,
      );
    }
  };
  const limits = options.connections ?? defaultConnectionLimits;
  const server = createServer(httpServerOptions(limits), (req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      options.log.error({ err }, 'status request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n', false);
    }
  });
  limitHttpConnections(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err) reject(err);
          else resolve();
        });
        // Probes keep connections alive; without this, close() would wait for their idle timeout.
        server.closeIdleConnections();
      }),
  };
}
