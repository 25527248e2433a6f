import type { Logger } from 'pino';
import type { ProxyConfig } from './env.ts';
import { startStatusServer } from '@apo/pipeline';

export interface RunningProxy {
  readonly statusPort: number;
  close(): Promise<void>;
}

/**
 * Starts what the proxy has today: its status server. Receivers, agent authentication, re-batching and the exporter are
 * added here as they land, each with its own close step, in reverse start order.
 */
export async function startProxy(
  config: ProxyConfig,
  log: Logger,
  meta: { version: string; startedAt: number },
): Promise<RunningProxy> {
  const status = await startStatusServer({
    component: 'proxy',
    version: meta.version,
    host: config.statusHost,
    port: config.statusPort,
    startedAt: meta.startedAt,
    log,
  });
  log.info({ statusUrl: `http://${config.statusHost}:${status.port}` }, 'status server listening');
  return {
    statusPort: status.port,
    close: () => status.close(),
  };
}
