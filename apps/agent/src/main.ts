/**
 * apo-agent entry point (one agent per host): `apo-agent [--config agent.yaml]`.
 * Validates the configuration (file + environment, src/env.ts), logs structured JSON (pino) to stdout,
 * starts the pipeline (src/agent.ts) and shuts down on SIGINT/SIGTERM: receivers close first, then what is
 * in flight is written to the disk queue, so nothing acknowledged is lost.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import { startAgent } from './agent.ts';
import { ConfigError, loadAgentConfig, type AgentConfig } from './env.ts';

const SHUTDOWN_TIMEOUT_MS = 15_000;
const startedAt = Date.now();

let config: AgentConfig;
try {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } }, strict: true });
  config = loadAgentConfig(undefined, values.config);
} catch (err) {
  // No logger yet (its level is configuration too); a plain line is what a human starting it needs.
  const message = err instanceof ConfigError || err instanceof TypeError ? err.message : String(err);
  process.stderr.write(`apo-agent: ${message}\nusage: apo-agent [--config agent.yaml]\n`);
  process.exit(1);
}

const log = pino({
  level: config.logLevel,
  base: { component: 'agent', version: packageJson.version, pid: process.pid },
});

let agent: Awaited<ReturnType<typeof startAgent>>;
try {
  agent = await startAgent(config, log, { version: packageJson.version, startedAt });
} catch (err) {
  log.fatal({ err }, 'apo-agent failed to start');
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    // A second signal means the operator does not want to wait.
    log.warn({ signal }, 'second signal during shutdown: exiting now');
    process.exit(1);
  }
  stopping = true;
  log.info({ signal }, 'shutting down');
  const timer = setTimeout(() => {
    log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out: exiting');
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  timer.unref();
  try {
    await agent.close();
    log.info('stopped');
    process.exitCode = 0;
  } catch (err) {
    log.error({ err }, 'error while shutting down');
    process.exitCode = 1;
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void shutdown(signal));
}
