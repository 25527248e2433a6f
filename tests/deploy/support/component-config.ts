/**
 * A deployment artifact's settings checked by the component itself: its own env.ts loader (config file +
 * variables, parsed with its zod schema), with a record of which variables that loader reads, so that a
 * variable no component reads — a typo, a setting that does not exist — is caught, not silently ignored.
 */
import { loadAgentConfig, type AgentConfig } from '../../../apps/agent/src/env.ts';
import { loadProxyConfig, type ProxyConfig } from '../../../apps/proxy/src/env.ts';
import { resolveAuth } from '../../../apps/server/src/config/server-config.ts';
import { loadServerConfig } from '../../../apps/server/src/env.ts';
import type { AppName } from '../../../deploy/bundles/bundled-apps.ts';

type ServerConfig = ReturnType<typeof loadServerConfig>;

export interface ComponentConfig {
  agent: AgentConfig;
  proxy: ProxyConfig;
  server: ServerConfig;
}

export interface LoadedConfig<A extends AppName> {
  config: ComponentConfig[A];
  /** Variables set in `env` that the component never reads. */
  ignored: string[];
}

/** Loads `app`'s configuration from `env` exactly as the component does at start (throws its ConfigError). */
export function loadComponentConfig<A extends AppName>(app: A, env: Record<string, string>): LoadedConfig<A> {
  const read = new Set<string>();
  const recording = new Proxy(
    { ...env },
    {
      get(target, key) {
        if (typeof key === 'string') read.add(key);
        return target[key as keyof typeof target];
      },
    },
  );
  const loaders: { [K in AppName]: (e: Record<string, string | undefined>) => ComponentConfig[K] } = {
    agent: (e) => loadAgentConfig(e),
    proxy: (e) => loadProxyConfig(e),
    server: (e) => {
      const config = loadServerConfig(e);
      // Checked at start by the server (app.ts), after the schema: auth beyond loopback needs a token.
      const { problem } = resolveAuth(config);
      if (problem !== undefined) throw new Error(problem);
      return config;
    },
  };
  const config = loaders[app](recording);
  return { config, ignored: Object.keys(env).filter((name) => !read.has(name)) };
}

/** The ports a component listens on, from its parsed configuration. */
export function listeningPorts(
  app: AppName,
  config: ComponentConfig[AppName],
): {
  /** `/healthz` (and the server's `/readyz`). */
  health: number;
  otlpHttp: number;
  otlpGrpc: number;
  /** The address the health endpoint listens on: it must take connections from outside the pod. */
  healthHost: string;
} {
  if (app === 'server') {
    const c = config as ServerConfig;
    return { health: c.httpPort, otlpHttp: c.httpPort, otlpGrpc: c.grpcPort, healthHost: c.host };
  }
  const c = config as AgentConfig | ProxyConfig;
  return {
    health: c.status.port,
    otlpHttp: c.receivers.httpPort,
    otlpGrpc: c.receivers.grpcPort,
    healthHost: c.status.host,
  };
}
