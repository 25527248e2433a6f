import type { Logger } from 'pino';
import type { AgentConfig } from './env.ts';
import { startStatusServer } from './status/status-server.ts';

export interface RunningAgent {
  readonly statusPort: number;
  close(): Promise<void>;
}

/**
 * Starts what the agent has today: its status server. Receivers, host collectors and the exporter are
 * added here as they land, each with its own close step, in reverse start order.
 */
export async function startAgent(
  config: AgentConfig,
  log: Logger,
  meta: { version: string; startedAt: number },
): Promise<RunningAgent> {
  const status = await startStatusServer({
    component: 'agent',
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
