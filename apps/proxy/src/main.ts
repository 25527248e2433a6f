/**
 * apo-proxy entry point (one proxy per cluster): `apo-proxy [--config proxy.yaml]`.
 * Validates the configuration (file + environment, src/env.ts), logs structured JSON (pino) to stdout,
 * starts the relay (src/proxy.ts) and shuts down on SIGINT/SIGTERM: receivers stop first, the queue is
 * delivered for up to `export.drainSeconds`, and what is left stays on disk for the next start.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import { attachKubernetes } from './kubernetes/attach.ts';
import type { KubernetesSync } from './kubernetes/kubernetes-sync.ts';
import { startProxy, type RunningProxy } from './proxy.ts';
import { ConfigError, loadProxyConfig, type ProxyConfig } from './env.ts';

const startedAt = Date.now();

let config: ProxyConfig;
try {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' } }, strict: true });
  config = loadProxyConfig(undefined, values.config);
} catch (err) {
  // No logger yet (its level is configuration too); a plain line is what a human starting it needs.
  const message = err instanceof ConfigError || err instanceof TypeError ? err.message : String(err);
  process.stderr.write(`apo-proxy: ${message}\nusage: apo-proxy [--config proxy.yaml]\n`);
  process.exit(1);
}

const log = pino({
  level: config.logLevel,
  base: { component: 'proxy', version: packageJson.version, pid: process.pid },
});

let proxy: RunningProxy;
let kubernetes: KubernetesSync | undefined;
try {
  proxy = await startProxy(config, log, { version: packageJson.version, startedAt });
} catch (err) {
  log.fatal({ err }, 'apo-proxy failed to start');
  process.exit(1);
}
try {
  kubernetes = await attachKubernetes(proxy, config, log);
} catch (err) {
  log.fatal({ err }, 'apo-proxy failed to start its Kubernetes part');
  await proxy.close();
  process.exit(1);
}

// The drain, then the closes themselves (receivers wait for requests in flight).
const shutdownTimeoutMs = config.export.drainSeconds * 1000 + 15_000;
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
    log.error({ timeoutMs: shutdownTimeoutMs }, 'shutdown timed out: exiting');
    process.exit(1);
  }, shutdownTimeoutMs);
  timer.unref();
  try {
    // Kubernetes first: its last events still go into the queue the proxy then drains.
    await kubernetes?.close();
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
