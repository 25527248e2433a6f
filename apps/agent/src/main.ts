/**
 * apo-agent entry point (one agent per host).
 *
 * What this skeleton does today: validates its environment (src/env.ts), logs structured JSON (pino) to
 * stdout, serves `/healthz` and `/metrics` on the status port, and shuts down cleanly on SIGINT/SIGTERM.
 * What it does NOT do yet: it opens no OTLP receivers (gRPC :4317 / HTTP :4318), collects no host, process
 * or log data, and exports nothing. Those arrive in later issues; until then the OTLP, export, token,
 * data-dir and host-interval settings are validated and logged but unused.
 */
import { pino } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import { startAgent } from './agent.ts';
import { EnvError, loadAgentEnv, type AgentConfig } from './env.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;
const startedAt = Date.now();

let config: AgentConfig;
try {
  config = loadAgentEnv();
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  // No logger yet (its level is configuration too); a plain line is what a human starting it needs.
  process.stderr.write(`apo-agent: ${err.message}\n`);
  process.exit(1);
}

const log = pino({
  level: config.logLevel,
  base: { component: 'agent', version: packageJson.version, pid: process.pid },
});

log.info(
  {
    otlpGrpcPort: config.otlpGrpcPort,
    otlpHttpPort: config.otlpHttpPort,
    exportUrl: config.exportUrl,
    tokenSet: config.token !== undefined,
    dataDir: config.dataDir,
    hostIntervalSeconds: config.hostIntervalSeconds,
  },
  'starting apo-agent (skeleton: status server only, no receivers or exporter yet)',
);

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
