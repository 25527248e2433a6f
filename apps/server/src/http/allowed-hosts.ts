import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Listen addresses that name no host: every interface. */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * The names the server answers to when APO_ALLOWED_HOSTS is not set: loopback, and the listen host when it
 * is a concrete name or address (a server on 0.0.0.0 must be told its names).
 */
export function allowedHostsOf(configured: readonly string[] | undefined, listenHost: string): string[] {
  if (configured !== undefined) return configured.map(normalizeHost);
  const own = normalizeHost(
    listenHost.includes(':') && !listenHost.startsWith('[') ? `[${listenHost}]` : listenHost,
  );
  return WILDCARDS.has(own) || LOOPBACK_NAMES.includes(own) ? [...LOOPBACK_NAMES] : [...LOOPBACK_NAMES, own];
}

/** Lower case, without a trailing dot or a port: `Example.COM.:3300` → `example.com`, `[::1]:80` → `[::1]`. */
function normalizeHost(value: string): string {
  let host = value.trim().toLowerCase();
  if (host.startsWith('[')) host = host.slice(0, host.indexOf(']') + 1);
  else if (host.includes(':')) host = host.slice(0, host.lastIndexOf(':'));
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

export function isAllowedHost(hostHeader: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  return hostHeader !== undefined && allowed.includes(normalizeHost(hostHeader));
}

/**
 * DNS rebinding: a web page whose name the attacker re-points at 127.0.0.1 reaches a loopback server from the
 * victim's browser as a same-origin page — CORS does not apply — but its requests still carry the attacker's
 * name in Host. Every route that reads data or serves the console is refused (421) unless Host is one of the
 * server's names.
 *
 * Exempt: `/v1/*` (OTLP ingest, pod snapshots, sampling decisions), which agents and proxies address by
 * whatever name reaches the server; those routes write (the sampling read returns trace ids, no telemetry)
 * and require a token whenever the server listens beyond loopback. And `/healthz`, `/readyz`: probes use
 * the pod's address, and the answers say nothing.
 */
export function registerHostCheck<Logger extends FastifyBaseLogger>(
  app: FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, Logger>,
  allowed: readonly string[],
): void {
  app.addHook('onRequest', async (req, res) => {
    const path = req.url.split('?', 1)[0] ?? '';
    if (path.startsWith('/v1/') || path === '/healthz' || path === '/readyz') return;
    if (isAllowedHost(req.headers.host, allowed)) return;
    const host = req.headers.host ?? '';
    await res
      .status(421)
      .type('application/json')
      .send({
        message:
          `host "${host}" is not one of this server's names (${allowed.join(', ')}): ` +
          `add it to APO_ALLOWED_HOSTS (comma-separated; * allows any) if it is yours`,
      });
    return res;
  });
}
