export { startProxy, type RunningProxy } from './proxy.ts';
export { loadProxyEnv, EnvError, type ProxyConfig } from './env.ts';
export { startStatusServer, type StatusServer, type StatusServerOptions } from './status/status-server.ts';
