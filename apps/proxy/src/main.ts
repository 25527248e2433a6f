/**
 * apo-proxy entry point (one proxy per cluster).
 *
 * What this skeleton does today: validates its environment (src/env.ts), logs structured JSON (pino) to
 * stdout, serves `/healthz` and `/metrics` on the status port, and shuts down cleanly on SIGINT/SIGTERM.
 * What it does NOT do yet: it opens no OTLP receivers (gRPC :14317 / HTTP :14318), authenticates no agents,
 * stamps no cluster id, buffers and exports nothing. Those arrive in later issues; until then the OTLP,
 * export, token, cluster-id and data-dir settings are validated and logged but unused.
 */
import { pino } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import { startProxy } from './proxy.ts';
import { EnvError, loadProxyEnv, type ProxyConfig } from './env.ts';

const SHUTDOWN_TIMEOUT_MS = 10_000;
const startedAt = Date.now();

let config: ProxyConfig;
try {
  config = loadProxyEnv();
} catch (err) {
  if (!(err instanceof EnvError)) throw err;
  // No logger yet (its level is configuration too); a plain line is what a human starting it needs.
  process.stderr.write(`apo-proxy: ${err.message}\n`);
  process.exit(1);
}

const log = pino({
  level: config.logLevel,
  base: { component: 'proxy', version: packageJson.version, pid: process.pid },
});

log.info(
  {
    otlpGrpcPort: config.otlpGrpcPort,
    otlpHttpPort: config.otlpHttpPort,
    exportUrl: config.exportUrl,
    tokenSet: config.token !== undefined,
    agentTokenCount: config.agentTokens.length,
    clusterId: config.clusterId,
    dataDir: config.dataDir,
  },
  'starting apo-proxy (skeleton: status server only, no receivers or exporter yet)',
);

let proxy: Awaited<ReturnType<typeof startProxy>>;
try {
  proxy = await startProxy(config, log, { version: packageJson.version, startedAt });
} catch (err) {
  log.fatal({ err }, 'apo-proxy failed to start');
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
    await proxy.close();
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
